// Builds the main-process services and joins them. No Electron here: src/main/index.ts passes Electron
// adapters in; browser mode and tests pass their own.
import { AccountService } from './accounts/account-service';
import { KeytarSecretStore, type SecretStore } from './accounts/secret-store';
import { HttpClient } from './api/http-client';
import { cacheSyncHook, type CacheWiring, wireCache } from './cache/cache-wiring';
import { CACHE_DIR, LocalCache, type LocalCacheOptions } from './cache/local-cache';
import { type Clock, systemClock } from './clock';
import { LiveStatusService, type LiveStatusDeps } from './live/live-status-service';
import { StatusPoller } from './live/status-poller';
import { StreamManager } from './live/stream-manager';
import path from 'node:path';
import { consoleLogger, type Logger } from './logger';
import type { NotificationSettings } from '../shared/notification-settings';
import { type AppSettings, POLL_CADENCE_MS, resolveLanguage } from '../shared/settings';
import { ServerHealthTracker } from './servers/server-health';
import { Outbox, validateItem } from './outbox/outbox';
import { OutboxStore } from './outbox/outbox-store';
import { mkdir, unlink, writeFile } from 'node:fs/promises';
import type { ApiError } from './api/errors';
import { asStorageError, probeWritable } from './storage/storage-errors';
import { setMainLanguage } from './i18n';
import { ServerRegistry } from './servers/server-registry';
import { runUpload } from './uploads/upload-runner';
import { AppSettingsStore } from './settings/app-settings';
import type { SystemEvents } from './system-events';
import { type Updater, UpdateService } from './updates/update-service';

export interface MainAdapters {
  notify: LiveStatusDeps['notify'];
  renderTray: LiveStatusDeps['renderTray'];
  /** Sends a status change set to the renderer. */
  forward: LiveStatusDeps['forward'];
  system: SystemEvents;
}

export interface MainServicesOptions {
  dataDir: string;
  adapters: MainAdapters;
  /** Default: the OS keychain through keytar. */
  keychain?: SecretStore;
  logger?: Logger;
  clock?: Clock;
  /** The OS language (e.g. `zh-CN`), used when the language setting is "system". */
  systemLocale?: string;
  /** Poller cadences (tests use short ones). */
  fastMs?: number;
  slowMs?: number;
  /** Local cache limits and write delay (tests and benchmarks); the folder is always `<dataDir>/cache`. */
  cache?: Omit<LocalCacheOptions, 'dir' | 'logger' | 'clock'>;
  /** How the data folder's writability is checked at start (tests inject a failing one). */
  probeFs?: Parameters<typeof probeWritable>[1];
  /** The app's own updates (electron-updater in a packaged app); absent in browser mode. */
  updater?: Updater;
}

export interface MainServices {
  accounts: AccountService;
  registry: ServerRegistry;
  poller: StatusPoller;
  streams: StreamManager;
  live: LiveStatusService;
  settings: AppSettingsStore;
  /** Online / Offline per server. */
  health: ServerHealthTracker;
  /** Every mutating action, durable (outbox.jsonl in the user-data folder). */
  outbox: Outbox;
  /** Lists and events as last seen (`<dataDir>/cache`), read before the network answers. */
  cache: LocalCache;
  /** The cache's hooks for the bridge (restore a conversation's events, persist a page read). */
  cacheWiring: CacheWiring;
  /**
   * Set when the data folder could not be written at start (disk full, read-only): the app runs on what it
   * has, nothing on disk is touched, and this says so in the app's language (kind `disk-full`/`read-only`).
   */
  storageProblem: ApiError | null;
  /** Checks for app updates on start and daily; restarts into one only when asked and nothing is sending. */
  updates: UpdateService;
  /** Applies and saves notification settings (per-kind switches, pause). */
  setNotificationSettings(settings: NotificationSettings): Promise<void>;
  /** Stops polling, closes sockets. */
  close(): Promise<void>;
}

