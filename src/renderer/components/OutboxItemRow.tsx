// One queued action: what it is, its state and why it waits, upload progress, and Retry / Cancel.
// Used by the Pending actions panel and inline under a conversation's timeline.
import type { OutboxItemView } from '../../shared/outbox';
import { type MessageKey, useT } from '../i18n/i18n';
import { useOutboxStore } from '../stores/outbox-store';

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** The file name of an upload's workspace path. */
export function uploadName(item: OutboxItemView): string {
  return (item.detail ?? '').split('/').filter(Boolean).at(-1) ?? item.summary;
}

export function OutboxItemRow({ item, showDetail = true }: { item: OutboxItemView; showDetail?: boolean }) {
  const t = useT();
  const retry = useOutboxStore((s) => s.retry);
  const cancel = useOutboxStore((s) => s.cancel);
  const kind = t(`outbox.kind${cap(item.kind)}` as MessageKey);
  const state = t(`outbox.state${cap(item.state)}` as MessageKey);
  const label = item.kind === 'upload' ? uploadName(item) : kind;
  // Resuming a paused sandbox can take a minute: say why nothing seems to happen.
  const reason =
    (item.phase === 'resuming-sandbox' ? t('outbox.resumingSandbox') : null) ??
    item.error?.message ??
    (item.waiting === 'offline'
      ? t('outbox.waitingOffline')
      : item.waiting === 'retry'
        ? t('outbox.waitingRetry')
        : null);
  const percent =
    item.progress && item.progress.total > 0
      ? Math.floor((item.progress.bytes / item.progress.total) * 100)
      : null;
  return (
    <li className={`outbox-row outbox-${item.state}`}>
      <div className="outbox-row-main">
        <span className="outbox-kind">{item.kind === 'upload' ? `${kind}: ${label}` : kind}</span>
        {showDetail && item.detail && item.kind !== 'upload' ? (
          <span className="outbox-detail">{item.detail}</span>
        ) : null}
        <span className="outbox-state">{state}</span>
        {reason ? <span className="outbox-reason">{reason}</span> : null}
      </div>
      {item.kind === 'upload' ? (
        <progress
          className="outbox-progress"
          aria-label={label}
          max={100}
          value={item.state === 'sending' ? (percent ?? 0) : 0}
        >
          {percent !== null ? t('outbox.uploadProgress', { percent }) : ''}
        </progress>
      ) : null}
      <div className="outbox-row-actions">
        {item.canRetry ? (
          <button type="button" onClick={() => void retry(item.id)}>
            {t('outbox.retryItem')}
          </button>
        ) : null}
        {item.canCancel ? (
          <button type="button" onClick={() => void cancel(item.id)}>
            {t('outbox.cancelItem')}
          </button>
        ) : null}
      </div>
    </li>
  );
}
