// The renderer's side of the app's one translation system (src/shared/i18n): the language in use — the setting,
// or the system's — and a `t` that follows it.
import { resolveLanguage } from '../../shared/settings';
import { translator, type Translate, type UiLanguage } from '../../shared/i18n/translator';
import { useSettingsStore } from '../stores/settings-store';

export type { MessageKey, Params, Translate, UiLanguage } from '../../shared/i18n/translator';
export { relativeTime } from '../../shared/i18n/translator';

export function systemLocale(): string {
  return typeof navigator === 'undefined' ? 'en' : navigator.language;
}

/** The language in use now: the setting, or the system's. */
export function useLanguage(): UiLanguage {
  const language = useSettingsStore((s) => s.settings?.language ?? 'system');
  return resolveLanguage(language, systemLocale());
}

/** Stable while the language stays: memoised rows that take `t` as a prop re-render only when it changes. */
export function useT(): Translate {
  return translator(useLanguage());
}
