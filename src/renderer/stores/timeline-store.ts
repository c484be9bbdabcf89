// The open conversation's timeline: the newest events when it opens, live additions pushed by main while it
// is on screen, and scroll-back on request. Items are deduplicated by id and kept in server order.
import { create } from 'zustand';
import type { ConversationRef } from '../../shared/conversations';
import { conversationKey } from '../../shared/live';
import {
  mergeGrouped,
  type TimelineItem,
  type TimelineLiveState,
  type TimelineUpdate,
} from '../../shared/timeline';
import { bridge, errorMessage, unwrap } from '../bridge';

interface TimelineState {
  ref: ConversationRef | null;
  key: string | null;
  items: TimelineItem[];
  hasEarlier: boolean;
  live: TimelineLiveState | null;
  loading: boolean;
  loadingOlder: boolean;
  error: string | null;
  /** Opens a conversation (or closes with null): tells main it is on screen and loads its events. */
  open: (ref: ConversationRef | null) => Promise<void>;
  loadOlder: () => Promise<void>;
  /** Loads the open conversation's newest events again (after a failed load), keeping what is held. */
  reload: () => Promise<void>;
  /** Reads the newest events again without a loading state (V0: no socket pushes them); errors keep what is shown. */
  refresh: () => Promise<void>;
  received: (update: TimelineUpdate) => void;
}

/** Merges by id; a timestamp sort keeps server order (ISO strings of one server sort as text). */
export function mergeItems(held: TimelineItem[], incoming: TimelineItem[]): TimelineItem[] {
  if (incoming.length === 0) return held;
  const seen = new Set(held.map((i) => i.id));
  // A grouped item (an ACP tool call) that is already shown is updated in place, not added again.
  const groupAt = new Map<string, number>();
  held.forEach((i, index) => i.group !== undefined && groupAt.set(i.group, index));
  let updated: TimelineItem[] | undefined;
  const fresh = incoming.filter((i) => {
    if (seen.has(i.id)) return false;
    const at = i.group === undefined ? undefined : groupAt.get(i.group);
    if (at === undefined) return true;
    updated ??= [...held];
    updated[at] = mergeGrouped(updated[at]!, i);
    return false;
  });
  if (updated) held = updated;
  if (fresh.length === 0) return held;
  const last = held.at(-1);
  const appendOnly = !last || fresh.every((i) => i.timestamp >= last.timestamp);
  const merged = [...held, ...fresh];
  return appendOnly
    ? merged
    : merged.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
}

export const useTimelineStore = create<TimelineState>()((set, get) => ({
  ref: null,
  key: null,
  items: [],
  hasEarlier: false,
  live: null,
  loading: false,
  loadingOlder: false,
  error: null,
  async open(ref) {
    const key = ref ? conversationKey(ref) : null;
    if (key === get().key) return;
    set({ ref, key, items: [], hasEarlier: false, live: null, loading: ref !== null, error: null });
    await bridge().conversations.setOnScreen(ref);
    if (!ref) return;
    try {
      const page = await unwrap(bridge().conversations.timeline({ ref }));
      if (get().key !== key) return;
      set({
        items: mergeItems(page.items, get().items),
        hasEarlier: page.hasEarlier,
        live: get().live ?? page.live,
        loading: false,
      });
    } catch (error) {
      if (get().key === key) set({ loading: false, error: errorMessage(error) });
    }
  },
  async loadOlder() {
    const { ref, key, items, hasEarlier, loadingOlder } = get();
    const oldest = items[0];
    if (!ref || !oldest || !hasEarlier || loadingOlder) return;
    set({ loadingOlder: true });
    try {
      const page = await unwrap(
        bridge().conversations.olderEvents({ ref, before: { id: oldest.id, timestamp: oldest.timestamp } }),
      );
      if (get().key !== key) return;
      set({ items: mergeItems(page.items, get().items), hasEarlier: page.hasEarlier, loadingOlder: false });
    } catch (error) {
      if (get().key === key) set({ loadingOlder: false, error: errorMessage(error) });
    }
  },
  async reload() {
    const { ref, key } = get();
    if (!ref) return;
    set({ loading: true, error: null });
    try {
      const page = await unwrap(bridge().conversations.timeline({ ref }));
      if (get().key !== key) return;
      set({
        items: mergeItems(get().items, page.items),
        hasEarlier: get().items.length > 0 ? get().hasEarlier : page.hasEarlier,
        live: get().live ?? page.live,
        loading: false,
      });
    } catch (error) {
      if (get().key === key) set({ loading: false, error: errorMessage(error) });
    }
  },
  async refresh() {
    const { ref, key, loading } = get();
    if (!ref || loading) return;
    try {
      const page = await unwrap(bridge().conversations.timeline({ ref }));
      if (get().key === key) set({ items: mergeItems(get().items, page.items) });
    } catch {
      // the next refresh tries again; the header says the server is offline if it is
    }
  },
  received(update) {
    if (update.key !== get().key) return;
    set({
      items: update.reset ? mergeItems([], update.items) : mergeItems(get().items, update.items),
      ...(update.live ? { live: update.live } : {}),
    });
  },
}));
