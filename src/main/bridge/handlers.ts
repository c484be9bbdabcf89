import type { INVOKE_SCHEMAS, InvokeInput, InvokeOutput } from '../../shared/bridge/contract';
import type { ConversationRef } from '../../shared/conversations';
import { conversationKey } from '../../shared/live';
import type { TimelineItem, TimelineLiveState } from '../../shared/timeline';
import type { LegacyEvent } from '../api/schemas/app-server';
import type { MainServices } from '../compose';
import { v0TimelineItem, v1TimelineItems } from '../live/timeline-items';
import { timelineLive } from './timeline-live';
import { UploadPlans } from '../uploads/upload-plans';
import { readBackendFolders, readBackendOptions } from '../api/backend-options';

/** The newest events shown when a conversation opens; older ones come with scroll-back. */
const FIRST_PAGE = 100;
/** V0 pages forward from the first event only: read at most this many to reach the newest. */
const V0_MAX_EVENTS = 1000;

type Schemas = typeof INVOKE_SCHEMAS;

/** One async function per channel, typed by the contract (inputs arrive already validated). */
export type BridgeHandlers = {
  [N in keyof Schemas]: {
    [M in keyof Schemas[N]]: (input: InvokeInput<N, M>) => Promise<InvokeOutput<N, M>>;
  };
};

export interface AppInfo {
  name: string;
  version: string;
  platform: string;
}

