import { messageText, qualifiedKind, type SimEvent, withoutNulls } from './events';
import { isRecord, validationError } from './http';
import { versionAtLeast } from './version';

/** Where an event goes out: each channel had its own serialisation rules over the releases. */
export type EventChannel = 'socket' | 'search' | 'get';

/**
 * An event as a channel sends it. Socket frames and search items omit nulls from 1.31.2 (socket and
 * search went through `model_dump(exclude_none=True)`; before that nulls were sent), and 1.31.2–1.36.1
 * also stripped `parent_id` there (the transport "compat" layer). `GET /events/{id}` and the batch
 * get are FastAPI response models: nulls and `parent_id` included.
 */
export function eventOnWire(version: string, event: SimEvent, channel: EventChannel): unknown {
  if (channel === 'get' || !versionAtLeast(version, '1.31.2')) return event;
  const out: Record<string, unknown> = { ...event };
  if (!versionAtLeast(version, '1.37.0')) delete out.parent_id;
  return withoutNulls(out);
}

/** Content parts the SDK accepts: `{type:"text",text}` and `{type:"image",image_urls:[…]}`. */
export function parseContent(raw: unknown, allowString: boolean): unknown[] | undefined {
  if (allowString && typeof raw === 'string') return [{ type: 'text', text: raw }];
  if (!Array.isArray(raw)) return undefined;
  const ok = raw.every(
    (part) =>
      isRecord(part) &&
      ((part.type === 'text' && typeof part.text === 'string') ||
        (part.type === 'image' &&
          Array.isArray(part.image_urls) &&
          part.image_urls.every((u) => typeof u === 'string'))),
  );
  return ok ? raw : undefined;
}

export function sortOrder(raw: string | null): boolean {
  if (raw === null || raw === 'TIMESTAMP') return false;
  if (raw === 'TIMESTAMP_DESC') return true;
  throw validationError(
    ['query', 'sort_order'],
    "Input should be 'TIMESTAMP' or 'TIMESTAMP_DESC'",
    raw,
    'enum',
  );
}

/** A timezone-aware filter value is converted to the server's local time (UTC here); naive values compare as strings. */
export function normalizeTimestamp(raw: string): string {
  if (/[zZ]|[+-]\d\d:\d\d$/.test(raw)) {
    const t = Date.parse(raw);
    if (!Number.isNaN(t))
      return new Date(t)
        .toISOString()
        .slice(0, 23)
        .replace(/\.(\d{3})$/, '.$1000');
  }
  return raw;
}

export function filterEvents(events: SimEvent[], q: URLSearchParams): SimEvent[] {
  const kind = q.get('kind');
  const source = q.get('source');
  const body = q.get('body')?.toLowerCase();
  const gte = q.get('timestamp__gte');
  const lt = q.get('timestamp__lt');
  return events.filter(
    (e) =>
      (!kind || qualifiedKind(e.kind) === kind) &&
      (!source || e.source === source) &&
      (!body || (e.kind === 'MessageEvent' && messageText(e).toLowerCase().includes(body))) &&
      (!gte || e.timestamp >= normalizeTimestamp(gte)) &&
      (!lt || e.timestamp < normalizeTimestamp(lt)),
  );
}

/**
 * Agent-server paging: `next_page_id` is the id of the first item of the next page, and passing it back
 * starts at that item (inclusive). An unknown page id restarts from the beginning.
 */
export function page<T>(
  items: T[],
  pageId: string | null,
  limit: number,
  idOf: (item: T) => string,
): { items: T[]; next_page_id: string | null } {
  let start = 0;
  if (pageId) {
    const index = items.findIndex((item) => idOf(item) === pageId);
    start = index >= 0 ? index : 0;
  }
  const slice = items.slice(start, start + limit);
  const next = items[start + limit];
  return { items: slice, next_page_id: next ? idOf(next) : null };
}
