// A create on its way: a progress bar over the start task's steps, the current step in words, and why it
// waits (queued while the server is offline: it starts when the server is back). On failure: the server's
// reason and the step it stopped at.
import type { OutboxItemView } from '../../../shared/outbox';
import { useT } from '../../i18n/i18n';
import { startFailed, stepWords } from './start-steps';

export function StartProgress({ item }: { item: OutboxItemView }) {
  const t = useT();
  const start = item.start;
  const failed = startFailed(item);
  const known = start !== null && start.totalSteps > 0;
  const step = known ? Math.min(Math.max(start.step, 0), start.totalSteps) : undefined;
  const words = start ? stepWords(t, start.status) : null;
  const stepLine =
    known && words
      ? `${t('newConversation.stepOf', { step: start.step, total: start.totalSteps })}: ${words}`
      : words;

  const waiting = ((): string | null => {
    if (failed) return null;
    if (item.state === 'queued')
      return item.waiting === 'offline'
        ? t('newConversation.queuedOffline')
        : item.waiting === 'retry'
          ? t('newConversation.queuedRetry')
          : t('newConversation.queued');
    if (item.state === 'sending' && !start) return t('newConversation.sending');
    return null;
  })();

  const failure =
    item.state === 'at-limit'
      ? t('newConversation.atLimit')
      : item.state === 'uncertain'
        ? t('newConversation.uncertain')
        : t('newConversation.failed');

  // The server's reason, once: main's error message for a failed start task repeats the task's detail.
  const detail = start?.detail?.trim() || null;
  const message = item.error?.message ?? null;
  const reasons = [message && detail && message.includes(detail) ? null : message, detail].filter(
    (r): r is string => r !== null,
  );

  return (
    <div className="start-progress">
      {item.detail ? <blockquote className="start-message">{item.detail}</blockquote> : null}
      <progress
        className="start-bar"
        aria-label={t('newConversation.progress')}
        max={known ? start.totalSteps : undefined}
        value={step}
        aria-valuemin={known ? 0 : undefined}
        aria-valuemax={known ? start.totalSteps : undefined}
        aria-valuenow={step}
        aria-valuetext={stepLine ?? undefined}
      />
      {stepLine ? (
        <p className="start-step" aria-live="polite">
          {stepLine}
        </p>
      ) : null}
      {waiting ? (
        <p className="start-waiting" aria-live="polite">
          {waiting}
        </p>
      ) : null}
      {failed ? (
        <div className="start-failure" role="alert">
          <p className="error-text">{failure}</p>
          {reasons.map((r) => (
            <p key={r} className="start-detail">
              {r}
            </p>
          ))}
        </div>
      ) : (
        <p className="muted">{t('newConversation.background')}</p>
      )}
    </div>
  );
}
