// Facts about the running app from main (`app.info`): its version, and whether its data folder could be
// written at start (the read-only banner).
import { create } from 'zustand';
import type { InvokeOutput } from '../../shared/bridge/contract';
import { bridge, unwrap } from '../bridge';

type AppInfo = InvokeOutput<'app', 'info'>;

interface AppState {
  info: AppInfo | null;
  load: () => Promise<void>;
}

export const useAppStore = create<AppState>()((set) => ({
  info: null,
  async load() {
    try {
      set({ info: await unwrap(bridge().app.info()) });
    } catch {
      // Not knowing the version or the folder's state changes nothing else; the next resync asks again.
    }
  },
}));
