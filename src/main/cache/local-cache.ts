// The offline-first local cache (docs/offline-cache.md): per server the conversation list as last seen and
// when it was last synced; per conversation its events as last seen. Main-process services read it first and
// the network refreshes it. No Electron here.
//
// Layout under `<user data>/cache/`:
//   state.json                     servers' last sync + capabilities; per-conversation size and last opening
//   lists/<server>.json            the server's conversation rows (TrackedConversation, compact JSON)
//   events/<server>/<conv>.jsonl   a header line, then the conversation's newest events, oldest first
//
// Every write replaces a whole file atomically (temp file, fsync, rename, folder fsync), so a kill at any
// instant leaves the previous or the next version. Writes are coalesced: callers only mark what changed, and
// a timer writes it later, so the poller and the bridge never wait on the disk. A file that cannot be read
// is set aside and rebuilt from the server, with one log line; the cache never touches the outbox.
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { conversationKey, type StatusChangeSet, type TrackedConversation } from '../../shared/live';
import { type Clock, systemClock } from '../clock';
import { consoleLogger, type Logger } from '../logger';
import { writeTextAtomic } from '../storage/atomic-json';
import { asStorageError } from '../storage/storage-errors';
import {
  CACHE_FORMAT_VERSION,
  type CachedCapabilities,
  type ListFile,
  listFileSchema,
  migrate,
  safeName,
  type StateFile,
  stateFileSchema,
} from './cache-format';
import { readText, removeFile, removeTempFiles, setAside } from './cache-files';
import { type CachedEvents, decodeEvents, encodeEvents, mergeEvents } from './event-file';
import { pickRow } from './rows';

export const CACHE_DIR = 'cache';

export interface LocalCacheOptions {
  /** The cache folder (`<user data>/cache`). */
  dir: string;
  logger?: Logger;
  clock?: Clock;
  /** Newest events kept per conversation (default 5,000). */
  maxEventsPerConversation?: number;
  /** Bytes of events kept per conversation (default 8 MiB). */
  maxBytesPerConversation?: number;
  /** All cached events together; the least recently opened conversations go first (default 256 MiB). */
  maxTotalBytes?: number;
  /** How long changes gather before they are written (default 1 s). */
  writeDelayMs?: number;
  /** A sync time alone is not worth a write sooner than this (default 30 s). */
  syncWriteDelayMs?: number;
}

interface ServerList {
  rows: Map<string, TrackedConversation>;
  dirty: boolean;
}

/** Event files kept in memory after a read or write, so a save merges without reading the file again. */
const RECENT_EVENT_SETS = 3;

export class LocalCache {
  readonly dir: string;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly budget: { maxEvents: number; maxBytes: number };
  private readonly maxTotalBytes: number;
  private readonly writeDelayMs: number;
  private readonly syncWriteDelayMs: number;
  private state: StateFile = emptyState();
  private stateDirty = false;
  private readonly lists = new Map<string, ServerList>();
  /** Servers removed from the app: late changes for them are ignored. */
  private readonly forgotten = new Set<string>();
  /** Events to write, by conversation key (the latest snapshot wins). */
  private readonly pendingEvents = new Map<string, CachedEvents>();
  /** LRU of the last event sets read or written (Map order: first = oldest). */
  private readonly recentEvents = new Map<string, CachedEvents>();
  /** Keys dropped while a write of theirs may be under way (their file is removed after it lands). */
  private readonly dropped = new Set<string>();
  /** Conversations whose files are being read or written now (never evicted meanwhile). */
  private readonly busy = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private timerDue = Infinity;
  private flushing: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(options: LocalCacheOptions) {
    this.dir = options.dir;
    this.logger = options.logger ?? consoleLogger;
    this.clock = options.clock ?? systemClock;
    this.budget = {
      maxEvents: Math.max(1, options.maxEventsPerConversation ?? 5000),
      maxBytes: Math.max(1024, options.maxBytesPerConversation ?? 8 * 1024 * 1024),
    };
    this.maxTotalBytes = Math.max(1024, options.maxTotalBytes ?? 256 * 1024 * 1024);
    this.writeDelayMs = Math.max(0, options.writeDelayMs ?? 1000);
    this.syncWriteDelayMs = Math.max(this.writeDelayMs, options.syncWriteDelayMs ?? 30_000);
  }

