// Groups pending outbox items by the conversation they act on, keeping the order they were queued in.
import type { OutboxItemView } from '../../../shared/outbox';

export interface PendingGroup {
  /** Unique per group: the conversation key, or `new:<tempId>` for a conversation being created. */
  key: string;
  /** Null for a create: its conversation does not exist yet. */
  conversationKey: string | null;
  items: OutboxItemView[];
}

/** `items` oldest first; groups come in the order of their oldest item. */
export function groupByConversation(items: readonly OutboxItemView[]): PendingGroup[] {
  const groups = new Map<string, PendingGroup>();
  for (const item of items) {
    const key = item.conversationKey ?? `new:${item.serverId}/${item.tempId ?? item.id}`;
    let group = groups.get(key);
    if (!group) {
      group = { key, conversationKey: item.conversationKey, items: [] };
      groups.set(key, group);
    }
    group.items.push(item);
  }
  return [...groups.values()];
}
