// The on-disk format of the local cache (docs/offline-cache.md): what each file holds, its version, and the
// migration hook that brings an older file up to the current version before it is validated.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { trackedConversationSchema } from '../../shared/bridge/contract';

/** The version every cache file is written with. Bump it (and add a step to MIGRATIONS) when a shape changes. */
export const CACHE_FORMAT_VERSION = 1;

/**
 * Upgrades, by the version they start from: `MIGRATIONS[n]` turns a version-n file into version n+1. Empty
 * while version 1 is the only one; a file of a version with no path to the current one is incompatible and
 * is set aside like a corrupt one (it is a cache: the server rebuilds it).
 */
const MIGRATIONS: Readonly<Record<number, (file: Record<string, unknown>) => Record<string, unknown>>> = {};

export type Migrated = { ok: true; value: Record<string, unknown> } | { ok: false; why: string };

/** Brings a parsed file (any version) to CACHE_FORMAT_VERSION, or says why it cannot. */
export function migrate(raw: unknown): Migrated {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { ok: false, why: 'not an object' };
  let file = raw as Record<string, unknown>;
  let version = file.version;
  if (typeof version !== 'number' || !Number.isInteger(version)) return { ok: false, why: 'no version' };
  while (version < CACHE_FORMAT_VERSION) {
    const step = MIGRATIONS[version];
    if (!step) return { ok: false, why: `version ${version} cannot be upgraded` };
    file = step(file);
    version = file.version;
    if (typeof version !== 'number') return { ok: false, why: 'a migration lost the version' };
  }
  if (version !== CACHE_FORMAT_VERSION)
    return { ok: false, why: `version ${version} is newer than this build's ${CACHE_FORMAT_VERSION}` };
  return { ok: true, value: file };
}

/** What a server's capabilities detection found (no URL, no key). */
export const cachedCapabilitiesSchema = z.object({
  appMode: z.enum(['oss', 'saas', 'unknown']),
  v1: z.boolean(),
  checkedAt: z.number(),
});
export type CachedCapabilities = z.output<typeof cachedCapabilitiesSchema>;

/**
 * `lists/<server>.json`: a server's conversation list as last seen. The row schema is the bridge's own, and a
 * zod object drops unknown keys, so a row can never carry an agent-server URL or session key onto disk.
 */
export const listFileSchema = z.object({
  version: z.literal(CACHE_FORMAT_VERSION),
  serverId: z.string(),
  savedAt: z.number(),
  conversations: z.array(trackedConversationSchema),
});
export type ListFile = z.output<typeof listFileSchema>;

/** `state.json`: per-server sync facts, per-conversation bookkeeping for eviction. */
export const stateFileSchema = z.object({
  version: z.literal(CACHE_FORMAT_VERSION),
  servers: z.record(
    z.string(),
    z.object({
      /** The last time the poller heard from the server without error (ms since epoch). */
      lastSyncAt: z.number().nullable(),
      capabilities: cachedCapabilitiesSchema.nullable().default(null),
    }),
  ),
  conversations: z.record(
    z.string(),
    z.object({
      /** Least-recently-opened eviction order. */
      lastOpenedAt: z.number(),
      bytes: z.number().int().nonnegative(),
      events: z.number().int().nonnegative(),
    }),
  ),
});
export type StateFile = z.output<typeof stateFileSchema>;

/** The first line of `events/<server>/<conversation>.jsonl`; one agent event per line follows. */
export const eventsHeaderSchema = z.object({
  version: z.literal(CACHE_FORMAT_VERSION),
  key: z.string(),
  /** The server may hold events older than the first cached one (the window is a tail of the log). */
  hasEarlier: z.boolean(),
  savedAt: z.number(),
});
export type EventsHeader = z.output<typeof eventsHeaderSchema>;

/**
 * A file-name-safe form of an id: kept when it is plain (hex ids, server ids), else hashed, so an id from a
 * server can never name a path outside the cache folder.
 */
export function safeName(id: string): string {
  return /^[A-Za-z0-9_-]{1,100}$/.test(id) ? id : `h-${createHash('sha256').update(id).digest('hex')}`;
}