export async function createMainServices(options: MainServicesOptions): Promise<MainServices> {
  const logger = options.logger ?? consoleLogger;
  const clock = options.clock ?? systemClock;
  // Before anything writes: a folder that cannot be written is a mode to run in (read-only), not a crash.
  const storageProblem = await probeWritable(
    options.dataDir,
    options.probeFs ?? { mkdir, writeFile, unlink },
  );
  const accounts = await AccountService.open({
    dataDir: options.dataDir,
    keychain: options.keychain ?? new KeytarSecretStore(),
    logger,
  });
  if (accounts.loadProblem) logger.warn(`accounts: ${accounts.loadProblem.message}`);
  const settings = await AppSettingsStore.open(options.dataDir, logger);
  setMainLanguage(resolveLanguage(settings.get().language, options.systemLocale ?? 'en'));
  if (storageProblem) logger.error(`storage: ${storageProblem.message}`);
  const registry = new ServerRegistry(accounts, new HttpClient({ clock }), { clock, logger });
  const health = new ServerHealthTracker(clock);
  const report = (serverId: string, error: unknown): void => health.report(serverId, error);
  // Opened before any service makes a request: the first list and health answers come from it.
  const cache = await LocalCache.open({
    ...options.cache,
    dir: path.join(options.dataDir, CACHE_DIR),
    logger,
    clock,
  });
  const cacheSynced = cacheSyncHook(
    cache,
    async (serverId) => registry.get(serverId).detect(),
    () => clock.now(),
  );
  const cadence = POLL_CADENCE_MS[settings.get().pollCadence];
  // Only servers that still exist are polled; a removed one simply stops appearing here.
  const poller = new StatusPoller(() => accounts.list().map((s) => registry.get(s.id)), {
    clock,
    logger,
    fastMs: options.fastMs ?? cadence.fastMs,
    slowMs: options.slowMs ?? cadence.slowMs,
    onServerResult: (serverId, error) => {
      report(serverId, error);
      cacheSynced(serverId, error);
    },
  });
  const streams = new StreamManager({
    resolverFor: (ref) => (refresh, signal) =>
      registry.get(ref.serverId).agent(ref.id, { refresh, ...(signal ? { signal } : {}) }),
    historyFor: (ref) => (search) => registry.get(ref.serverId).appServerEvents(ref, search),
    logger,
  });
  // Opened here rather than through Outbox.open, to give the journal the app's wording for a failed write.
  const opened = await OutboxStore.open(path.join(options.dataDir, 'outbox.jsonl'), {
    validate: validateItem,
    writeError: asStorageError,
  });
  if (opened.problem) logger.error(`outbox: ${opened.problem.error}`);
  if (opened.writeProblem) logger.error(`outbox: left as it was: ${opened.writeProblem.message}`);
  const outbox = new Outbox(opened.store, opened.items, {
    servers: (serverId) => registry.get(serverId),
    upload: runUpload,
    clock,
    logger,
    systemEvents: options.adapters.system,
    onServerResult: report,
  });
  // An action that reached its server changed that conversation (or made a new one): look at once.
  outbox.onChange((item) => {
    if (item.state !== 'done') return;
    if (item.created) poller.touch(item.created);
    else if (item.conversationKey) {
      const [serverId, id] = item.conversationKey.split('/') as [string, string];
      poller.touch({ serverId, id });
    }
  });
  const cacheWiring = await wireCache({
    cache,
    poller,
    health,
    streams,
    serverIds: () => accounts.list().map((server) => server.id),
  });
  // Whoever hears from a server first (poller or outbox) tells the other, so neither sits out its backoff
  // after an outage has ended.
  health.onChange((h) => {
    if (h.state !== 'online') return;
    poller.retryNow(h.serverId);
    outbox.serverAnswered(h.serverId);
  });
  const live = new LiveStatusService({ poller, streams, clock, ...options.adapters });
  const apply = (next: AppSettings): void => {
    live.setNotificationSettings(next.notifications);
    live.setLocale(resolveLanguage(next.language, options.systemLocale ?? 'en'));
    setMainLanguage(resolveLanguage(next.language, options.systemLocale ?? 'en'));
    // Tests and benchmarks pin their own cadence.
    if (!options.fastMs && !options.slowMs) poller.setCadence(POLL_CADENCE_MS[next.pollCadence]);
  };
  apply(settings.get());
  settings.onChange(apply);
  live.start();
  const updates = new UpdateService({
    ...(options.updater ? { updater: options.updater } : {}),
    outbox: {
      isSending: () => outbox.list().some((item) => item.state === 'sending'),
      onChange: (listener) => outbox.onChange(() => listener()),
    },
    clock,
    logger,
  });
  updates.start();
  return {
    accounts,
    registry,
    poller,
    streams,
    live,
    settings,
    health,
    outbox,
    cache,
    cacheWiring,
    storageProblem,
    updates,
    async setNotificationSettings(next) {
      await settings.update({ notifications: next });
    },
    async close() {
      updates.close();
      live.stop();
      cacheWiring.stop();
      await streams.close();
      await outbox.close();
      await cache.close();
    },
  };
}