  /**
   * Reads the state and every server's list. Never throws: a file that cannot be used is set aside (one log
   * line each) and that part of the cache starts empty.
   */
  static async open(options: LocalCacheOptions): Promise<LocalCache> {
    const cache = new LocalCache(options);
    try {
      await mkdir(path.join(cache.dir, 'lists'), { recursive: true, mode: 0o700 });
      await removeTempFiles(cache.dir);
      await cache.loadState();
      await cache.loadLists();
      await cache.removeOrphans();
    } catch (error) {
      cache.logger.warn(`cache: could not be opened (${describe(error)}); starting without it`);
    }
    return cache;
  }

  // ---- lists ----

  /** Server ids with a cached list. */
  servers(): string[] {
    return [...this.lists.keys()];
  }

  /** The server's conversations as last seen. */
  list(serverId: string): TrackedConversation[] {
    return [...(this.lists.get(serverId)?.rows.values() ?? [])];
  }

  lastSyncAt(serverId: string): number | null {
    return this.state.servers[serverId]?.lastSyncAt ?? null;
  }

  capabilities(serverId: string): CachedCapabilities | null {
    return this.state.servers[serverId]?.capabilities ?? null;
  }

  /** A poller change set: rows that changed are stored, removed ones leave (with their events). */
  applyChanges(changes: StatusChangeSet): void {
    for (const row of changes.changed) {
      if (this.forgotten.has(row.serverId)) continue;
      const list = this.listOf(row.serverId);
      list.rows.set(conversationKey(row), row);
      list.dirty = true;
    }
    for (const key of changes.removed) this.dropConversation(key);
    if (changes.changed.length > 0 || changes.removed.length > 0) this.schedule(this.writeDelayMs);
  }

  /** The poller heard from the server: "last synced" in the UI. Written lazily (see syncWriteDelayMs). */
  markSynced(serverId: string, at: number): void {
    if (this.forgotten.has(serverId)) return;
    const entry = (this.state.servers[serverId] ??= { lastSyncAt: null, capabilities: null });
    entry.lastSyncAt = at;
    this.stateDirty = true;
    this.schedule(this.syncWriteDelayMs);
  }

  setCapabilities(serverId: string, capabilities: CachedCapabilities): void {
    if (this.forgotten.has(serverId)) return;
    const entry = (this.state.servers[serverId] ??= { lastSyncAt: null, capabilities: null });
    entry.capabilities = { ...capabilities };
    this.stateDirty = true;
    this.schedule(this.syncWriteDelayMs);
  }

  /** A server removed from the app: its list, sync state and events go, now. */
  async forgetServer(serverId: string): Promise<void> {
    this.forgotten.add(serverId);
    this.lists.delete(serverId);
    delete this.state.servers[serverId];
    for (const key of Object.keys(this.state.conversations))
      if (key.startsWith(`${serverId}/`)) this.forgetEvents(key);
    this.stateDirty = true;
    await this.enqueue(async () => {
      await removeFile(this.listFile(serverId));
      await removeDir(path.join(this.dir, 'events', safeName(serverId)));
    });
    this.schedule(0);
  }

  /** Drops the caches of servers that are no longer configured (removed while the app was not running). */
  async retainServers(serverIds: readonly string[]): Promise<void> {
    const keep = new Set(serverIds);
    const known = new Set([...this.lists.keys(), ...Object.keys(this.state.servers)]);
    for (const serverId of known) if (!keep.has(serverId)) await this.forgetServer(serverId);
  }

  // ---- events ----

  /** The conversation's cached events (undefined when none), and it counts as opened now. */
  async readEvents(key: string): Promise<CachedEvents | undefined> {
    const meta = this.state.conversations[key];
    if (meta) {
      meta.lastOpenedAt = this.clock.now();
      this.stateDirty = true;
      this.schedule(this.syncWriteDelayMs);
    }
    const pending = this.pendingEvents.get(key) ?? this.recentEvents.get(key);
    if (pending) return copy(pending);
    if (!meta) return undefined;
    this.busy.add(key);
    try {
      const loaded = await this.loadEventFile(key);
      if (loaded) this.remember(key, loaded);
      return loaded && copy(loaded);
    } finally {
      this.busy.delete(key);
    }
  }

  /** The conversation's events as held now: written soon, merged with what was cached before. */
  saveEvents(key: string, cached: CachedEvents): void {
    const serverId = key.slice(0, key.indexOf('/'));
    if (this.closed || this.forgotten.has(serverId) || cached.events.length === 0) return;
    this.pendingEvents.set(key, copy(cached));
    this.schedule(this.writeDelayMs);
  }

