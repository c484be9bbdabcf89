// What the list shows: every tracked conversation newest first, narrowed by search and filters. Sorting
// runs once per store change and filtering once per query, so 10,000 rows stay quick to type over.
import { useDeferredValue, useMemo } from 'react';
import { conversationKey, type TrackedConversation } from '../../../shared/live';
import type { DisplayStatus } from '../../../shared/status';
import { sortNewestFirst, useConversationsStore } from '../../stores/conversations-store';

export interface ListEntry {
  key: string;
  conversation: TrackedConversation;
  /** The title in lower case, computed once per store change rather than per keystroke. */
  text: string;
}

export interface ListFilters {
  query: string;
  status: DisplayStatus | 'all';
  /** A server id, or 'all'. */
  server: string;
}

export function filterEntries(entries: readonly ListEntry[], filters: ListFilters): ListEntry[] {
  const query = filters.query.trim().toLowerCase();
  if (!query && filters.status === 'all' && filters.server === 'all') return entries as ListEntry[];
  return entries.filter(
    (e) =>
      (filters.status === 'all' || e.conversation.status === filters.status) &&
      (filters.server === 'all' || e.conversation.serverId === filters.server) &&
      (!query || e.text.includes(query)),
  );
}

/** All entries sorted (`total`), and those passing the filters (`shown`). */
export function useVisibleConversations(filters: ListFilters): {
  all: ListEntry[];
  shown: ListEntry[];
  /** The deferred query is behind what was typed (a filter pass is pending). */
  stale: boolean;
} {
  // The store replaces `byKey` on every change (and bumps `version` with it), so its identity is the version.
  const byKey = useConversationsStore((s) => s.byKey);
  const all = useMemo(
    () =>
      sortNewestFirst([...byKey.values()]).map((conversation) => ({
        key: conversationKey(conversation),
        conversation,
        text: conversation.title.toLowerCase(),
      })),
    [byKey],
  );
  const query = useDeferredValue(filters.query);
  const { status, server } = filters;
  const shown = useMemo(() => filterEntries(all, { query, status, server }), [all, query, status, server]);
  return { all, shown, stale: query !== filters.query };
}
