// The zod schemas of the app settings (values and meaning in settings.ts): main validates settings.json and
// every update from a page with them.
import { z } from 'zod';
import { conversationRefSchema } from './conversations';
import { DEFAULT_NOTIFICATION_SETTINGS, type NotificationSettings } from './notification-settings';
import { LANGUAGES, POLL_CADENCES, SEND_KEYS, THEMES } from './settings';

const on = z.boolean().default(true);

export const notificationSettingsSchema = z.object({
  // `prefault({})` runs the inner defaults, so a stored object that lacks a newer kind gets it switched on.
  kinds: z
    .object({
      'waiting-for-input': on,
      'needs-confirmation': on,
      finished: on,
      error: on,
    })
    .prefault({}),
  paused: z.boolean().default(false),
  pausedUntil: z.number().int().nonnegative().nullable().default(null),
}) satisfies z.ZodType<NotificationSettings>;

export const appSettingsSchema = z.object({
  version: z.literal(1),
  /** Closing the window keeps the app in the tray (polling, notifying) instead of quitting. */
  closeToTray: z.boolean().default(true),
  notifications: notificationSettingsSchema.default(DEFAULT_NOTIFICATION_SETTINGS),
  // `.catch` keeps a value a newer build wrote (an unknown theme, say) from discarding the whole file.
  theme: z.enum(THEMES).default('system').catch('system'),
  language: z.enum(LANGUAGES).default('system').catch('system'),
  sendKey: z.enum(SEND_KEYS).default('enter').catch('enter'),
  pollCadence: z.enum(POLL_CADENCES).default('normal').catch('normal'),
  /**
   * The conversation on screen when the app last ran, reopened at start (offline too, from the local cache).
   * Main records it; pages cannot set it.
   */
  lastOpenConversation: conversationRefSchema.nullable().default(null).catch(null),
});
export type AppSettings = z.output<typeof appSettingsSchema>;

/** What the renderer may change (everything but the version). */
export const appSettingsPatchSchema = z.strictObject({
  closeToTray: z.boolean().optional(),
  notifications: notificationSettingsSchema.optional(),
  theme: z.enum(THEMES).optional(),
  language: z.enum(LANGUAGES).optional(),
  sendKey: z.enum(SEND_KEYS).optional(),
  pollCadence: z.enum(POLL_CADENCES).optional(),
});
export type AppSettingsPatch = z.input<typeof appSettingsPatchSchema>;

export const DEFAULT_APP_SETTINGS: AppSettings = appSettingsSchema.parse({ version: 1 });
