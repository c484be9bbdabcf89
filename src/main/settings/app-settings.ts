// App preferences that are not about servers: kept in `<user data>/settings.json` (atomic, validated; a
// damaged file is set aside and reported, and the defaults apply).
import path from 'node:path';
import { z } from 'zod';
import { consoleLogger, type Logger } from '../logger';
import { DEFAULT_NOTIFICATION_SETTINGS, notificationSettingsSchema } from '../notify/notification-settings';
import { readJsonFile, writeJsonAtomic } from '../storage/atomic-json';

export const SETTINGS_FILE = 'settings.json';

export const appSettingsSchema = z.object({
  version: z.literal(1),
  /** Closing the window keeps the app in the tray (polling, notifying) instead of quitting. */
  closeToTray: z.boolean().default(true),
  notifications: notificationSettingsSchema.default(DEFAULT_NOTIFICATION_SETTINGS),
});
export type AppSettings = z.output<typeof appSettingsSchema>;

export const DEFAULT_APP_SETTINGS: AppSettings = appSettingsSchema.parse({ version: 1 });

export class AppSettingsStore {
  private current: AppSettings = DEFAULT_APP_SETTINGS;
  /** Set when the file was damaged at load: the UI can say so once. */
  problem: string | null = null;

  private constructor(
    readonly filePath: string,
    private readonly logger: Logger,
  ) {}

  static async open(dataDir: string, logger: Logger = consoleLogger): Promise<AppSettingsStore> {
    const store = new AppSettingsStore(path.join(dataDir, SETTINGS_FILE), logger);
    const loaded = await readJsonFile(store.filePath, appSettingsSchema);
    if (loaded.ok) store.current = loaded.value;
    else if (loaded.reason === 'corrupt') {
      store.problem = `Your settings file was damaged and has been kept aside as ${path.basename(loaded.movedTo)}; defaults apply.`;
      logger.warn(`settings: ${loaded.error}; moved to ${loaded.movedTo}`);
    }
    return store;
  }

  get(): AppSettings {
    return this.current;
  }

  /** Validates and saves a change; resolves once it is on disk. */
  async update(patch: Partial<Omit<AppSettings, 'version'>>): Promise<AppSettings> {
    const next = appSettingsSchema.parse({ ...this.current, ...patch, version: 1 });
    await writeJsonAtomic(this.filePath, next);
    this.current = next;
    return next;
  }
}
