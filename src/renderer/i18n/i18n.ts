// Translation: `t('servers.addServer', { name })` looks the key up in the current language (English or
// 简体中文, from Settings or the system) and fills `{name}` placeholders. Keys are checked by TypeScript.
import { useCallback } from 'react';
import { resolveLanguage } from '../../shared/settings';
import { useSettingsStore } from '../stores/settings-store';
import { en } from './en';
import { zhCN } from './zh-CN';

export type UiLanguage = 'en' | 'zh-CN';
type Messages = typeof en;
type Area = keyof Messages;
export type MessageKey = { [A in Area]: `${A}.${Extract<keyof Messages[A], string>}` }[Area];
export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

const CATALOGS: Record<UiLanguage, Record<string, Record<string, string>>> = { en, 'zh-CN': zhCN };

export function translate(language: UiLanguage, key: MessageKey, params?: Params): string {
  const [area, name] = key.split('.') as [string, string];
  const text = CATALOGS[language][area]?.[name] ?? CATALOGS.en[area]?.[name] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, p: string) => (p in params ? String(params[p]) : whole));
}

export function systemLocale(): string {
  return typeof navigator === 'undefined' ? 'en' : navigator.language;
}

/** The language in use now: the setting, or the system's. */
export function useLanguage(): UiLanguage {
  const language = useSettingsStore((s) => s.settings?.language ?? 'system');
  return resolveLanguage(language, systemLocale());
}

export function useT(): Translate {
  const language = useLanguage();
  // Stable while the language stays: memoised rows that take `t` as a prop re-render only when it changes.
  return useCallback<Translate>((key, params) => translate(language, key, params), [language]);
}

/** "3 min ago" from an ISO time (or ms), in the current language. */
export function relativeTime(t: Translate, when: string | number, now = Date.now()): string {
  const ms =
    typeof when === 'number'
      ? when
      : Date.parse(when.endsWith('Z') || /[+-]\d\d:\d\d$/.test(when) ? when : `${when}Z`);
  if (!Number.isFinite(ms)) return '';
  const minutes = Math.floor((now - ms) / 60_000);
  if (minutes < 1) return t('common.justNow');
  if (minutes < 60) return t('common.minutesAgo', { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return t('common.hoursAgo', { n: hours });
  return t('common.daysAgo', { n: Math.floor(hours / 24) });
}
