// New conversation on a bare agent server: the folder on that server the agent works in (picked from the
// recent ones, the server's saved workspaces and its home folder, or browsed to, with a filter; typing a
// path works too), an optional git worktree, and the agent to start: a saved agent profile, an LLM profile,
// or the server's own settings. No LLM key is ever asked for here: the server holds them.
import { useEffect, useId, useMemo, useState } from 'react';
import type { BackendOptions } from '../../../shared/bridge/contract';
import { bridge, errorMessage, unwrap } from '../../bridge';
import { useT } from '../../i18n/i18n';
import type { ServerView } from '../../stores/servers-store';

export interface BackendDraft {
  workingDir: string;
  worktree: boolean;
  /** `agent:<id>`, `llm:<name>`, `settings`, or '' for "the server's default" until options load. */
  agentSource: string;
}

type Loaded =
  { state: 'loading' } | { state: 'failed'; message: string } | { state: 'ready'; options: BackendOptions };

/** The agent source to preselect: the server's active agent profile, else its active LLM profile, else its settings. */
export function defaultSource(options: BackendOptions): string {
  const active = options.agentProfiles.find((p) => p.id === options.activeAgentProfileId);
  if (active) return `agent:${active.id}`;
  if (options.activeLlmProfile && options.llmProfiles.some((p) => p.name === options.activeLlmProfile))
    return `llm:${options.activeLlmProfile}`;
  return 'settings';
}

interface Props {
  server: ServerView;
  draft: BackendDraft;
  onChange: (patch: Partial<BackendDraft>) => void;
  dirError: string | null;
}

