// Small builders for status snapshots, shared by the notifier and tray tests.
import { conversationKey, type StatusEntry, type StatusSnapshot } from '../../src/shared/live';
import type { DisplayStatus } from '../../src/shared/status';

export function entry(id: string, status: DisplayStatus, extra: Partial<StatusEntry> = {}): StatusEntry {
  return { serverId: 'local', id, version: 'V1', title: `Conversation ${id}`, status, ...extra };
}

export function snapshot(...entries: StatusEntry[]): StatusSnapshot {
  return new Map(entries.map((e) => [conversationKey(e), e]));
}

export function keyOf(e: StatusEntry): string {
  return conversationKey(e);
}

/** Every string leaf of a nested strings table, by dotted path. */
export function leaves(table: object, prefix = ''): Map<string, string> {
  const found = new Map<string, string>();
  for (const [name, value] of Object.entries(table)) {
    const path = prefix ? `${prefix}.${name}` : name;
    if (typeof value === 'string') found.set(path, value);
    else if (typeof value === 'object' && value !== null)
      for (const [p, v] of leaves(value as object, path)) found.set(p, v);
  }
  return found;
}

export function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();
}

/**
 * What "zh-CN strings present for every en string" checks, for any module's table: the same keys, nothing
 * empty, the same placeholders, and Chinese text wherever the English has words of its own. [] = all good.
 */
export function translationProblems(en: object, zh: object): string[] {
  const english = leaves(en);
  const chinese = leaves(zh);
  const problems: string[] = [];
  for (const path of chinese.keys()) if (!english.has(path)) problems.push(`${path}: not in en`);
  for (const [path, text] of english) {
    // Chinese has no singular: an English `_one` is said by the `_other` form.
    const translated =
      chinese.get(path) ?? (path.endsWith('_one') ? chinese.get(`${path.slice(0, -4)}_other`) : undefined);
    if (translated === undefined || translated.trim() === '') {
      problems.push(`${path}: missing`);
      continue;
    }
    if (placeholders(text).join() !== placeholders(translated).join())
      problems.push(`${path}: placeholders differ`);
    const words = text.replace(/\{\w+\}/g, '');
    if (/[A-Za-z]/.test(words) && !/[\u4e00-\u9fff]/.test(translated)) problems.push(`${path}: not Chinese`);
  }
  return problems;
}