  /** A conversation deleted on the server (or gone from its list): its row and events leave the cache. */
  dropConversation(key: string): void {
    const serverId = key.slice(0, key.indexOf('/'));
    const list = this.lists.get(serverId);
    if (list?.rows.delete(key)) list.dirty = true;
    if (this.state.conversations[key] || this.pendingEvents.has(key)) this.forgetEvents(key);
    this.schedule(this.writeDelayMs);
  }

  /** Bytes of cached events (all conversations). */
  eventBytes(): number {
    return Object.values(this.state.conversations).reduce((n, c) => n + c.bytes, 0);
  }

  // ---- writing ----

  /** Writes everything pending now. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDue = Infinity;
    await this.enqueue(() => this.writePending());
  }

  /** Writes what is pending and stops taking changes. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private schedule(delayMs: number): void {
    if (this.closed) return;
    const due = this.clock.now() + delayMs;
    if (this.timer && this.timerDue <= due) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerDue = Infinity;
      void this.enqueue(() => this.writePending());
    }, delayMs);
    // A pending cache write never keeps the process alive; close() flushes.
    this.timer.unref();
  }

  /** Cache I/O runs one step at a time, in order; a failed step is logged and the next one runs. */
  private enqueue(step: () => Promise<void>): Promise<void> {
    const run = this.flushing.then(step).catch((error: unknown) => {
      // Disk full or read-only said as such (storage-errors.ts), not as a bare errno.
      const reported = asStorageError(error, this.dir);
      this.logger.warn(`cache: a write failed (${describe(reported)}); it is retried with the next change`);
    });
    this.flushing = run;
    return run;
  }

  private async writePending(): Promise<void> {
    const now = this.clock.now();
    for (const [serverId, list] of this.lists) {
      if (!list.dirty) continue;
      list.dirty = false;
      const file: ListFile = {
        version: CACHE_FORMAT_VERSION,
        serverId,
        savedAt: now,
        conversations: [...list.rows.values()].map(pickRow),
      };
      try {
        await writeTextAtomic(this.listFile(serverId), JSON.stringify(file));
      } catch (error) {
        list.dirty = true;
        throw error;
      }
      // Removed meanwhile: the file just written must not outlive the server.
      if (this.forgotten.has(serverId)) await removeFile(this.listFile(serverId));
    }
    const pending = [...this.pendingEvents];
    this.pendingEvents.clear();
    for (const [key, next] of pending) await this.writeEvents(key, next, now);
    if (pending.length > 0) await this.evict();
    if (this.stateDirty) {
      this.stateDirty = false;
      await writeTextAtomic(path.join(this.dir, 'state.json'), JSON.stringify(this.state));
    }
  }

  private async writeEvents(key: string, next: CachedEvents, now: number): Promise<void> {
    const serverId = key.slice(0, key.indexOf('/'));
    if (this.forgotten.has(serverId)) return;
    this.busy.add(key);
    try {
      const base = this.recentEvents.get(key) ?? (await this.loadEventFile(key));
      const merged = mergeEvents(base, next);
      const encoded = encodeEvents(key, merged, this.budget, now);
      await writeTextAtomic(this.eventFile(key), encoded.text);
      if (this.forgotten.has(serverId) || this.dropped.has(key)) {
        await removeFile(this.eventFile(key));
        return;
      }
      const kept = merged.events.slice(merged.events.length - encoded.events);
      this.remember(key, { events: kept, hasEarlier: encoded.hasEarlier });
      const previous = this.state.conversations[key];
      this.state.conversations[key] = {
        lastOpenedAt: previous?.lastOpenedAt ?? now,
        bytes: encoded.bytes,
        events: encoded.events,
      };
      this.stateDirty = true;
    } finally {
      this.busy.delete(key);
    }
  }

  private forgetEvents(key: string): void {
    this.pendingEvents.delete(key);
    this.recentEvents.delete(key);
    delete this.state.conversations[key];
    this.stateDirty = true;
    this.dropped.add(key);
    void this.enqueue(async () => {
      await removeFile(this.eventFile(key));
      this.dropped.delete(key);
    });
  }

  /** Over the global cap: the least recently opened conversations lose their events. */
  private async evict(): Promise<void> {
    let total = this.eventBytes();
    if (total <= this.maxTotalBytes) return;
    const byAge = Object.entries(this.state.conversations).sort(
      (a, b) => a[1].lastOpenedAt - b[1].lastOpenedAt,
    );
    for (const [key, meta] of byAge) {
      if (total <= this.maxTotalBytes) break;
      if (this.busy.has(key) || this.pendingEvents.has(key)) continue;
      total -= meta.bytes;
      delete this.state.conversations[key];
      this.recentEvents.delete(key);
      this.stateDirty = true;
      await removeFile(this.eventFile(key));
    }
  }