export function BackendFields({ server, draft, onChange, dirError }: Props) {
  const t = useT();
  const base = useId();
  const id = (name: string): string => `${base}-${name}`;
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const [browsing, setBrowsing] = useState(false);

  useEffect(() => {
    // Mounted once per server (keyed by it in StartForm), so it starts as loading.
    let live = true;
    unwrap(bridge().backends.options({ serverId: server.id })).then(
      (options) => {
        if (!live) return;
        setLoaded({ state: 'ready', options });
        // Fill in what the user has not chosen yet: the last folder used there, the server's default agent.
        onChange({
          ...(draft.agentSource === '' ? { agentSource: defaultSource(options) } : {}),
          ...(draft.workingDir === '' && server.recentDirs[0] ? { workingDir: server.recentDirs[0] } : {}),
        });
      },
      (error: unknown) => live && setLoaded({ state: 'failed', message: errorMessage(error) }),
    );
    return () => {
      live = false;
    };
    // Loaded once per server; the draft is read only to fill in what is still empty.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [server.id]);

  const options = loaded.state === 'ready' ? loaded.options : null;
  const suggestions = useMemo(() => {
    const seen = new Set<string>();
    const out: { name: string; path: string; group: 'recent' | 'workspace' | 'place' }[] = [];
    const add = (name: string, path: string, group: 'recent' | 'workspace' | 'place'): void => {
      if (seen.has(path)) return;
      seen.add(path);
      out.push({ name, path, group });
    };
    for (const dir of server.recentDirs) add(baseName(dir), dir, 'recent');
    for (const w of options?.workspaces ?? []) add(w.name, w.path, 'workspace');
    if (options?.home) add('~', options.home, 'place');
    for (const p of options?.places ?? []) add(p.name, p.path, 'place');
    return out;
  }, [server.recentDirs, options]);

  return (
    <div className="backend-fields">
      <div className="field">
        <label htmlFor={id('dir')}>{t('newConversation.workingDir')}</label>
        <div className="dir-input">
          <input
            id={id('dir')}
            type="text"
            autoComplete="off"
            spellCheck={false}
            required
            aria-required="true"
            aria-invalid={dirError ? 'true' : undefined}
            aria-describedby={dirError ? `${id('dirError')} ${id('dirHint')}` : id('dirHint')}
            placeholder={options?.home ?? '/'}
            value={draft.workingDir}
            onChange={(e) => onChange({ workingDir: e.target.value })}
          />
          <button
            type="button"
            aria-expanded={browsing}
            aria-controls={id('browser')}
            disabled={!options}
            onClick={() => setBrowsing((b) => !b)}
          >
            {t('newConversation.browse')}
          </button>
        </div>
        {dirError ? (
          <span id={id('dirError')} className="field-error">
            {dirError}
          </span>
        ) : null}
        <span id={id('dirHint')} className="muted field-hint">
          {t('newConversation.workingDirHint', { server: server.name })}
        </span>
        {loaded.state === 'failed' ? (
          <p className="error-text" role="alert">
            {t('newConversation.backendUnavailable', { message: loaded.message })}
          </p>
        ) : null}
        {suggestions.length > 0 ? (
          <ul className="dir-suggestions" aria-label={t('newConversation.suggestedFolders')}>
            {suggestions.map((s) => (
              <li key={s.path}>
                <button
                  type="button"
                  className={draft.workingDir === s.path ? 'chosen' : undefined}
                  aria-pressed={draft.workingDir === s.path}
                  title={s.path}
                  onClick={() => onChange({ workingDir: s.path })}
                >
                  <span className="dir-name">{s.name}</span>{' '}
                  <span className="muted dir-group">{t(GROUP_LABEL[s.group])}</span>
                </button>
              </li>
            ))}
          </ul>
        ) : null}
        {browsing && options ? (
          <FolderBrowser
            id={id('browser')}
            serverId={server.id}
            start={draft.workingDir.startsWith('/') ? draft.workingDir : (options.home ?? '/')}
            onPick={(path) => onChange({ workingDir: path })}
          />
        ) : null}
      </div>
      <label className="check">
        <input
          type="checkbox"
          checked={draft.worktree}
          aria-describedby={id('worktreeHint')}
          onChange={(e) => onChange({ worktree: e.target.checked })}
        />
        <span>{t('newConversation.worktree')}</span>
      </label>
      <p className="muted field-hint" id={id('worktreeHint')}>
        {t('newConversation.worktreeHint')}
      </p>
      <div className="field">
        <label htmlFor={id('source')}>{t('newConversation.agentSource')}</label>
        <select
          id={id('source')}
          value={draft.agentSource}
          disabled={!options}
          aria-describedby={id('sourceHint')}
          onChange={(e) => onChange({ agentSource: e.target.value })}
        >
          {!options ? <option value="">{t('common.loading')}</option> : null}
          {options && options.agentProfiles.length > 0 ? (
            <optgroup label={t('newConversation.agentProfiles')}>
              {options.agentProfiles.map((p) => (
                <option key={p.id} value={`agent:${p.id}`}>
                  {p.llmProfile ? `${p.name} (${p.llmProfile})` : p.name}
                </option>
              ))}
            </optgroup>
          ) : null}
          {options && options.llmProfiles.length > 0 ? (
            <optgroup label={t('newConversation.llmProfiles')}>
              {options.llmProfiles.map((p) => (
                <option key={p.name} value={`llm:${p.name}`}>
                  {p.model ? `${p.name} (${p.model})` : p.name}
                </option>
              ))}
            </optgroup>
          ) : null}
          {options ? (
            <option value="settings">
              {options.settingsModel
                ? t('newConversation.serverSettingsModel', { model: options.settingsModel })
                : t('newConversation.serverSettings')}
            </option>
          ) : null}
        </select>
        <span id={id('sourceHint')} className="muted field-hint">
          {t('newConversation.agentSourceHint')}
        </span>
      </div>
    </div>
  );
}

const GROUP_LABEL = {
  recent: 'newConversation.recentFolder',
  workspace: 'newConversation.workspaceFolder',
  place: 'newConversation.placeFolder',
} as const;

function baseName(path: string): string {
  const parts = path.split('/').filter(Boolean);
  return parts.at(-1) ?? '/';
}

function parentOf(path: string): string | null {
  if (path === '/' || !path.startsWith('/')) return null;
  const parts = path.split('/').filter(Boolean);
  parts.pop();
  return `/${parts.join('/')}`;
}

type Listing =
  | { state: 'loading' }
  | { state: 'failed'; message: string; path: string }
  | { state: 'ready'; items: { name: string; path: string }[]; nextPageId: string | null; path: string };

/** Sub-folders of one folder on the server, a page at a time, with a filter over what is loaded. */
function FolderBrowser({
  id,
  serverId,
  start,
  onPick,
}: {
  id: string;
  serverId: string;
  start: string;
  onPick: (path: string) => void;
}) {
  const t = useT();
  const [path, setPath] = useState(start);
  const [filter, setFilter] = useState('');
  const [loaded, setListing] = useState<Listing>({ state: 'loading' });
  // What was loaded for another folder is not shown while this one loads.
  const listing: Listing = loaded.state !== 'loading' && loaded.path === path ? loaded : { state: 'loading' };

  useEffect(() => {
    let live = true;
    unwrap(bridge().backends.folders({ serverId, path })).then(
      (page) => live && setListing({ state: 'ready', items: page.items, nextPageId: page.nextPageId, path }),
      (error: unknown) => live && setListing({ state: 'failed', message: errorMessage(error), path }),
    );
    return () => {
      live = false;
    };
  }, [serverId, path]);

  const more = async (): Promise<void> => {
    if (listing.state !== 'ready' || !listing.nextPageId) return;
    try {
      const page = await unwrap(bridge().backends.folders({ serverId, path, pageId: listing.nextPageId }));
      // A server repeating its cursor would page forever: the listing stops there.
      const next = page.nextPageId === listing.nextPageId ? null : page.nextPageId;
      setListing({ state: 'ready', items: [...listing.items, ...page.items], nextPageId: next, path });
    } catch (error) {
      setListing({ state: 'failed', message: errorMessage(error), path });
    }
  };

  const go = (to: string): void => {
    setPath(to);
    setFilter('');
    onPick(to);
  };
  const parent = parentOf(path);
  const needle = filter.trim().toLowerCase();
  const shown =
    listing.state === 'ready'
      ? listing.items.filter((f) => needle === '' || f.name.toLowerCase().includes(needle))
      : [];

  return (
    <div className="folder-browser" id={id} role="group" aria-label={t('newConversation.folderBrowser')}>
      <div className="folder-browser-bar">
        <button type="button" disabled={parent === null} onClick={() => parent !== null && go(parent)}>
          {t('newConversation.folderUp')}
        </button>
        <span className="folder-path" title={path}>
          {path}
        </span>
      </div>
      <input
        type="search"
        aria-label={t('newConversation.filterFolders')}
        placeholder={t('newConversation.filterFolders')}
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
      />
      {listing.state === 'loading' ? <p className="muted">{t('common.loading')}</p> : null}
      {listing.state === 'failed' ? (
        <p className="error-text" role="alert">
          {listing.message}
        </p>
      ) : null}
      {listing.state === 'ready' ? (
        <>
          {shown.length === 0 ? <p className="muted">{t('newConversation.noFolders')}</p> : null}
          <ul className="folder-list" aria-label={t('newConversation.foldersIn', { path })}>
            {shown.map((f) => (
              <li key={f.path}>
                <button type="button" title={f.path} onClick={() => go(f.path)}>
                  {f.name}
                </button>
              </li>
            ))}
          </ul>
          {listing.nextPageId ? (
            <button type="button" onClick={() => void more()}>
              {t('newConversation.moreFolders')}
            </button>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
