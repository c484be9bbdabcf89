// The main process's language — the app's setting, or the system's; compose.ts keeps it current — and a `t` in
// it for text made here: errors, Test connection, dialogs. Same catalogs and library as the renderer.
import { type Translate, translator, type UiLanguage } from '../shared/i18n/translator';

let language: UiLanguage = 'en';

export function setMainLanguage(next: UiLanguage): void {
  language = next;
}

export function mainLanguage(): UiLanguage {
  return language;
}

/** Text in the app's language as it is now. */
export const t: Translate = (key, params) => translator(language)(key, params);
