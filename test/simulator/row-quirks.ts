/** AppConversation fields a test can null out or leave out of the app server's rows. */
export const QUIRK_FIELDS = [
  'sandbox_id',
  'sandbox_status',
  'execution_status',
  'conversation_url',
  'session_api_key',
  'metrics',
  'title',
  'created_at',
  'updated_at',
] as const;
export type QuirkField = (typeof QUIRK_FIELDS)[number];

/** How the rows of one conversation (or of every conversation) are spoiled. */
export interface RowQuirk {
  /** Sent as JSON null. */
  nullFields?: QuirkField[];
  /** Left out of the row altogether. */
  missingFields?: QuirkField[];
  /** A row that fails the AppConversation schema: `created_at` (required) is left out. */
  malformed?: boolean;
}

export interface RowQuirkSettings extends RowQuirk {
  /** `next_page_id` of app-conversation search pages: `null` even when more rows follow, or left out. */
  nextPageId?: 'null' | 'missing';
}

/**
 * Test control, not real-server behaviour: lets client tests check that they survive rows the real
 * server's typing allows or that older/other builds send (nullable `sandbox_id`, `sandbox_status`,
 * `execution_status`, a missing `next_page_id`, a broken row in a page or batch). Applies to
 * `GET /api/v1/app-conversations/search` and the batch get.
 */
export class RowQuirks {
  private global: RowQuirkSettings = {};
  private readonly perConversation = new Map<string, RowQuirk>();

  /** Replaces the quirks applied to every row and page. */
  set(settings: RowQuirkSettings): void {
    this.global = { ...settings };
  }

  /** Quirks for one conversation's rows (hex or dashed id), on top of the global ones; null clears them. */
  forConversation(id: string, quirk: RowQuirk | null): void {
    const key = id.replace(/-/g, '').toLowerCase();
    if (quirk) this.perConversation.set(key, { ...quirk });
    else this.perConversation.delete(key);
  }

  reset(): void {
    this.global = {};
    this.perConversation.clear();
  }

  get settings(): RowQuirkSettings {
    return { ...this.global };
  }

  row(id: string, row: Record<string, unknown>): Record<string, unknown> {
    const own = this.perConversation.get(id) ?? {};
    const nulls = [...(this.global.nullFields ?? []), ...(own.nullFields ?? [])];
    const missing = [...(this.global.missingFields ?? []), ...(own.missingFields ?? [])];
    if (this.global.malformed || own.malformed) missing.push('created_at');
    if (nulls.length === 0 && missing.length === 0) return row;
    const out = { ...row };
    for (const field of nulls) out[field] = null;
    for (const field of missing) delete out[field];
    return out;
  }

  page<T>(page: { items: T[]; next_page_id: string | null }): Record<string, unknown> {
    if (this.global.nextPageId === 'null') return { items: page.items, next_page_id: null };
    if (this.global.nextPageId === 'missing') return { items: page.items };
    return page;
  }
}

function isQuirkField(value: unknown): value is QuirkField {
  return typeof value === 'string' && (QUIRK_FIELDS as readonly string[]).includes(value);
}

/** The `/_sim/row-quirks` body, checked; undefined if it is not one. */
export function parseRowQuirkSettings(body: Record<string, unknown>): RowQuirkSettings | undefined {
  const fields = (key: string): QuirkField[] | undefined | false => {
    const v = body[key];
    if (v === undefined) return undefined;
    return Array.isArray(v) && v.every(isQuirkField) ? v : false;
  };
  const nullFields = fields('nullFields');
  const missingFields = fields('missingFields');
  const { malformed, nextPageId } = body;
  if (nullFields === false || missingFields === false) return undefined;
  if (malformed !== undefined && typeof malformed !== 'boolean') return undefined;
  if (nextPageId !== undefined && nextPageId !== 'null' && nextPageId !== 'missing') return undefined;
  return {
    ...(nullFields ? { nullFields } : {}),
    ...(missingFields ? { missingFields } : {}),
    ...(malformed !== undefined ? { malformed } : {}),
    ...(nextPageId !== undefined ? { nextPageId } : {}),
  };
}
