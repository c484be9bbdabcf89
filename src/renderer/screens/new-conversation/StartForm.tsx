// The new-conversation form: the message (required), where it runs (server, when there are several), and
// what fits that server: an app server takes an optional repository and branch and the agent type, a bare
// agent server a working directory and an agent profile (BackendFields). Enter adds a line; Ctrl/Cmd+Enter
// starts.
import { useId } from 'react';
import { useT } from '../../i18n/i18n';
import type { ServerView } from '../../stores/servers-store';
import { isModKey } from '../../use-shortcuts';
import { modKeyLabel } from '../conversations/mod-key-label';
import { BackendFields, type BackendDraft } from './BackendFields';

export interface Draft extends BackendDraft {
  serverId: string;
  message: string;
  repository: string;
  branch: string;
  agentType: 'default' | 'plan';
}

export const EMPTY_DRAFT: Draft = {
  serverId: '',
  message: '',
  repository: '',
  branch: '',
  agentType: 'default',
  workingDir: '',
  worktree: false,
  agentSource: '',
};

interface StartFormProps {
  formId: string;
  servers: readonly ServerView[];
  draft: Draft;
  onChange: (patch: Partial<Draft>) => void;
  onSubmit: () => void;
  /** Shown under the message (it is empty) or above the form (the bridge refused). */
  messageError: string | null;
  /** Shown under the working directory (an agent server's, none chosen). */
  dirError: string | null;
  error: string | null;
}

export function StartForm({
  formId,
  servers,
  draft,
  onChange,
  onSubmit,
  messageError,
  dirError,
  error,
}: StartFormProps) {
  const t = useT();
  const server = servers.find((s) => s.id === draft.serverId);
  const base = useId();
  const id = (name: string): string => `${base}-${name}`;

  return (
    <form
      id={formId}
      className="new-conversation-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      {error ? (
        <p className="error-text" role="alert">
          {error}
        </p>
      ) : null}
      <div className="field">
        <label htmlFor={id('message')}>{t('newConversation.message')}</label>
        <textarea
          id={id('message')}
          rows={5}
          autoFocus
          required
          aria-required="true"
          aria-invalid={messageError ? 'true' : undefined}
          aria-describedby={messageError ? `${id('error')} ${id('hint')}` : id('hint')}
          placeholder={t('newConversation.messagePlaceholder')}
          value={draft.message}
          onChange={(e) => onChange({ message: e.target.value })}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && isModKey(event)) {
              event.preventDefault();
              onSubmit();
            }
          }}
        />
        {messageError ? (
          <span id={id('error')} className="field-error">
            {messageError}
          </span>
        ) : null}
        <span id={id('hint')} className="muted field-hint">
          {t('newConversation.shortcutHint', { key: modKeyLabel() })}
        </span>
      </div>
      <div className="new-conversation-options">
        {servers.length > 1 ? (
          <div className="field">
            <label htmlFor={id('server')}>{t('newConversation.server')}</label>
            <select
              id={id('server')}
              value={draft.serverId}
              onChange={(e) =>
                // Another server's folders and profiles mean nothing here: they are picked again.
                onChange({ serverId: e.target.value, workingDir: '', agentSource: '' })
              }
            >
              {servers.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        {server?.kind === 'agent-server' ? null : (
          <>
            <div className="field">
              <label htmlFor={id('agent')}>{t('newConversation.agent')}</label>
              <select
                id={id('agent')}
                value={draft.agentType}
                onChange={(e) => onChange({ agentType: e.target.value === 'plan' ? 'plan' : 'default' })}
              >
                <option value="default">{t('newConversation.agentDefault')}</option>
                <option value="plan">{t('newConversation.agentPlan')}</option>
              </select>
            </div>
            <div className="field">
              <label htmlFor={id('repo')}>{t('newConversation.repository')}</label>
              <input
                id={id('repo')}
                type="text"
                autoComplete="off"
                spellCheck={false}
                aria-describedby={id('repoHint')}
                value={draft.repository}
                onChange={(e) => onChange({ repository: e.target.value })}
              />
              <span id={id('repoHint')} className="muted field-hint">
                {t('newConversation.repositoryHint')}
              </span>
            </div>
            <div className="field">
              <label htmlFor={id('branch')}>{t('newConversation.branch')}</label>
              <input
                id={id('branch')}
                type="text"
                autoComplete="off"
                spellCheck={false}
                aria-describedby={id('branchHint')}
                value={draft.branch}
                onChange={(e) => onChange({ branch: e.target.value })}
              />
              <span id={id('branchHint')} className="muted field-hint">
                {t('newConversation.branchHint')}
              </span>
            </div>
          </>
        )}
      </div>
      {server?.kind === 'agent-server' ? (
        <BackendFields
          key={server.id}
          server={server}
          draft={draft}
          onChange={onChange}
          dirError={dirError}
        />
      ) : null}
    </form>
  );
}
