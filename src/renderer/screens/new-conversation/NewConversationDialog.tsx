// New conversation: the form, then the start's progress until the conversation exists (then it opens).
// The create goes through the outbox, so it survives going offline or closing this dialog: it starts when
// its server answers, and shows in the list as "Starting…" meanwhile.
import { useEffect, useId, useState } from 'react';
import { conversationKey } from '../../../shared/live';
import type { OutboxAction, OutboxItemView } from '../../../shared/outbox';
import { bridge, errorMessage, unwrap } from '../../bridge';
import { Dialog } from '../../components/Dialog';
import { useT } from '../../i18n/i18n';
import { useOutboxStore } from '../../stores/outbox-store';
import { type ServerView, useServersStore } from '../../stores/servers-store';
import { useUiStore } from '../../stores/ui-store';
import { startFailed } from './start-steps';
import { type Draft, EMPTY_DRAFT, StartForm } from './StartForm';
import { StartProgress } from './StartProgress';
import './new-conversation.css';

/** The outbox action for a draft; optional fields left empty are not sent. */
export function createAction(
  draft: Draft,
  serverId: string,
  tempId: string,
  kind: ServerView['kind'] = 'self-hosted',
): OutboxAction {
  if (kind === 'agent-server') {
    const source = draft.agentSource;
    return {
      kind: 'create',
      serverId,
      tempId,
      request: {
        initialMessage: draft.message.trim(),
        workingDir: draft.workingDir.trim(),
        ...(draft.worktree ? { worktree: true } : {}),
        ...(source.startsWith('agent:') ? { agentProfileId: source.slice('agent:'.length) } : {}),
        ...(source.startsWith('llm:') ? { llmProfile: source.slice('llm:'.length) } : {}),
      },
    };
  }
  const repository = draft.repository.trim();
  const branch = draft.branch.trim();
  return {
    kind: 'create',
    serverId,
    tempId,
    request: {
      initialMessage: draft.message.trim(),
      ...(repository ? { selectedRepository: repository } : {}),
      ...(branch ? { selectedBranch: branch } : {}),
      agentType: draft.agentType,
    },
  };
}

/** The queued create as main last reported it: live while pending, then its settled state. */
function useWatchedItem(queued: OutboxItemView | null): OutboxItemView | null {
  const live = useOutboxStore((s) => (queued ? s.items[queued.id] : undefined));
  const settled = useOutboxStore((s) => (queued?.tempId ? s.finished[queued.tempId] : undefined));
  return live ?? settled ?? queued;
}

export function NewConversationDialog({ onClose }: { onClose: () => void }) {
  const t = useT();
  const formId = useId();
  const servers = useServersStore((s) => s.servers);
  const loaded = useServersStore((s) => s.loaded);
  const [draft, setDraft] = useState<Draft>(EMPTY_DRAFT);
  const [messageError, setMessageError] = useState<string | null>(null);
  const [dirError, setDirError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [queued, setQueued] = useState<OutboxItemView | null>(null);
  const watched = useWatchedItem(queued);
  // A cancelled start goes back to the form, with what was typed, so it can be changed and started again.
  const item = watched?.state === 'cancelled' ? null : watched;

  // The chosen server, or the first one (also when the chosen one was removed meanwhile).
  const serverId = servers.some((s) => s.id === draft.serverId) ? draft.serverId : (servers[0]?.id ?? '');
  const server = servers.find((s) => s.id === serverId);

  // A server's kind may have been found since the list was read (an agent server saved without a test).
  useEffect(() => {
    void useServersStore.getState().refresh();
  }, []);

  useEffect(() => {
    if (item?.state !== 'done') return;
    if (item.created) useUiStore.getState().openConversation(conversationKey(item.created));
    onClose();
  }, [item, onClose]);

  const submit = async (): Promise<void> => {
    if (busy || !serverId) return;
    if (!draft.message.trim()) {
      setMessageError(t('newConversation.messageRequired'));
      document.getElementById(formId)?.querySelector('textarea')?.focus();
      return;
    }
    setMessageError(null);
    if (server?.kind === 'agent-server' && !draft.workingDir.trim().startsWith('/')) {
      setDirError(t('newConversation.workingDirRequired'));
      document.getElementById(formId)?.querySelector<HTMLInputElement>('.dir-input input')?.focus();
      return;
    }
    setDirError(null);
    setError(null);
    setBusy(true);
    try {
      const action = createAction({ ...draft, serverId }, serverId, crypto.randomUUID(), server?.kind);
      setQueued(await unwrap(bridge().outbox.enqueue(action)));
    } catch (e) {
      setError(t('newConversation.enqueueFailed', { message: errorMessage(e) }));
    } finally {
      setBusy(false);
    }
  };

  const openServers = (): void => useUiStore.getState().showDialog('servers');
  const failed = item ? startFailed(item) : false;

  const footer = ((): React.ReactNode => {
    if (!loaded) return null;
    if (servers.length === 0 && !item)
      return (
        <>
          <button type="button" onClick={onClose}>
            {t('newConversation.cancel')}
          </button>
          <button type="button" className="primary" onClick={openServers}>
            {t('newConversation.setUpServer')}
          </button>
        </>
      );
    if (!item)
      return (
        <>
          <button type="button" onClick={onClose}>
            {t('newConversation.cancel')}
          </button>
          <button type="submit" form={formId} className="primary" disabled={busy}>
            {t('newConversation.start')}
          </button>
        </>
      );
    const { retry, cancel } = useOutboxStore.getState();
    return (
      <>
        {failed || item.canCancel ? (
          <button type="button" onClick={() => void cancel(item.id)}>
            {t('newConversation.cancelStart')}
          </button>
        ) : null}
        {failed ? (
          <button type="button" className="primary" onClick={() => void retry(item.id)}>
            {t('newConversation.retry')}
          </button>
        ) : (
          <button type="button" className="primary" onClick={onClose}>
            {t('newConversation.hide')}
          </button>
        )}
      </>
    );
  })();

  return (
    <Dialog title={t('newConversation.title')} onClose={onClose} footer={footer}>
      {!loaded ? (
        <p className="muted">{t('common.loading')}</p>
      ) : item ? (
        <StartProgress item={item} />
      ) : servers.length === 0 ? (
        <p>{t('newConversation.noServers')}</p>
      ) : (
        <StartForm
          formId={formId}
          servers={servers}
          draft={{ ...draft, serverId }}
          onChange={(patch) => setDraft((d) => ({ ...d, ...patch }))}
          onSubmit={() => void submit()}
          messageError={messageError}
          dirError={dirError}
          error={error}
        />
      )}
    </Dialog>
  );
}
