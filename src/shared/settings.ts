// App preferences that are not about servers (kept by main in `<user data>/settings.json`): their values and
// types. The zod schemas main validates with are in settings-schema.ts, kept apart so the renderer's bundle
// does not carry zod for a few constants.
export type { AppSettings, AppSettingsPatch } from './settings-schema';

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

/** The language the UI and notifications use: the chosen one, or the system's (`zh*` → 简体中文, else English). */
export function resolveLanguage(language: Language, systemLocale: string): 'en' | 'zh-CN' {
  if (language !== 'system') return language;
  return systemLocale.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}
