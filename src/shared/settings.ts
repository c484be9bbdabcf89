// App preferences that are not about servers (kept by main in `<user data>/settings.json`). The schema is
// shared: main validates the file and every update with it, the renderer renders the Settings screen from it.
import { z } from 'zod';
import { DEFAULT_NOTIFICATION_SETTINGS, notificationSettingsSchema } from './notification-settings';

export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

/** `system` follows the OS (or browser) language; anything not Chinese falls back to English. */
export const LANGUAGES = ['system', 'en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Which key sends the composer's message; the other combination inserts a newline. */
export const SEND_KEYS = ['enter', 'mod-enter'] as const;
export type SendKey = (typeof SEND_KEYS)[number];

/** How often running / idle conversations are read. `normal` matches the web UI's 3 s for running ones. */
export const POLL_CADENCES = ['fast', 'normal', 'relaxed'] as const;
export type PollCadence = (typeof POLL_CADENCES)[number];

export const POLL_CADENCE_MS: Readonly<Record<PollCadence, { fastMs: number; slowMs: number }>> = {
  fast: { fastMs: 2000, slowMs: 30_000 },
  normal: { fastMs: 3000, slowMs: 60_000 },
  relaxed: { fastMs: 10_000, slowMs: 300_000 },
};

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

/** The language the UI and notifications use: the chosen one, or the system's (`zh*` → 简体中文, else English). */
export function resolveLanguage(language: Language, systemLocale: string): 'en' | 'zh-CN' {
  if (language !== 'system') return language;
  return systemLocale.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}
