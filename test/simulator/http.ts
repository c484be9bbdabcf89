import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a route handler gets: the decoded path's params, the query and lazy body readers. */
export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  query: URLSearchParams;
}

export type RouteHandler = (ctx: RouteContext) => Promise<void> | void;

interface Route {
  method: string;
  regex: RegExp;
  names: string[];
  handler: RouteHandler;
}

/**
 * A tiny router that matches on the percent-decoded path, as Starlette does: that is why the
 * web UI's `upload/%2Fworkspace%2Fa.txt` and the SDK's `upload//workspace/a.txt` reach the same file.
 */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: RouteHandler): this {
    const names: string[] = [];
    const source = pattern
      .split('/')
      .map((part) => {
        if (part.startsWith(':')) {
          names.push(part.slice(1));
          return '([^/]+)';
        }
        if (part.startsWith('*')) {
          names.push(part.slice(1));
          return '(.*)';
        }
        return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    this.routes.push({ method, regex: new RegExp(`^${source}$`), names, handler });
    return this;
  }

  /** Returns the handler, 'method' when only the method is wrong, or undefined. */
  match(
    method: string,
    path: string,
  ): { handler: RouteHandler; params: Record<string, string> } | 'method' | undefined {
    let pathMatched = false;
    for (const route of this.routes) {
      const m = route.regex.exec(path);
      if (!m) continue;
      if (route.method !== method) {
        pathMatched = true;
        continue;
      }
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        params[name] = m[i + 1] ?? '';
      });
      return { handler: route.handler, params };
    }
    return pathMatched ? 'method' : undefined;
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** FastAPI's plain-text 500 for a failed `assert` in a router. */
export function sendInternalError(res: ServerResponse): void {
  const text = 'Internal Server Error';
  res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', 'content-length': text.length });
  res.end(text);
}

/** Thrown by handlers to answer with a given status and JSON body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}

export function notFound(detail = 'Not Found'): HttpError {
  return new HttpError(404, { detail });
}

/** FastAPI's 422 body shape for one failed field. */
export function validationError(
  loc: (string | number)[],
  msg: string,
  input: unknown,
  type = 'value_error',
): HttpError {
  return new HttpError(422, { detail: [{ type, loc, msg, input }] });
}

const MAX_JSON_BODY = 10 * 1024 * 1024;

export async function readBody(req: IncomingMessage, limit = MAX_JSON_BODY): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw new HttpError(413, { detail: 'Request body too large' });
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/** Reads a JSON body; an empty body is `undefined`; malformed JSON is FastAPI's 422. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const buf = await readBody(req);
  if (buf.length === 0) return undefined;
  try {
    return JSON.parse(buf.toString('utf8')) as unknown;
  } catch {
    throw validationError(['body'], 'JSON decode error', buf.toString('utf8').slice(0, 200), 'json_invalid');
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses FastAPI's `limit` (gt=0, le=100 by default) or throws its 422. */
export function parseLimit(query: URLSearchParams, defaultLimit = 100, max = 100): number {
  const raw = query.get('limit');
  if (raw === null) return defaultLimit;
  const n = Number(raw);
  if (!Number.isInteger(n))
    throw validationError(['query', 'limit'], 'Input should be a valid integer', raw, 'int_parsing');
  if (n <= 0)
    throw validationError(['query', 'limit'], 'Input should be greater than 0', raw, 'greater_than');
  if (n > max)
    throw validationError(
      ['query', 'limit'],
      `Input should be less than or equal to ${max}`,
      raw,
      'less_than_equal',
    );
  return n;
}

/** Offset page ids as the SQL-backed services encode them; anything invalid restarts at 0. */
export function parseOffsetPageId(query: URLSearchParams): number {
  const raw = query.get('page_id');
  if (raw === null) return 0;
  const n = Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : 0;
}

export function parseBool(raw: string | null, fallback: boolean): boolean {
  if (raw === null) return fallback;
  return ['1', 'true', 'yes', 'on'].includes(raw.toLowerCase());
}

/** ISO datetime query filter; invalid → FastAPI 422. */
export function parseDateFilter(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const t = Date.parse(raw);
  if (Number.isNaN(t))
    throw validationError(['query', name], 'Input should be a valid datetime', raw, 'datetime_parsing');
  return t;
}

/** The `sort_order` values of the SQL-backed searches, for anything with created/updated times. */
export function timeSorter<T extends { createdAt: number; updatedAt: number }>(
  query: URLSearchParams,
): (a: T, b: T) => number {
  const order = query.get('sort_order') ?? 'CREATED_AT_DESC';
  const sorters: Record<string, (a: T, b: T) => number> = {
    CREATED_AT: (a, b) => a.createdAt - b.createdAt,
    CREATED_AT_DESC: (a, b) => b.createdAt - a.createdAt,
    UPDATED_AT: (a, b) => a.updatedAt - b.updatedAt,
    UPDATED_AT_DESC: (a, b) => b.updatedAt - a.updatedAt,
  };
  const sorter = sorters[order];
  if (!sorter)
    throw validationError(['query', 'sort_order'], 'Input should be a valid sort order', order, 'enum');
  return sorter;
}

/** Python's `repr` of a list of strings, as f-strings put it into error details: `['a', 'b']`. */
export function pythonList(items: string[]): string {
  const repr = (text: string): string =>
    text.includes("'") && !text.includes('"')
      ? `"${text.replace(/\\/g, '\\\\')}"`
      : `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return `[${items.map(repr).join(', ')}]`;
}