/** What the renderer may ask main to do, on top of the services. Keys never leave main through here. */
export function createBridgeHandlers(
  services: MainServices,
  info: AppInfo,
  /** Browser mode passes its own, shared with the staged-upload channel (src/main/web/staged-uploads.ts). */
  plans: UploadPlans = new UploadPlans(),
): BridgeHandlers {
  const { accounts, registry, poller, live, outbox, streams, health, settings, cache, cacheWiring } =
    services;

  const liveState = (ref: ConversationRef): TimelineLiveState =>
    ref.version === 'V0' ? 'unsupported' : timelineLive(health, ref.serverId, streams.stream(ref)?.state);
  /** Scroll-back and first pages read outside the stream are cached too, while their conversation is on screen. */
  const persistIfOnScreen = (ref: ConversationRef): void => {
    const key = conversationKey(ref);
    if (streams.focusedKey() === key) cacheWiring.persistEvents(key);
  };

  async function v0Timeline(ref: ConversationRef): Promise<TimelineItem[]> {
    const server = registry.get(ref.serverId);
    const events: LegacyEvent[] = [];
    let startId: number | undefined;
    while (events.length < V0_MAX_EVENTS) {
      const page = await server.events(ref, { limit: 100, ...(startId !== undefined ? { startId } : {}) });
      events.push(...(page.items as LegacyEvent[]));
      if (!page.nextPageId) break;
      startId = Number(page.nextPageId);
    }
    return events.flatMap((e) => v0TimelineItem(e) ?? []);
  }
  return {
    app: {
      // The data folder's state as found at start: a page shows the read-only (or disk-full) banner from it.
      info: () =>
        Promise.resolve({
          ...info,
          storage: services.storageProblem
            ? {
                kind: services.storageProblem.kind === 'disk-full' ? 'disk-full' : 'read-only',
                message: services.storageProblem.message,
              }
            : null,
        }),
    },
    servers: {
      list: () => Promise.resolve(accounts.list()),
      add: async ({ server, sessionOnlyKey }) => {
        const view = await accounts.add(server, { sessionOnlyKey: sessionOnlyKey ?? false });
        poller.refreshNow();
        return view;
      },
      update: async ({ id, patch, sessionOnlyKey }) => {
        const before = accounts.list().find((s) => s.id === id);
        const view = await accounts.update(id, patch, { sessionOnlyKey: sessionOnlyKey ?? false });
        registry.forget(id);
        // Another address or Cloud organisation is another set of conversations: list them afresh now
        // rather than at the next full listing (up to a minute away).
        if (before && (before.baseUrl !== view.baseUrl || before.orgId !== view.orgId)) {
          poller.forgetServer(id);
          await cache.forgetServer(id);
        }
        poller.refreshNow();
        return view;
      },
      remove: async ({ id }) => {
        const result = await accounts.remove(id);
        registry.forget(id);
        poller.forgetServer(id);
        health.forget(id);
        await cache.forgetServer(id);
        return result;
      },
      test: ({ id }) => registry.test(id),
      testUnsaved: (input) => registry.testUnsaved(input),
      keychainStatus: () => accounts.keychainStatus(),
      health: () => Promise.resolve(health.list(accounts.list().map((s) => s.id))),
    },
    conversations: {
      list: () => Promise.resolve(poller.list()),
      setOnScreen: async (ref) => {
        // Cached events go into the store before the stream starts, so its reconciliation asks the server
        // only for what is newer than them (and, offline, the page has them at once).
        if (ref) await cacheWiring.restoreEvents(ref).catch(() => undefined);
        live.setOnScreen(ref);
        // Reopened at the next start. Leaving a conversation (null) keeps the last one: the view unmounts
        // on every switch, and a closed window is not a choice to forget it.
        if (ref) void settings.setLastOpenConversation(ref).catch(() => undefined);
        return null;
      },
      timeline: async ({ ref }) => {
        const key = conversationKey(ref);
        if (ref.version === 'V0')
          return { key, items: await v0Timeline(ref), hasEarlier: false, live: 'unsupported' };
        const held = streams.events(ref);
        if (held.length > 0)
          return {
            key,
            items: v1TimelineItems(held),
            hasEarlier: streams.store.hasEarlier(key),
            live: liveState(ref),
          };
        const page = await streams.olderThan(ref, null, FIRST_PAGE);
        persistIfOnScreen(ref);
        return {
          key,
          items: v1TimelineItems(page.events),
          hasEarlier: page.hasEarlier,
          live: liveState(ref),
        };
      },
      olderEvents: async ({ ref, before, limit }) => {
        if (ref.version === 'V0') return { items: [], hasEarlier: false };
        const page = await streams.olderThan(ref, before, limit ?? FIRST_PAGE);
        persistIfOnScreen(ref);
        return { items: v1TimelineItems(page.events), hasEarlier: page.hasEarlier };
      },
    },
    settings: {
      get: () => Promise.resolve(settings.get()),
      // Listeners (compose.ts) apply it: poll cadence, notifications, tray language; events tell every page.
      update: (patch) => settings.update(patch),
    },
    outbox: {
      list: () => Promise.resolve(outbox.list()),
      // Resolves once the action is on disk: only then is the page told it is queued.
      enqueue: async (action) => {
        const item = await outbox.enqueue(action);
        // The folder a conversation was started in on an agent server comes first in New conversation next time.
        if (action.kind === 'create' && action.request.workingDir)
          await accounts.rememberDir(action.serverId, action.request.workingDir).catch(() => null);
        return item;
      },
      retry: ({ id }) => outbox.retry(id),
      cancel: ({ id }) => outbox.cancel(id),
    },
    uploads: {
      plan: async ({ ref, paths, targetDir }) => {
        // A bare agent server's conversation: into the folder it works in, unless the page names another.
        const workingDir = targetDir
          ? undefined
          : poller.list().find((c) => c.serverId === ref.serverId && c.id === ref.id)?.workingDir;
        const made = await plans.make(ref, paths, targetDir ?? workingDir ?? undefined);
        const { count, totalBytes, needsConfirmation, skipped } = made.plan;
        return {
          planId: made.planId,
          count,
          totalBytes,
          needsConfirmation,
          skipped,
          targetDir: made.targetDir,
        };
      },
      start: async ({ planId }) => {
        const held = plans.take(planId);
        const items = [];
        for (const file of held.plan.files)
          items.push(await outbox.enqueue({ kind: 'upload', ref: held.ref, ...file }));
        plans.started(
          held,
          items.map((item, i) => ({ itemId: item.id, localPath: held.plan.files[i]!.localPath })),
        );
        return items;
      },
    },
    updates: {
      state: () => Promise.resolve(services.updates.state()),
      check: () => services.updates.check(true),
      restart: () => Promise.resolve(services.updates.restart()),
    },
    backends: {
      options: ({ serverId }) => readBackendOptions(registry.get(serverId)),
      folders: ({ serverId, path, pageId }) => readBackendFolders(registry.get(serverId), path, pageId),
    },
  };
}
