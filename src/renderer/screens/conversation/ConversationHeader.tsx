// The open conversation's header: what it is (title, status, server, repository), whether its timeline is
// live, and the actions that apply to its status. Every action goes through the outbox; what does not apply
// to the status is disabled (not hidden), so the controls stay where the user expects them.
import { useState } from 'react';
import type { TrackedConversation } from '../../../shared/live';
import type { TimelineLiveState } from '../../../shared/timeline';
import { Dialog } from '../../components/Dialog';
import { StatusBadge } from '../../components/StatusBadge';
import { type MessageKey, useT } from '../../i18n/i18n';
import { useServersStore } from '../../stores/servers-store';
import { useTimelineStore } from '../../stores/timeline-store';
import { useUiStore } from '../../stores/ui-store';
import { enqueueAction, type PageAction } from './enqueue';

const LIVE_LABELS: Record<TimelineLiveState, MessageKey> = {
  live: 'conversation.liveLive',
  connecting: 'conversation.liveReconnecting',
  reconnecting: 'conversation.liveReconnecting',
  stopped: 'conversation.liveNotLive',
  'sandbox-not-running': 'conversation.liveNotLive',
  unsupported: 'conversation.liveUnsupported',
};

function LiveIndicator({ conversationKey }: { conversationKey: string }) {
  const t = useT();
  const live = useTimelineStore((s) => (s.key === conversationKey ? s.live : null));
  if (!live) return null;
  return <span className={`conv-live conv-live-${live}`}>{t(LIVE_LABELS[live])}</span>;
}

export function ConversationHeader({
  conversation,
  conversationKey,
}: {
  conversation: TrackedConversation;
  conversationKey: string;
}) {
  const t = useT();
  const serverName = useServersStore(
    (s) => s.servers.find((server) => server.id === conversation.serverId)?.name ?? conversation.serverId,
  );
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState('');
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const ref = { serverId: conversation.serverId, id: conversation.id, version: conversation.version };
  const { status } = conversation;

  const run = async (action: PageAction): Promise<boolean> => {
    setBusy(true);
    const problem = await enqueueAction(action);
    setBusy(false);
    setError(problem);
    return problem === null;
  };

  const startRename = (): void => {
    setDraft(conversation.title);
    setEditing(true);
  };
  const saveRename = async (): Promise<void> => {
    const title = draft.trim();
    if (!title) return;
    if (title === conversation.title) {
      setEditing(false);
      return;
    }
    if (await run({ kind: 'rename', ref, title })) setEditing(false);
  };
  const remove = async (): Promise<void> => {
    if (await run({ kind: 'delete', ref })) {
      setConfirmDelete(false);
      useUiStore.getState().openConversation(null);
    }
  };

  const resume: PageAction | null =
    status === 'paused'
      ? { kind: 'resume-agent', ref }
      : status === 'stopped'
        ? { kind: 'resume-sandbox', ref }
        : null;
  // An agent server's conversation has no repository: the folder it works in says where it is.
  const location =
    conversation.workingDir ?? [conversation.repository, conversation.branch].filter(Boolean).join(' · ');

  return (
    <header className="conv-header">
      <div className="conv-header-info">
        {editing ? (
          <form
            className="conv-rename"
            onSubmit={(event) => {
              event.preventDefault();
              void saveRename();
            }}
          >
            <input
              aria-label={t('conversation.titleLabel')}
              value={draft}
              maxLength={200}
              autoFocus
              onChange={(event) => setDraft(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === 'Escape') setEditing(false);
              }}
            />
            <button type="submit" className="primary" disabled={busy || !draft.trim()}>
              {t('conversation.save')}
            </button>
            <button type="button" onClick={() => setEditing(false)}>
              {t('conversation.cancel')}
            </button>
          </form>
        ) : (
          <h2 className="conv-title" title={conversation.title}>
            {conversation.title}
          </h2>
        )}
        <div className="conv-meta">
          <StatusBadge status={status} />
          <span className="conv-server">{serverName}</span>
          {location ? <span className="conv-repo">{location}</span> : null}
          <LiveIndicator conversationKey={conversationKey} />
        </div>
      </div>
      <div className="conv-actions" role="group" aria-label={t('conversation.actions')}>
        <button
          type="button"
          disabled={busy || status !== 'running'}
          onClick={() => void run({ kind: 'pause-agent', ref })}
        >
          {t('conversation.pause')}
        </button>
        <button type="button" disabled={busy || !resume} onClick={() => resume && void run(resume)}>
          {t('conversation.resume')}
        </button>
        <button
          type="button"
          disabled={busy || status === 'stopped' || status === 'archived'}
          onClick={() => void run({ kind: 'stop', ref })}
        >
          {t('conversation.stop')}
        </button>
        <button type="button" disabled={editing} onClick={startRename}>
          {t('conversation.rename')}
        </button>
        <button type="button" className="danger" onClick={() => setConfirmDelete(true)}>
          {t('conversation.delete')}
        </button>
      </div>
      {error && !confirmDelete ? (
        <p role="alert" className="conv-header-error error-text">
          {t('conversation.actionFailed', { message: error })}
        </p>
      ) : null}
      {confirmDelete ? (
        <Dialog
          title={t('conversation.deleteTitle')}
          onClose={() => setConfirmDelete(false)}
          footer={
            <>
              <button type="button" onClick={() => setConfirmDelete(false)}>
                {t('conversation.cancel')}
              </button>
              <button type="button" className="danger" disabled={busy} onClick={() => void remove()}>
                {t('conversation.deleteConfirm')}
              </button>
            </>
          }
        >
          <p>{t('conversation.deleteBody', { title: conversation.title })}</p>
          {error ? (
            <p role="alert" className="error-text">
              {t('conversation.actionFailed', { message: error })}
            </p>
          ) : null}
        </Dialog>
      ) : null}
    </header>
  );
}
