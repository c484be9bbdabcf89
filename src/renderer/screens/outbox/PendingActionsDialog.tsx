// The Pending actions dialog: everything the outbox still holds, grouped by conversation (a create is a
// group of its own until its conversation exists), each with its state, reason, Retry and Cancel.
import { useId, useMemo } from 'react';
import type { OutboxItemView } from '../../../shared/outbox';
import { Dialog } from '../../components/Dialog';
import { OutboxItemRow } from '../../components/OutboxItemRow';
import { useT } from '../../i18n/i18n';
import { useConversationsStore } from '../../stores/conversations-store';
import { pendingItems, useOutboxStore } from '../../stores/outbox-store';
import { useServersStore } from '../../stores/servers-store';
import { groupByConversation } from './group-items';
import './pending-actions.css';

export function PendingActionsDialog({ onClose }: { onClose: () => void }) {
  const t = useT();
  const items = useOutboxStore((s) => s.items);
  const error = useOutboxStore((s) => s.error);
  const groups = useMemo(() => groupByConversation(pendingItems(items)), [items]);
  const retryable = useMemo(() => groups.flatMap((g) => g.items).filter((i) => i.canRetry), [groups]);

  const retryAll = (): void => {
    const { retry } = useOutboxStore.getState();
    for (const item of retryable) void retry(item.id);
  };

  return (
    <Dialog
      title={t('outbox.title')}
      onClose={onClose}
      wide
      footer={
        retryable.length > 0 ? (
          <button type="button" onClick={retryAll}>
            {t('outbox.retryAllFailed')}
          </button>
        ) : undefined
      }
    >
      {error ? (
        <p className="error-text" role="alert">
          {error}
        </p>
      ) : null}
      {groups.length === 0 ? (
        <p className="pending-empty">{t('outbox.empty')}</p>
      ) : (
        <>
          <p className="muted pending-intro">{t('outbox.intro')}</p>
          {groups.map((group) => (
            <PendingGroup key={group.key} conversationKey={group.conversationKey} items={group.items} />
          ))}
        </>
      )}
    </Dialog>
  );
}

function PendingGroup({
  conversationKey,
  items,
}: {
  conversationKey: string | null;
  items: OutboxItemView[];
}) {
  const t = useT();
  const serverId = items[0]?.serverId ?? '';
  // Narrow selections: the conversation store changes on every poll, this group only on its own title.
  const title = useConversationsStore((s) =>
    conversationKey === null ? null : (s.byKey.get(conversationKey)?.title ?? null),
  );
  const serverName = useServersStore((s) => s.servers.find((x) => x.id === serverId)?.name ?? null);
  const heading =
    conversationKey === null
      ? t('outbox.groupNew')
      : title || t('outbox.groupUntitled', { id: shortId(conversationKey) });
  const headingId = useId();

  return (
    <section className="pending-group" aria-labelledby={headingId}>
      <header className="pending-group-header">
        <h3 id={headingId}>{heading}</h3>
        <span className="muted">
          {t('outbox.groupServer', { server: serverName ?? t('outbox.unknownServer') })}
        </span>
      </header>
      <ul className="pending-items">
        {items.map((item) => (
          <OutboxItemRow key={item.id} item={item} />
        ))}
      </ul>
    </section>
  );
}

/** The conversation id part of a key, shortened the way the web app shows ids. */
function shortId(key: string): string {
  return (key.split('/').at(-1) ?? key).slice(0, 8);
}
