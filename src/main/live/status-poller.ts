import { NO_ANSWER_KINDS } from '../../shared/api-errors';
import type { ConversationSummary } from '../../shared/conversations';
import {
  conversationKey,
  type ConversationKey,
  type StatusChangeSet,
  type StatusSnapshot,
  type TrackedConversation,
} from '../../shared/live';
import type { ExecutionStatus } from '../../shared/openhands-enums';
import { isActive, summaryStatus } from '../../shared/status';
import { MAX_BATCH_IDS } from '../api/app-server-client';
import { isApiError } from '../api/errors';
import type { OpenHandsServer } from '../api/openhands-server';
import { type Clock, systemClock } from '../clock';
import { consoleLogger, type Logger } from '../logger';

export interface StatusPollerOptions {
  clock?: Clock;
  random?: () => number;
  logger?: Logger;
  /** Cadence for starting/running conversations and the one on screen (the web UI polls at 3 s too). */
  fastMs?: number;
  /** Cadence for idle and finished ones. */
  slowMs?: number;
  /** A failing server is retried with exponential backoff up to this. */
  maxBackoffMs?: number;
  /**
   * …but one that does not answer at all (offline, timeout, 5xx) at most this far apart (default 10 s):
   * each retry is one request, and a server that is back is seen back within this.
   */
  offlineMaxBackoffMs?: number;
  /** How often the newest page of each server is read to find conversations created elsewhere. */
  discoverMs?: number;
  /** The most conversations discovered per server at start (pages of 100). */
  maxDiscovered?: number;
  /** Told after every poll of a server: null when it answered (or had nothing due), else the error. */
  onServerResult?: (serverId: string, error: unknown) => void;
}

interface ServerState {
  failures: number;
  nextAllowedAt: number;
  lastDiscovery: number;
  discoveredAll: boolean;
}

/** Fields whose change is worth telling the UI about. */
function differs(a: TrackedConversation, b: TrackedConversation): boolean {
  return (
    a.status !== b.status ||
    a.title !== b.title ||
    a.updatedAt !== b.updatedAt ||
    a.sandboxStatus !== b.sandboxStatus ||
    a.executionStatus !== b.executionStatus ||
    a.legacyStatus !== b.legacyStatus ||
    a.runtimeStatus !== b.runtimeStatus
  );
}

function track(summary: ConversationSummary): TrackedConversation {
  return { ...summary, status: summaryStatus(summary) };
}

/**
 * Tracks every conversation of every server and emits one coalesced change set per tick.
 *
 * Cost: each tick (≈ fastMs) reads, per server, the V1 conversations that are active or on screen in
 * batches of ≤ 99 ids (⌈active/99⌉ requests); idle ones ride along in the free slots of those batches
 * when they are due (slowMs), and only when that is not enough does a tick add one more batch. Nothing
 * runs while suspended; resume, focus and network return refresh at once; a failing server backs off.
 */
export class StatusPoller {
  private readonly conversations = new Map<ConversationKey, TrackedConversation>();
  private readonly lastPolled = new Map<ConversationKey, number>();
  /** Seeded from the cache and not yet seen in a complete listing of their server. */
  private readonly unconfirmed = new Set<ConversationKey>();
  private readonly servers = new Map<string, ServerState>();
  private readonly listeners = new Set<(changes: StatusChangeSet) => void>();
  private onScreen: ConversationKey | null = null;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private suspended = false;
  private ticking: Promise<void> | undefined;
  private pendingLive = new Map<ConversationKey, TrackedConversation>();
  private liveTimer: NodeJS.Timeout | undefined;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly logger: Logger;
  private fastMs: number;
  private slowMs: number;
  private readonly maxBackoffMs: number;
  private readonly offlineMaxBackoffMs: number;
  private discoverMs: number;
  private readonly customDiscovery: boolean;
  private readonly maxDiscovered: number;
  private readonly onServerResult: (serverId: string, error: unknown) => void;

  constructor(
    private readonly listServers: () => OpenHandsServer[],
    options: StatusPollerOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.logger = options.logger ?? consoleLogger;
    this.fastMs = options.fastMs ?? 3000;
    this.slowMs = options.slowMs ?? 60_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 5 * 60_000;
    this.offlineMaxBackoffMs = Math.min(this.maxBackoffMs, options.offlineMaxBackoffMs ?? 10_000);
    this.discoverMs = options.discoverMs ?? this.slowMs;
    this.customDiscovery = options.discoverMs !== undefined;
    this.maxDiscovered = options.maxDiscovered ?? 10_000;
    this.onServerResult = options.onServerResult ?? (() => undefined);
  }

