// Deep links: `openhands-desktop://conversation/<serverId>/<conversationId>[?version=V0|V1]`.
// Pure (no electron), so every odd URL a browser or another app could hand us is unit-tested. Anything that
// does not match exactly is refused: the link comes from outside the app and is never trusted.
import { APP_PROTOCOL } from '../../shared/app-info';
import type { ConversationRef } from '../../shared/conversations';
import { CONVERSATION_VERSIONS, type ConversationVersion } from '../../shared/openhands-enums';

export interface ConversationDeepLink {
  type: 'conversation';
  serverId: string;
  id: string;
  /** Only when the link says so; otherwise resolved from what the app knows (see `resolveDeepLink`). */
  version: ConversationVersion | null;
}

export type DeepLink = ConversationDeepLink | { type: 'list' };

/** Server ids are 32 lowercase hex (src/shared/servers.ts). */
const SERVER_ID = /^[0-9a-f]{32}$/;
/** V1 ids (32 hex or dashed UUID) and V0 ids: the API client's safe alphabet, nothing that leaves a segment. */
const CONVERSATION_ID = /^[A-Za-z0-9_-]{1,100}$/;
const UUID = /^(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
/** Longer than any link we make; bounds the work done on hostile input. */
const MAX_LENGTH = 512;

export function parseDeepLink(raw: string): DeepLink | null {
  if (raw.length > MAX_LENGTH) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_PROTOCOL}:`) return null;
  if (url.username || url.password || url.port || url.hash) return null;
  // `openhands-desktop://conversation/a/b`: WHATWG parses a non-special scheme's authority as the host.
  const segments = url.pathname.split('/').slice(1);
  if (url.hostname === 'conversations' && segments.every((s) => s === '') && url.search === '')
    return { type: 'list' };
  if (url.hostname !== 'conversation' || segments.length !== 2) return null;
  const [serverId, id] = segments as [string, string];
  if (!SERVER_ID.test(serverId) || !CONVERSATION_ID.test(id)) return null;
  let version: ConversationVersion | null = null;
  for (const [key, value] of url.searchParams) {
    if (key !== 'version' || version !== null) return null;
    const known = CONVERSATION_VERSIONS.find((v) => v === value);
    if (!known) return null;
    version = known;
  }
  return { type: 'conversation', serverId, id, version };
}

/**
 * The first deep link among command-line arguments: how Windows and Linux hand a link to the app (at launch,
 * and to the first instance through 'second-instance'). Chromium switches never count as links.
 */
export function deepLinkFromArgv(argv: readonly string[]): DeepLink | null {
  for (const arg of argv) {
    if (!arg.toLowerCase().startsWith(`${APP_PROTOCOL}:`)) continue;
    const link = parseDeepLink(arg);
    if (link) return link;
  }
  return null;
}

/**
 * The conversation a link points at. The version comes from the link, else from a conversation the app
 * already tracks with that id, else from the id's shape (a UUID → V1, anything else → V0: V0 servers also use
 * hex ids, so a link to an untracked V0 conversation should carry `?version=V0`).
 */
export function resolveDeepLink(
  link: ConversationDeepLink,
  knownVersion: (serverId: string, id: string) => ConversationVersion | undefined,
): ConversationRef {
  const version = link.version ?? knownVersion(link.serverId, link.id) ?? (UUID.test(link.id) ? 'V1' : 'V0');
  // V1 ids are canonical 32-hex lowercase everywhere else in the app.
  const id = version === 'V1' && UUID.test(link.id) ? link.id.replace(/-/g, '').toLowerCase() : link.id;
  return { serverId: link.serverId, id, version };
}

/** The link for a conversation (for "copy link" and for tests). */
export function conversationDeepLink(ref: ConversationRef): string {
  return `${APP_PROTOCOL}://conversation/${ref.serverId}/${ref.id}?version=${ref.version}`;
}
