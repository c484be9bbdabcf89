import type { AppServerContext } from './app-routes';
import type { SimEvent } from './events';
import { HttpError, parseLimit, type RouteContext, type Router, sendJson, validationError } from './http';
import { hexOf, isUuid } from './ids';

/** `EventKind`: the short class names `kind__eq` accepts (anything else is FastAPI's 422). */
const EVENT_KINDS = [
  'MessageEvent',
  'ActionEvent',
  'ObservationEvent',
  'ConversationStateUpdateEvent',
  'AgentErrorEvent',
  'ConversationErrorEvent',
  'PauseEvent',
  'InterruptEvent',
  'Condensation',
  'CondensationRequest',
  'CondensationSummaryEvent',
  'SystemPromptEvent',
  'StreamingDeltaEvent',
  'TokenEvent',
  'LLMCompletionLogEvent',
  'HookExecutionEvent',
  'ACPToolCallEvent',
  'ServerErrorEvent',
  'UserRejectObservation',
];

const DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6})\d*)?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * The query datetime as Python's `isoformat()` prints it after pydantic parsed it, because the server
 * compares that string with the events' own naive timestamps (§9.17): `Z` becomes `+00:00`, seconds are
 * always there, microseconds only when non-zero.
 */
export function pythonIsoformat(raw: string, name: string): string {
  const m = DATETIME.exec(raw.trim());
  const [, y, mo, d, h = '00', mi = '00', s = '00', frac, tz] = m ?? [];
  const check = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`);
  if (!m || Number.isNaN(check.getTime()) || check.getUTCDate() !== Number(d))
    throw validationError(['query', name], 'Input should be a valid datetime', raw, 'datetime_parsing');
  const micros = frac ? frac.padEnd(6, '0') : '000000';
  let offset = '';
  if (tz) {
    const t = tz.toUpperCase() === 'Z' ? '+00:00' : tz.replace(':', '');
    offset = t.length === 3 ? `${t}:00` : t.length === 5 ? `${t.slice(0, 3)}:${t.slice(3)}` : t;
  }
  return `${y}-${mo}-${d}T${h}:${mi}:${s}${micros === '000000' ? '' : `.${micros}`}${offset}`;
}

function kindFilter(query: URLSearchParams): string | null {
  const kind = query.get('kind__eq');
  if (kind !== null && !EVENT_KINDS.includes(kind))
    throw validationError(['query', 'kind__eq'], `Input should be ${EVENT_KINDS.join(', ')}`, kind, 'enum');
  return kind;
}

function filtered(events: readonly SimEvent[], query: URLSearchParams): SimEvent[] {
  const kind = kindFilter(query);
  const gteRaw = query.get('timestamp__gte');
  const ltRaw = query.get('timestamp__lt');
  const gte = gteRaw === null ? null : pythonIsoformat(gteRaw, 'timestamp__gte');
  const lt = ltRaw === null ? null : pythonIsoformat(ltRaw, 'timestamp__lt');
  return events.filter(
    (e) =>
      (!kind || e.kind === kind) && (gte === null || e.timestamp >= gte) && (lt === null || e.timestamp < lt),
  );
}

/**
 * The app server's own copy of a V1 conversation's events (`/api/v1/conversation/{id}/events`, singular),
 * which the real server receives by webhook from the agent server: readable while the sandbox is paused.
 * Permissions are only the storage prefix (the user), so an unknown conversation is an empty page, and
 * `UUID(...)` of a malformed conversation or event id is not caught (plain 500).
 */
export function addEventRoutes(r: Router, ctx: AppServerContext): void {
  const eventsOf = (c: RouteContext): readonly SimEvent[] => {
    const id = c.params.id ?? '';
    if (!isUuid(id)) throw new Error(`badly formed hexadecimal UUID string: ${id}`);
    return ctx.world.conversations.get(hexOf(id))?.agent?.events ?? [];
  };

  r.add('GET', '/api/v1/conversation/:id/events/search', (c) => {
    const events = eventsOf(c);
    const order = c.query.get('sort_order') ?? 'TIMESTAMP';
    if (order !== 'TIMESTAMP' && order !== 'TIMESTAMP_DESC')
      throw validationError(
        ['query', 'sort_order'],
        "Input should be 'TIMESTAMP' or 'TIMESTAMP_DESC'",
        order,
        'enum',
      );
    const limit = parseLimit(c.query);
    const items = filtered(events, c.query).sort((a, b) =>
      order === 'TIMESTAMP' ? cmp(a.timestamp, b.timestamp) : cmp(b.timestamp, a.timestamp),
    );
    // page_id is `int(page_id)` into the filtered, sorted list: a non-integer is an uncaught ValueError.
    const pageId = c.query.get('page_id');
    let start = 0;
    if (pageId) {
      if (!/^\s*[+-]?\d+\s*$/.test(pageId)) throw new Error(`invalid literal for int(): '${pageId}'`);
      start = Number(pageId);
    }
    const rest = items.slice(start < 0 ? Math.max(0, items.length + start) : start);
    sendJson(c.res, 200, {
      items: rest.slice(0, limit),
      next_page_id: rest.length > limit ? String(start + limit) : null,
    });
  });

  r.add('GET', '/api/v1/conversation/:id/events/count', (c) => {
    const events = eventsOf(c);
    sendJson(c.res, 200, filtered(events, c.query).length);
  });

  r.add('GET', '/api/v1/conversation/:id/events', (c) => {
    const events = eventsOf(c);
    const ids = c.query.getAll('id');
    if (ids.length === 0) throw validationError(['query', 'id'], 'Field required', null, 'missing');
    if (ids.length > 100)
      throw new HttpError(400, { detail: `Cannot request more than 100 events at once, got ${ids.length}` });
    for (const id of ids) if (!isUuid(id)) throw new Error(`badly formed hexadecimal UUID string: ${id}`);
    sendJson(
      c.res,
      200,
      ids.map((id) => events.find((e) => hexOf(e.id) === hexOf(id)) ?? null),
    );
  });
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
