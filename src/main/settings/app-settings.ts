// Keeps the app settings (src/shared/settings.ts) in `<user data>/settings.json`: atomic, validated; a
// damaged file is set aside and reported, and the defaults apply.
import path from 'node:path';
import {
  type AppSettings,
  type AppSettingsPatch,
  appSettingsSchema,
  DEFAULT_APP_SETTINGS,
} from '../../shared/settings-schema';
import type { ConversationRef } from '../../shared/conversations';
import { consoleLogger, type Logger } from '../logger';
import { readJsonFile, writeJsonAtomic } from '../storage/atomic-json';
import { asStorageError } from '../storage/storage-errors';

export const SETTINGS_FILE = 'settings.json';
export { type AppSettings, appSettingsSchema, DEFAULT_APP_SETTINGS };

export class AppSettingsStore {
  private current: AppSettings = DEFAULT_APP_SETTINGS;
  private readonly listeners = new Set<(settings: AppSettings) => void>();
  private queue: Promise<unknown> = Promise.resolve();
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

  onChange(listener: (settings: AppSettings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Validates and saves a change; resolves once it is on disk, then tells the listeners. */
  update(patch: AppSettingsPatch): Promise<AppSettings> {
    return this.apply(patch);
  }

  /** Main's own record of the conversation on screen (pages cannot set it); a no-op when unchanged. */
  async setLastOpenConversation(ref: ConversationRef | null): Promise<void> {
    const held = this.current.lastOpenConversation;
    const same =
      held === ref ||
      (held !== null &&
        ref !== null &&
        held.serverId === ref.serverId &&
        held.id === ref.id &&
        held.version === ref.version);
    if (same) return;
    await this.apply({
      lastOpenConversation: ref && { serverId: ref.serverId, id: ref.id, version: ref.version },
    });
  }

  /**
   * One change at a time: each starts from the result of the one before, so two changes made together (a
   * page's and main's own) never overwrite each other on disk.
   */
  private apply(patch: AppSettingsPatch | Pick<AppSettings, 'lastOpenConversation'>): Promise<AppSettings> {
    const run = this.queue.then(async () => {
      const next = appSettingsSchema.parse({ ...this.current, ...patch, version: 1 });
      try {
        await writeJsonAtomic(this.filePath, next);
      } catch (error) {
        // A full disk or a read-only folder says so in words (storage-errors.ts); the held settings stay.
        throw asStorageError(error, path.dirname(this.filePath));
      }
      this.current = next;
      for (const listener of this.listeners) listener(next);
      return next;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}