  /** The user's poll cadence (Settings); applies from the next tick. */
  setCadence(cadence: { fastMs: number; slowMs: number }): void {
    this.fastMs = cadence.fastMs;
    this.slowMs = cadence.slowMs;
    if (!this.customDiscovery) this.discoverMs = cadence.slowMs;
  }

  onChange(listener: (changes: StatusChangeSet) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  snapshot(): StatusSnapshot {
    return new Map(
      [...this.conversations].map(([key, c]) => [
        key,
        { serverId: c.serverId, id: c.id, version: c.version, title: c.title, status: c.status },
      ]),
    );
  }

  get(key: ConversationKey): TrackedConversation | undefined {
    return this.conversations.get(key);
  }

  list(): TrackedConversation[] {
    return [...this.conversations.values()];
  }

  /**
   * Conversations as the local cache last saw them, before any request: `list()` answers with them at once.
   * No change set is emitted (they are the state the app starts in). They count as unconfirmed until the
   * server's first complete listing: one missing from it was deleted meanwhile and leaves then.
   */
  seed(rows: readonly TrackedConversation[]): void {
    for (const row of rows) {
      const key = conversationKey(row);
      if (this.conversations.has(key)) continue;
      this.conversations.set(key, row);
      this.unconfirmed.add(key);
    }
  }

  /** Adds (or refreshes) conversations the app learned about elsewhere (a listing, a create). */
  track(summaries: ConversationSummary[]): void {
    const changed = this.merge(summaries.map(track));
    if (changed.length > 0) this.emit(changed, []);
  }

  untrack(keys: ConversationKey[]): void {
    const removed = keys.filter((key) => this.conversations.delete(key));
    for (const key of removed) {
      this.lastPolled.delete(key);
      this.unconfirmed.delete(key);
    }
    if (removed.length > 0) this.emit([], removed);
  }

  /** Everything of a server that was removed from the app. */
  forgetServer(serverId: string): void {
    this.servers.delete(serverId);
    this.untrack(
      [...this.conversations.values()].filter((c) => c.serverId === serverId).map((c) => conversationKey(c)),
    );
  }

  /** The conversation on screen is polled fast whatever its status. */
  setOnScreen(key: ConversationKey | null): void {
    this.onScreen = key;
  }

  /**
   * A status that arrived over a live socket: applied at once (not at the next tick), coalesced with any
   * others arriving within a few milliseconds.
   */
  applyLiveStatus(key: ConversationKey, executionStatus: ExecutionStatus | 'unknown'): void {
    const current = this.conversations.get(key);
    if (!current || current.version !== 'V1') return;
    const next = track({ ...current, executionStatus, sandboxStatus: current.sandboxStatus ?? 'RUNNING' });
    if (!differs(current, next)) return;
    this.conversations.set(key, next);
    this.pendingLive.set(key, next); // several updates within the window: the latest wins
    this.liveTimer ??= setTimeout(() => {
      this.liveTimer = undefined;
      const batch = [...this.pendingLive.values()];
      this.pendingLive.clear();
      this.emit(batch, []);
    }, 20);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.liveTimer) clearTimeout(this.liveTimer);
    this.liveTimer = undefined;
  }

