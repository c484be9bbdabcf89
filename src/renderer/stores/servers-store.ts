// Servers (never their keys: main keeps those) and whether each answers. Mutations return the bridge's
// error to the form that asked, so it can show field problems next to the fields.
import { create } from 'zustand';
import type { InvokeOutput } from '../../shared/bridge/contract';
import type { ServerHealth } from '../../shared/server-health';
import { bridge, errorMessage, unwrap } from '../bridge';

/** A server as main sends it (never its key). */
export type ServerView = InvokeOutput<'servers', 'list'>[number];
export type ConnectionReport = InvokeOutput<'servers', 'test'>;
export type KeychainStatus = InvokeOutput<'servers', 'keychainStatus'>;

interface ServersState {
  servers: ServerView[];
  health: Record<string, ServerHealth>;
  keychain: KeychainStatus | null;
  loaded: boolean;
  error: string | null;
  load: () => Promise<void>;
  /** Re-reads the list (after add / update / remove). */
  refresh: () => Promise<void>;
  healthChanged: (health: ServerHealth) => void;
}

export const useServersStore = create<ServersState>()((set, get) => ({
  servers: [],
  health: {},
  keychain: null,
  loaded: false,
  error: null,
  async load() {
    try {
      const [servers, health, keychain] = await Promise.all([
        unwrap(bridge().servers.list()),
        unwrap(bridge().servers.health()),
        unwrap(bridge().servers.keychainStatus()),
      ]);
      set({
        servers,
        // Events that arrived while loading are newer than the list: they win.
        health: { ...Object.fromEntries(health.map((h) => [h.serverId, h])), ...get().health },
        keychain,
        loaded: true,
        error: null,
      });
    } catch (error) {
      set({ loaded: true, error: errorMessage(error) });
    }
  },
  async refresh() {
    try {
      const [servers, health] = await Promise.all([
        unwrap(bridge().servers.list()),
        unwrap(bridge().servers.health()),
      ]);
      set({ servers, health: { ...Object.fromEntries(health.map((h) => [h.serverId, h])) }, error: null });
    } catch (error) {
      set({ error: errorMessage(error) });
    }
  },
  healthChanged(health) {
    set({ health: { ...get().health, [health.serverId]: health } });
  },
}));

/** Servers that do not answer now (for the offline banner). */
export function offlineServers(state: Pick<ServersState, 'servers' | 'health'>): ServerView[] {
  return state.servers.filter((s) => state.health[s.id]?.state === 'offline');
}
