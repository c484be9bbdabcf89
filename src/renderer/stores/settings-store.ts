// The app settings as main holds them (src/shared/settings.ts); updates go through main and come back as
// `settingsChanges` events, so every window shows the same thing.
import { create } from 'zustand';
import type { AppSettings, AppSettingsPatch } from '../../shared/settings';
import { bridge, errorMessage, unwrap } from '../bridge';

interface SettingsState {
  settings: AppSettings | null;
  error: string | null;
  load: () => Promise<void>;
  update: (patch: AppSettingsPatch) => Promise<void>;
  received: (settings: AppSettings) => void;
}

export const useSettingsStore = create<SettingsState>()((set) => ({
  settings: null,
  error: null,
  async load() {
    try {
      set({ settings: await unwrap(bridge().settings.get()), error: null });
    } catch (error) {
      set({ error: errorMessage(error) });
    }
  },
  async update(patch) {
    try {
      set({ settings: await unwrap(bridge().settings.update(patch)), error: null });
    } catch (error) {
      set({ error: errorMessage(error) });
    }
  },
  received(settings) {
    set({ settings });
  },
}));
