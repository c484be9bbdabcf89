// Builds the main-process services and joins them. No Electron here: src/main/index.ts passes Electron
// adapters in; browser mode and tests pass their own.
import { AccountService } from './accounts/account-service';
import { KeytarSecretStore, type SecretStore } from './accounts/secret-store';
import { HttpClient } from './api/http-client';
import { type Clock, systemClock } from './clock';
import { LiveStatusService, type LiveStatusDeps } from './live/live-status-service';
import { StatusPoller } from './live/status-poller';
import { StreamManager } from './live/stream-manager';
import path from 'node:path';
import { consoleLogger, type Logger } from './logger';
import type { NotificationSettings } from './notify/notification-settings';
import { Outbox } from './outbox/outbox';
import { ServerRegistry } from './servers/server-registry';
import { runUpload } from './uploads/upload-runner';
import { AppSettingsStore } from './settings/app-settings';
import type { SystemEvents } from './system-events';

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
  /** Poller cadences (tests use short ones). */
  fastMs?: number;
  slowMs?: number;
}

export interface MainServices {
  accounts: AccountService;
  registry: ServerRegistry;
  poller: StatusPoller;
  streams: StreamManager;
  live: LiveStatusService;
  settings: AppSettingsStore;
  /** Every mutating action, durable (outbox.jsonl in the user-data folder). */
  outbox: Outbox;
  /** Applies and saves notification settings (per-kind switches, pause). */
  setNotificationSettings(settings: NotificationSettings): Promise<void>;
  /** Stops polling, closes sockets. */
  close(): Promise<void>;
}

export async function createMainServices(options: MainServicesOptions): Promise<MainServices> {
  const logger = options.logger ?? consoleLogger;
  const clock = options.clock ?? systemClock;
  const accounts = await AccountService.open({
    dataDir: options.dataDir,
    keychain: options.keychain ?? new KeytarSecretStore(),
    logger,
  });
  if (accounts.loadProblem) logger.warn(`accounts: ${accounts.loadProblem.message}`);
  const settings = await AppSettingsStore.open(options.dataDir, logger);
  const registry = new ServerRegistry(accounts, new HttpClient({ clock }), { clock, logger });
  // Only servers that still exist are polled; a removed one simply stops appearing here.
  const poller = new StatusPoller(() => accounts.list().map((s) => registry.get(s.id)), {
    clock,
    logger,
    ...(options.fastMs ? { fastMs: options.fastMs } : {}),
    ...(options.slowMs ? { slowMs: options.slowMs } : {}),
  });
  const streams = new StreamManager({
    resolverFor: (ref) => (refresh, signal) =>
      registry.get(ref.serverId).agent(ref.id, { refresh, ...(signal ? { signal } : {}) }),
    logger,
  });
  const { outbox } = await Outbox.open(path.join(options.dataDir, 'outbox.jsonl'), {
    servers: (serverId) => registry.get(serverId),
    upload: runUpload,
    clock,
    logger,
    systemEvents: options.adapters.system,
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
  const live = new LiveStatusService({ poller, streams, clock, ...options.adapters });
  live.setNotificationSettings(settings.get().notifications);
  live.start();
  return {
    accounts,
    registry,
    poller,
    streams,
    live,
    settings,
    outbox,
    async setNotificationSettings(next) {
      live.setNotificationSettings(next);
      await settings.update({ notifications: next });
    },
    async close() {
      live.stop();
      await streams.close();
      await outbox.close();
    },
  };
}
