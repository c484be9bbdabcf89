// Shown while the agent waits for the user to approve an action: what it wants to run (the last action of
// the timeline), how risky it rates it, and Accept / Reject (queued through the outbox).
import { useState } from 'react';
import type { ConversationRef } from '../../../shared/conversations';
import type { TimelineItem } from '../../../shared/timeline';
import { useT } from '../../i18n/i18n';
import { useOutboxStore } from '../../stores/outbox-store';
import { useTimelineStore } from '../../stores/timeline-store';
import { enqueueAction } from './enqueue';

function lastAction(items: TimelineItem[]): TimelineItem | null {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    if (item?.kind === 'action') return item;
  }
  return null;
}

export function ConfirmationPanel({
  conversationRef,
  conversationKey,
}: {
  conversationRef: ConversationRef;
  conversationKey: string;
}) {
  const t = useT();
  const action = useTimelineStore((s) => (s.key === conversationKey ? lastAction(s.items) : null));
  const answered = useOutboxStore((s) =>
    Object.values(s.items).some((i) => i.kind === 'confirm' && i.conversationKey === conversationKey),
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const answer = async (accept: boolean): Promise<void> => {
    setBusy(true);
    setError(await enqueueAction({ kind: 'confirm', ref: conversationRef, accept }));
    setBusy(false);
  };

  return (
    <section className="conv-confirm" aria-label={t('conversation.confirmHeading')}>
      <h3>{t('conversation.confirmHeading')}</h3>
      {action ? (
        <div className="conv-confirm-action">
          <div className="tl-head">
            <span className="tl-title">{action.title}</span>
            {action.risk ? (
              <span className={`tl-risk tl-risk-${action.risk.toLowerCase()}`}>
                {t('conversation.risk', { risk: action.risk })}
              </span>
            ) : null}
          </div>
          {action.text ? <pre className="tl-command">{action.text}</pre> : null}
        </div>
      ) : (
        <p className="muted">{t('conversation.noPendingAction')}</p>
      )}
      <div className="conv-confirm-buttons">
        <button
          type="button"
          className="primary"
          disabled={busy || answered}
          onClick={() => void answer(true)}
        >
          {t('conversation.accept')}
        </button>
        <button
          type="button"
          className="danger"
          disabled={busy || answered}
          onClick={() => void answer(false)}
        >
          {t('conversation.reject')}
        </button>
        {answered ? <span className="muted">{t('conversation.answerQueued')}</span> : null}
      </div>
      {error ? (
        <p role="alert" className="error-text">
          {t('conversation.actionFailed', { message: error })}
        </p>
      ) : null}
    </section>
  );
}
