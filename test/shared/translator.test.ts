// The one translation system: plurals by each language's rules, `{name}` placeholders, relative times from Intl,
// and a Chinese text for every English one.
import { describe, expect, it } from 'vitest';
import { en } from '../../src/shared/i18n/en';
import { relativeTime, translate, type MessageKey } from '../../src/shared/i18n/translator';
import { zhCN } from '../../src/shared/i18n/zh-CN';

describe('translations', () => {
  it('picks the plural form by count, in each language', () => {
    expect(translate('en', 'conversation.moreLines', { count: 1 })).toBe('1 more line');
    expect(translate('en', 'conversation.moreLines', { count: 12 })).toBe('12 more lines');
    expect(translate('zh-CN', 'conversation.moreLines', { count: 1 })).toBe('还有 1 行');
    expect(translate('zh-CN', 'conversation.moreLines', { count: 12 })).toBe('还有 12 行');
  });

  it('fills placeholders and leaves markup in them as text', () => {
    expect(translate('en', 'servers.editServer', { name: '<b>lab</b>' })).toBe('Edit <b>lab</b>');
    expect(translate('zh-CN', 'settings.pausedUntil', { time: '12:00' })).toContain('12:00');
  });

  it('says relative times in the chosen language', () => {
    const now = Date.parse('2026-12-02T12:00:00Z');
    expect(relativeTime('en', now - 20_000, now)).toBe('just now');
    expect(relativeTime('en', now - 3 * 60_000, now)).toBe('3 min. ago');
    expect(relativeTime('zh-CN', now - 3 * 60_000, now)).toBe('3分钟前');
    expect(relativeTime('zh-CN', '2026-11-29T12:00:00', now)).toBe('3天前');
    expect(relativeTime('en', 'not a time', now)).toBe('');
  });

  it('has a Chinese text for every English one', () => {
    const missing: string[] = [];
    for (const [area, texts] of Object.entries(en)) {
      const chinese = (zhCN as Record<string, Record<string, string>>)[area] ?? {};
      for (const key of Object.keys(texts)) {
        // Chinese has no singular form: `_one` falls to `_other`.
        if (key.endsWith('_one')) continue;
        if (!chinese[key]?.trim()) missing.push(`${area}.${key}`);
      }
    }
    expect(missing).toEqual([]);
    // A key that is not in the catalog shows itself, so a gap is visible rather than blank.
    expect(translate('zh-CN', 'no.such' as MessageKey)).toBe('no.such');
  });
});
