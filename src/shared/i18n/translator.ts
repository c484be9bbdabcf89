// The one translation system of the app, main process and renderer alike: i18next over the catalogs in ./en and
// ./zh-CN. `t('servers.addServer', { name })` fills `{name}`; a `count` picks the plural form by the language's
// own rules ("1 more line" / "2 more lines"). Keys are checked by TypeScript against the English catalog.
import i18next from 'i18next';
import { en } from './en';
import type { Mirror } from './mirror';
import { zhCN } from './zh-CN';

export const UI_LANGUAGES = ['en', 'zh-CN'] as const;
export type UiLanguage = (typeof UI_LANGUAGES)[number];

type Catalog = typeof en;
type Area = keyof Catalog;
/** `moreLines_one` / `moreLines_other` are asked for as `moreLines` with a `count`. */
type Base<K> = K extends `${infer B}_${'zero' | 'one' | 'two' | 'few' | 'many' | 'other'}` ? B : K;
export type MessageKey = { [A in Area]: `${A}.${Base<Extract<keyof Catalog[A], string>>}` }[Area];
export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

// Every area of English has its Chinese counterpart (each area file checks its own keys).
const chinese: { [A in Area]: Mirror<Catalog[A]> } = zhCN;

const instance = i18next.createInstance();
void instance.init({
  resources: { en: { translation: en }, 'zh-CN': { translation: chinese } },
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: UI_LANGUAGES,
  // Synchronous: the catalogs are bundled, so the first `t` already has them.
  initAsync: false,
  // Our placeholders are `{name}`; the text is React- or OS-rendered, never HTML, so no escaping here.
  interpolation: { prefix: '{', suffix: '}', escapeValue: false },
  returnNull: false,
  // An empty text is a text: English leaves the menu's role items '' so Electron's own names show.
  returnEmptyString: true,
});

const translators = new Map<UiLanguage, Translate>();

/** The translation function for one language (cached; safe to keep). */
export function translator(language: UiLanguage): Translate {
  let t = translators.get(language);
  if (!t) {
    const fixed = instance.getFixedT(language);
    t = (key, params) => fixed(key, params ?? {});
    translators.set(language, t);
  }
  return t;
}

export function translate(language: UiLanguage, key: MessageKey, params?: Params): string {
  return translator(language)(key, params);
}

/** "3 min ago", "2 天前": relative times in the language's own words (Intl), "just now" under a minute. */
export function relativeTime(language: UiLanguage, when: string | number, now = Date.now()): string {
  const ms =
    typeof when === 'number'
      ? when
      : Date.parse(when.endsWith('Z') || /[+-]\d\d:\d\d$/.test(when) ? when : `${when}Z`);
  if (!Number.isFinite(ms)) return '';
  const minutes = Math.floor((now - ms) / 60_000);
  if (minutes < 1) return translate(language, 'common.justNow');
  const format = relativeFormat(language);
  if (minutes < 60) return format.format(-minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return format.format(-hours, 'hour');
  return format.format(-Math.floor(hours / 24), 'day');
}

const relativeFormats = new Map<UiLanguage, Intl.RelativeTimeFormat>();
function relativeFormat(language: UiLanguage): Intl.RelativeTimeFormat {
  let format = relativeFormats.get(language);
  if (!format) {
    format = new Intl.RelativeTimeFormat(language, { numeric: 'always', style: 'short' });
    relativeFormats.set(language, format);
  }
  return format;
}
