import { randomBytes, randomUUID } from 'node:crypto';

/** A new UUID in the 32-hex form the app server puts on the V1 wire (`OpenHandsUUID`). */
export function newHexId(): string {
  return randomUUID().replace(/-/g, '');
}

const UUID_RE = /^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** FastAPI `UUID` parameters accept both the dashed and the 32-hex spelling. */
export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}

/** Canonical key for comparing ids: lower-case hex without dashes. */
export function hexOf(id: string): string {
  return id.replace(/-/g, '').toLowerCase();
}

/** The dashed spelling the agent server uses for conversation ids in its JSON. */
export function dashedOf(id: string): string {
  const h = hexOf(id);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Docker sandboxes generate session keys as base62 of 32 random bytes. */
export function base62(bytes = 32): string {
  let n = BigInt('0x' + randomBytes(bytes).toString('hex'));
  let out = '';
  while (n > 0n) {
    out = BASE62[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out || '0';
}

/** Event ids are dashed uuid4 strings. */
export function newEventId(): string {
  return randomUUID();
}