  /** System sleep: no polling at all until `resume`. */
  suspend(): void {
    this.suspended = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Wake, window focus, network back: refresh now, and forgive failing servers (the network may be back). */
  refreshNow(): void {
    this.suspended = false;
    for (const state of this.servers.values()) state.nextAllowedAt = 0;
    for (const key of this.conversations.keys()) this.lastPolled.set(key, 0);
    if (this.running) this.schedule(0);
  }

  resume(): void {
    this.refreshNow();
  }

  /**
   * Something just changed this conversation (an action of ours reached the server): read it on the very next
   * tick, which runs now. An unknown one (a conversation we just created) is found by reading the newest page.
   */
  /**
   * Something else heard from the server (the outbox): if its polls were backing off after failures, the
   * next tick reads it.
   */
  retryNow(serverId: string): void {
    const state = this.servers.get(serverId);
    if (!state || state.failures === 0) return;
    state.nextAllowedAt = 0;
    if (this.running && !this.suspended) this.schedule(0);
  }

  touch(ref: { serverId: string; id: string }): void {
    const key = conversationKey(ref);
    if (this.conversations.has(key)) this.lastPolled.set(key, 0);
    else this.state(ref.serverId).lastDiscovery = -Infinity;
    if (this.running && !this.suspended) this.schedule(0);
  }

  /** Runs one tick now and resolves when it is done (tests, benchmarks). */
  async tick(): Promise<void> {
    if (this.ticking) return this.ticking;
    this.ticking = this.runTick().finally(() => {
      this.ticking = undefined;
    });
    return this.ticking;
  }

  private schedule(delay: number): void {
    if (!this.running || this.suspended) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.tick().finally(() => {
        // ±10 % jitter keeps many clients (and many servers) from lining up.
        this.schedule(this.fastMs * (0.9 + 0.2 * this.random()));
      });
    }, delay);
  }

  private async runTick(): Promise<void> {
    if (this.suspended) return;
    const results = await Promise.all(this.listServers().map((server) => this.pollServer(server)));
    const changed = results.flatMap((r) => r.changed);
    const removed = results.flatMap((r) => r.removed);
    if (changed.length > 0 || removed.length > 0) this.emit(changed, removed);
  }

  private state(serverId: string): ServerState {
    let state = this.servers.get(serverId);
    if (!state) {
      state = { failures: 0, nextAllowedAt: 0, lastDiscovery: -Infinity, discoveredAll: false };
      this.servers.set(serverId, state);
    }
    return state;
  }

  private async pollServer(
    server: OpenHandsServer,
  ): Promise<{ changed: TrackedConversation[]; removed: ConversationKey[] }> {
    const state = this.state(server.id);
    const now = this.clock.now();
    if (now < state.nextAllowedAt) return { changed: [], removed: [] };
    try {
      const changed: TrackedConversation[] = [];
      const removed: ConversationKey[] = [];
      if (now - state.lastDiscovery >= this.discoverMs) {
        const found = await this.discover(server, state);
        changed.push(...found.changed);
        removed.push(...found.removed);
        state.lastDiscovery = now;
      }
      const result = await this.refreshDue(server, now);
      changed.push(...result.changed);
      removed.push(...result.removed);
      state.failures = 0;
      state.nextAllowedAt = 0;
      // A failing server is always read on its retry (see below), so "no error" here means it answered.
      this.onServerResult(server.id, null);
      return { changed, removed };
    } catch (error) {
      this.onServerResult(server.id, error);
      // The next attempt reads the newest page even when nothing is due, so it doubles as a probe.
      state.lastDiscovery = -Infinity;
      state.failures++;
      const silent = isApiError(error) && NO_ANSWER_KINDS.includes(error.kind);
      const cap = silent ? this.offlineMaxBackoffMs : this.maxBackoffMs;
      const backoff = Math.min(cap, this.fastMs * 2 ** state.failures);
      state.nextAllowedAt = this.clock.now() + backoff / 2 + (this.random() * backoff) / 2;
      const kind = isApiError(error) ? error.kind : 'error';
      if (state.failures <= 3 || state.failures % 10 === 0)
        this.logger.warn(
          `poller: server ${server.id} failed (${kind}), retrying in ${Math.round((state.nextAllowedAt - this.clock.now()) / 1000)} s`,
        );
      return { changed: [], removed: [] };
    }
  }

  /**
   * Reads the server's conversation list (all pages once, then the newest page) to find new ones. After the
   * first complete listing, cached conversations it did not contain are gone from the server.
   */
  private async discover(
    server: OpenHandsServer,
    state: ServerState,
  ): Promise<{ changed: TrackedConversation[]; removed: ConversationKey[] }> {
    const found: TrackedConversation[] = [];
    let pageId: string | undefined;
    const full = !state.discoveredAll;
    // Lists come newest-created first. After the first full listing, later ones page on until they reach a
    // conversation already known: however many were created elsewhere meanwhile, all of them are found.
    const pages = Math.ceil(this.maxDiscovered / 100);
    let complete = false;
    for (let i = 0; i < pages; i++) {
      const page = await server.listConversations({ limit: 100, ...(pageId ? { pageId } : {}) });
      found.push(...page.items.map(track));
      if (!page.nextPageId) {
        complete = true;
        break;
      }
      if (!full && page.items.some((c) => this.conversations.has(conversationKey(c)))) break;
      pageId = page.nextPageId;
    }
    state.discoveredAll = true;
    const now = this.clock.now();
    for (const c of found) {
      const key = conversationKey(c);
      this.lastPolled.set(key, now);
      this.unconfirmed.delete(key);
    }
    const removed: ConversationKey[] = [];
    if (full) {
      for (const key of [...this.unconfirmed]) {
        const c = this.conversations.get(key);
        if (!c || c.serverId !== server.id) continue;
        this.unconfirmed.delete(key);
        // A listing cut short by maxDiscovered proves nothing about the rest: those are checked one by one.
        if (!complete) continue;
        this.conversations.delete(key);
        this.lastPolled.delete(key);
        removed.push(key);
      }
    }
    return { changed: this.merge(found), removed };
  }

  private due(c: TrackedConversation, now: number, fast: boolean): boolean {
    const last = this.lastPolled.get(conversationKey(c)) ?? 0;
    return now - last >= (fast ? this.fastMs * 0.8 : this.slowMs);
  }

  private async refreshDue(
    server: OpenHandsServer,
    now: number,
  ): Promise<{ changed: TrackedConversation[]; removed: ConversationKey[] }> {
    const mine = [...this.conversations.values()].filter((c) => c.serverId === server.id);
    const isFast = (c: TrackedConversation): boolean =>
      isActive(c.status) || conversationKey(c) === this.onScreen;
    const changed: TrackedConversation[] = [];
    const removed: ConversationKey[] = [];

    // V1: one batch request per 99 ids; idle conversations fill the free slots when due.
    const v1 = mine.filter((c) => c.version === 'V1');
    const fast = v1.filter((c) => isFast(c) && this.due(c, now, true));
    const slow = v1
      .filter((c) => !isFast(c) && this.due(c, now, false))
      .sort(
        (a, b) =>
          (this.lastPolled.get(conversationKey(a)) ?? 0) - (this.lastPolled.get(conversationKey(b)) ?? 0),
      );
    const spare = (MAX_BATCH_IDS - (fast.length % MAX_BATCH_IDS)) % MAX_BATCH_IDS;
    // When the spare slots are not enough, one extra batch per tick: a backlog drains without a burst.
    const slowTaken = slow.slice(0, spare + (slow.length > spare ? MAX_BATCH_IDS : 0));
    const batch = [...fast, ...slowTaken];
    if (batch.length > 0) {
      const rows = await server.getConversations(batch.map((c) => c.id));
      rows.forEach((row, i) => {
        const before = batch[i]!;
        const key = conversationKey(before);
        this.lastPolled.set(key, now);
        // A malformed row says nothing about the conversation: keep what we knew and read it again later.
        if (row === undefined) return;
        if (!row) {
          this.conversations.delete(key);
          this.lastPolled.delete(key);
          removed.push(key);
          return;
        }
        changed.push(...this.merge([track(row)]));
      });
    }

    // V0: no batch route; each due conversation is read on its own (V0 servers run few at once).
    for (const c of mine.filter((x) => x.version === 'V0' && this.due(x, now, isFast(x)))) {
      const key = conversationKey(c);
      const row = await server.app.getLegacy(c.id);
      this.lastPolled.set(key, now);
      if (!row) {
        this.conversations.delete(key);
        this.lastPolled.delete(key);
        removed.push(key);
        continue;
      }
      changed.push(
        ...this.merge([
          track({
            ...c,
            title: row.title,
            updatedAt: row.last_updated_at ?? c.updatedAt,
            legacyStatus: row.status,
            runtimeStatus: row.runtime_status,
          }),
        ]),
      );
    }
    return { changed, removed };
  }

  /** Stores new versions; returns those that are new or differ from what was known. */
  private merge(next: TrackedConversation[]): TrackedConversation[] {
    const changed: TrackedConversation[] = [];
    for (const c of next) {
      const key = conversationKey(c);
      const before = this.conversations.get(key);
      this.conversations.set(key, c);
      if (!before || differs(before, c)) changed.push(c);
    }
    return changed;
  }

  private emit(changed: TrackedConversation[], removed: ConversationKey[]): void {
    const set: StatusChangeSet = { changed, removed, at: this.clock.now() };
    for (const listener of this.listeners) listener(set);
  }
}
