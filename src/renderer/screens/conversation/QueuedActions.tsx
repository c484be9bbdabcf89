// This conversation's actions still in the outbox (sends with their text, uploads with progress), between
// the timeline and the composer, so the user sees what is waiting and can retry or cancel it.
import { useShallow } from 'zustand/react/shallow';
import { OutboxItemRow } from '../../components/OutboxItemRow';
import { useT } from '../../i18n/i18n';
import { useOutboxStore } from '../../stores/outbox-store';

export function QueuedActions({ conversationKey }: { conversationKey: string }) {
  const t = useT();
  const items = useOutboxStore(
    useShallow((s) =>
      Object.values(s.items)
        .filter((item) => item.conversationKey === conversationKey)
        .sort((a, b) => a.enqueuedAt - b.enqueuedAt),
    ),
  );
  if (items.length === 0) return null;
  return (
    <ul className="conv-queued" aria-label={t('conversation.queuedActions')}>
      {items.map((item) => (
        <OutboxItemRow key={item.id} item={item} />
      ))}
    </ul>
  );
}
