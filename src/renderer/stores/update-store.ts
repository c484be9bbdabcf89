// The app's own updates as main reports them (`updates.state`, then `updateState` events), and the two things
// the page may ask: check now, and restart into a downloaded update.
import { create } from 'zustand';
import type { UpdateState } from '../../shared/updates';
import { bridge, unwrap } from '../bridge';

interface UpdateStoreState {
  state: UpdateState | null;
  /** The user closed the answer to their own check ("up to date", "could not check"). */
  dismissed: boolean;
  load: () => Promise<void>;
  received: (state: UpdateState) => void;
  check: () => Promise<void>;
  restart: () => Promise<void>;
  dismiss: () => void;
}

export const useUpdateStore = create<UpdateStoreState>()((set) => ({
  state: null,
  dismissed: false,
  async load() {
    try {
      set({ state: await unwrap(bridge().updates.state()) });
    } catch {
      // Updates are a nicety: without an answer the banner stays away; the next resync asks again.
    }
  },
  received: (state) => set({ state, dismissed: false }),
  async check() {
    set({ dismissed: false });
    try {
      set({ state: await unwrap(bridge().updates.check()) });
    } catch {
      // Main reports the outcome as an `updateState` event as well.
    }
  },
  async restart() {
    try {
      set({ state: await unwrap(bridge().updates.restart()) });
    } catch {
      // The app quits when the restart goes ahead; otherwise the state event says why not.
    }
  },
  dismiss: () => set({ dismissed: true }),
}));
