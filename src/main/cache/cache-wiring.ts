// Joins the local cache to the live services: seeds the poller and server health before any request, keeps
// the cached lists in step with every change set, and persists the on-screen conversation's events.
import type { ConversationRef } from '../../shared/conversations';
import { conversationKey } from '../../shared/live';
import type { Capabilities } from '../api/openhands-server';
import type { StatusPoller } from '../live/status-poller';
import type { StreamManager } from '../live/stream-manager';
import type { ServerHealthTracker } from '../servers/server-health';
import type { LocalCache } from './local-cache';

export interface CacheWiringDeps {
  cache: LocalCache;
  poller: StatusPoller;
  health: ServerHealthTracker;
  streams: StreamManager;
  /** The configured servers now. */
  serverIds: () => string[];
}

export interface CacheWiring {
  /** Loads a conversation's cached events into the (empty) event store before its stream starts. */
  restoreEvents(ref: ConversationRef): Promise<void>;
  /** Saves what the store holds for a conversation (after a page read outside the stream). */
  persistEvents(key: string): void;
  /** Unsubscribes. */
  stop(): void;
}

/**
 * Seeds now (call before the poller starts: `conversations.list` then answers from the cache at once) and
 * keeps the cache in step from then on.
 */
export async function wireCache(deps: CacheWiringDeps): Promise<CacheWiring> {
  const { cache, poller, health, streams } = deps;
  const configured = deps.serverIds();
  // Servers removed while the app was not running leave nothing behind.
  await cache.retainServers(configured);
  for (const serverId of configured) {
    poller.seed(cache.list(serverId));
    health.seed(serverId, cache.lastSyncAt(serverId));
  }

  const persistEvents = (key: string): void => {
    const held = streams.store.snapshot(key);
    if (held && held.events.length > 0) cache.saveEvents(key, held);
  };
  const offs = [
    poller.onChange((changes) => cache.applyChanges(changes)),
    // Only the conversation on screen is written: background streams exist for status, and writing every
    // running conversation's events would cost disk for what the user has not looked at.
    streams.onEvents((key) => {
      if (streams.focusedKey() === key) persistEvents(key);
    }),
  ];

  return {
    async restoreEvents(ref) {
      if (ref.version !== 'V1') return;
      const key = conversationKey(ref);
      if (streams.store.size(key) > 0) return;
      const cached = await cache.readEvents(key);
      if (cached) streams.store.seed(key, cached.events, cached.hasEarlier);
    },
    persistEvents,
    stop() {
      offs.forEach((off) => off());
    },
  };
}

/**
 * For the poller's `onServerResult`: a server that answered is "synced now", and its capabilities (cached by
 * the server client once it has listed, so reading them costs no request) are noted once per run.
 */
export function cacheSyncHook(
  cache: LocalCache,
  capabilities: (serverId: string) => Promise<Capabilities>,
  now: () => number,
): (serverId: string, error: unknown) => void {
  const noted = new Set<string>();
  return (serverId, error) => {
    if (error) return;
    cache.markSynced(serverId, now());
    if (noted.has(serverId)) return;
    noted.add(serverId);
    capabilities(serverId).then(
      (c) => cache.setCapabilities(serverId, { appMode: c.appMode, v1: c.v1, checkedAt: c.checkedAt }),
      () => noted.delete(serverId),
    );
  };
}
