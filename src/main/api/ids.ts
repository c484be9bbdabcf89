import type { MessageKey } from '../../shared/i18n/translator';
import { t } from '../i18n';
import { ApiError } from './errors';

const UUID = /^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
/** V0 ids are `uuid4().hex`; anything from this safe alphabet is accepted, nothing that could leave its segment. */
const LEGACY = /^[A-Za-z0-9_-]{1,100}$/;

/** The kinds of id checked here; each has its own message (catalog area `apiErrors`). */
export type IdKind = 'conversation id' | 'start task id' | 'sandbox id';

const INVALID: Record<IdKind, MessageKey> = {
  'conversation id': 'apiErrors.invalidConversationId',
  'start task id': 'apiErrors.invalidStartTaskId',
  'sandbox id': 'apiErrors.invalidSandboxId',
};

function invalid(what: IdKind, raw: unknown): ApiError {
  const value = typeof raw === 'string' ? JSON.stringify(raw.slice(0, 40)) : typeof raw;
  return new ApiError('bad-request', t(INVALID[what], { value }));
}

/**
 * Checks a V1 conversation (or start task) id before it goes anywhere near a URL and returns the
 * canonical 32-hex form: the app server sends hex, agent servers dashed, and both accept either.
 */
export function v1Id(raw: unknown, what: IdKind = 'conversation id'): string {
  if (typeof raw !== 'string' || !UUID.test(raw)) throw invalid(what, raw);
  return raw.replace(/-/g, '').toLowerCase();
}

export function legacyId(raw: unknown): string {
  if (typeof raw !== 'string' || !LEGACY.test(raw)) throw invalid('conversation id', raw);
  return raw;
}

/** Sandbox ids are opaque strings from the server; the same safe alphabet keeps them inside their segment. */
export function sandboxId(raw: unknown): string {
  if (typeof raw !== 'string' || !LEGACY.test(raw)) throw invalid('sandbox id', raw);
  return raw;
}

/** Two spellings of one id compare equal. */
export function sameId(a: string, b: string): boolean {
  return a.replace(/-/g, '').toLowerCase() === b.replace(/-/g, '').toLowerCase();
}

/** Builds `base` + path segments, each percent-encoded, + query (repeated keys for arrays). */
export function buildUrl(
  base: string,
  segments: string[],
  query: Record<string, string | number | boolean | string[] | undefined | null> = {},
): string {
  const url = new URL(base);
  const prefix = url.pathname.replace(/\/+$/, '');
  // No segments: the base itself, without a trailing slash (FastAPI would redirect `/x/` to `/x`).
  url.pathname =
    segments.length === 0 ? prefix : `${prefix}/${segments.map((s) => encodeURIComponent(s)).join('/')}`;
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const v of value) url.searchParams.append(key, v);
    else url.searchParams.set(key, String(value));
  }
  return url.toString();
}