  private remember(key: string, cached: CachedEvents): void {
    this.recentEvents.delete(key);
    this.recentEvents.set(key, cached);
    while (this.recentEvents.size > RECENT_EVENT_SETS) {
      const oldest = this.recentEvents.keys().next().value;
      if (oldest === undefined) break;
      this.recentEvents.delete(oldest);
    }
  }

  // ---- reading ----

  private async loadState(): Promise<void> {
    const file = path.join(this.dir, 'state.json');
    const parsed = await this.readJson(file, (value) => {
      const result = stateFileSchema.safeParse(value);
      return result.success ? result.data : undefined;
    });
    if (parsed) this.state = parsed;
  }

  private async loadLists(): Promise<void> {
    const dir = path.join(this.dir, 'lists');
    const names = (await readdir(dir)).filter((n) => n.endsWith('.json'));
    for (const name of names) {
      const file = path.join(dir, name);
      const parsed = await this.readJson(file, (value) => {
        const result = listFileSchema.safeParse(value);
        return result.success && safeName(result.data.serverId) === name.slice(0, -5)
          ? result.data
          : undefined;
      });
      if (!parsed) continue;
      const rows = new Map(parsed.conversations.map((c) => [conversationKey(c), c]));
      this.lists.set(parsed.serverId, { rows, dirty: false });
    }
  }

  /** A JSON file through the migration hook and `check`; a bad one is set aside with one log line. */
  private async readJson<T>(file: string, check: (value: unknown) => T | undefined): Promise<T | undefined> {
    const read = await readText(file);
    if (!read.ok) return undefined;
    let why: string;
    try {
      const migrated = migrate(JSON.parse(read.text));
      if (migrated.ok) {
        const value = check(migrated.value);
        if (value !== undefined) return value;
        why = 'it does not match the cache format';
      } else why = migrated.why;
    } catch {
      why = 'it is not valid JSON';
    }
    await this.discard(file, why);
    return undefined;
  }

  /**
   * Event files the state does not list (a kill between an event write and the state write, or a state file
   * that was set aside) would escape the size cap: they go.
   */
  private async removeOrphans(): Promise<void> {
    const known = new Set(Object.keys(this.state.conversations).map((key) => this.eventFile(key)));
    let entries;
    try {
      entries = await readdir(path.join(this.dir, 'events'), { withFileTypes: true, recursive: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const file = path.join(e.parentPath, e.name);
      if (e.isFile() && e.name.endsWith('.jsonl') && !known.has(file)) await removeFile(file);
    }
  }

  private async loadEventFile(key: string): Promise<CachedEvents | undefined> {
    const file = this.eventFile(key);
    const read = await readText(file);
    if (!read.ok) {
      if (this.state.conversations[key]) {
        delete this.state.conversations[key];
        this.stateDirty = true;
      }
      return undefined;
    }
    const decoded = decodeEvents(read.text);
    if (decoded.ok && decoded.key === key) return decoded.cached;
    await this.discard(file, decoded.ok ? 'it belongs to another conversation' : decoded.why);
    delete this.state.conversations[key];
    this.stateDirty = true;
    return undefined;
  }

  private async discard(file: string, why: string): Promise<void> {
    const movedTo = await setAside(file, new Date(this.clock.now()));
    this.logger.warn(
      `cache: ${path.relative(this.dir, file)} could not be used (${why}); set aside as ${path.basename(movedTo)} and rebuilt from the server`,
    );
  }

  private listOf(serverId: string): ServerList {
    let list = this.lists.get(serverId);
    if (!list) {
      list = { rows: new Map(), dirty: false };
      this.lists.set(serverId, list);
    }
    return list;
  }

  private listFile(serverId: string): string {
    return path.join(this.dir, 'lists', `${safeName(serverId)}.json`);
  }

  private eventFile(key: string): string {
    const at = key.indexOf('/');
    return path.join(this.dir, 'events', safeName(key.slice(0, at)), `${safeName(key.slice(at + 1))}.jsonl`);
  }
}

function emptyState(): StateFile {
  return { version: CACHE_FORMAT_VERSION, servers: {}, conversations: {} };
}

function copy(cached: CachedEvents): CachedEvents {
  return { events: [...cached.events], hasEarlier: cached.hasEarlier };
}

async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
