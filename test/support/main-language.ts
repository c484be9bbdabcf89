import { afterEach, beforeEach } from 'vitest';
import { setMainLanguage } from '../../src/main/i18n';
import type { UiLanguage } from '../../src/shared/i18n/translator';

/** The main process speaks `language` in each test of the enclosing block, and English again after it. */
export function useMainLanguage(language: UiLanguage): void {
  beforeEach(() => setMainLanguage(language));
  afterEach(() => setMainLanguage('en'));
}
