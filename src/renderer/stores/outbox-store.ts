// The outbox as main reports it: queued, sending, waiting or failed actions. Done and cancelled items leave
// (main sends their last change once); a finished create is remembered so its screen can open the result.
import { create } from 'zustand';
import type { OutboxItemView } from '../../shared/outbox';
import { bridge, errorMessage, unwrap } from '../bridge';

interface OutboxState {
  items: Record<string, OutboxItemView>;
  /** Finished creates by temp id → the conversation they made (or their last state). */
  finished: Record<string, OutboxItemView>;
  error: string | null;
  load: () => Promise<void>;
  changed: (item: OutboxItemView) => void;
  retry: (id: string) => Promise<void>;
  cancel: (id: string) => Promise<void>;
}

export const useOutboxStore = create<OutboxState>()((set, get) => ({
  items: {},
  finished: {},
  error: null,
  async load() {
    try {
      const list = await unwrap(bridge().outbox.list());
      set({ items: Object.fromEntries(list.map((i) => [i.id, i])), error: null });
    } catch (error) {
      set({ error: errorMessage(error) });
    }
  },
  changed(item) {
    const items = { ...get().items };
    const settled = item.state === 'done' || item.state === 'cancelled';
    if (settled) delete items[item.id];
    else items[item.id] = item;
    const finished = settled && item.tempId ? { ...get().finished, [item.tempId]: item } : get().finished;
    set({ items, finished });
  },
  async retry(id) {
    try {
      await unwrap(bridge().outbox.retry({ id }));
    } catch (error) {
      set({ error: errorMessage(error) });
    }
  },
  async cancel(id) {
    try {
      await unwrap(bridge().outbox.cancel({ id }));
    } catch (error) {
      set({ error: errorMessage(error) });
    }
  },
}));

/** Pending items, oldest first. */
export function pendingItems(items: Record<string, OutboxItemView>): OutboxItemView[] {
  return Object.values(items).sort((a, b) => a.enqueuedAt - b.enqueuedAt);
}
