import type { EventSearch } from '../api/agent-server-client';
import type { AgentEvent } from '../api/schemas/agent-server';

/**
 * Kinds that are never part of a conversation's log (openhands-api.md §4.6): streaming deltas are sent live only,
 * and `ServerErrorEvent` answers one bad client frame.
 */
export const TRANSIENT_EVENT_KINDS: ReadonlySet<string> = new Set([
  'StreamingDeltaEvent',
  'ServerErrorEvent',
]);

/**
 * Whether an event belongs in the store. `full_state` snapshots are not either: the agent server does not keep them
 * in its log (§4.7), each socket gets a new one with a new id, and their status is read as it arrives.
 */
export function isStorableEvent(event: AgentEvent): boolean {
  if (TRANSIENT_EVENT_KINDS.has(event.kind)) return false;
  return !(event.kind === 'ConversationStateUpdateEvent' && event.key === 'full_state');
}

/** One page of the agent server's event search (`AgentServerClient.searchEvents`). */
export type EventPageSource = (
  search: EventSearch,
) => Promise<{ items: AgentEvent[]; next_page_id: string | null }>;

/** Where scroll-back continues from: the oldest event the caller holds (an event works as one). */
export interface EventCursor {
  id: string;
  timestamp: string;
}

export interface OlderPage {
  /** Oldest first, all strictly older than the cursor. */
  events: AgentEvent[];
  /** More events exist before `events[0]`. */
  hasEarlier: boolean;
}

export interface EventStoreOptions {
  /** Newest events kept per conversation (default 2000). */
  maxEventsPerConversation?: number;
  /** Conversations kept; the least recently used is dropped beyond this (default 10). */
  maxConversations?: number;
}

/** Agent-server search pages hold at most 100 events (§4.5). */
export const MAX_PAGE = 100;

interface Entry {
  /** Oldest first: by timestamp, then arrival. */
  events: AgentEvent[];
  ids: Set<string>;
  /**
   * The server may have events older than `events[0]`. While true, the window is "every event with
   * timestamp ≥ events[0].timestamp": a complete tail of the log, so a scroll-back query `timestamp < floor`
   * is its exact complement. Trimming never splits equal timestamps, and a page boundary is crossed with the
   * server's own cursor (`scroll`), so events sharing a timestamp are not lost at either edge.
   */
  hasEarlier: boolean;
  /** The server cursor of the last scroll-back, continued when the caller asks for what comes next. */
  scroll: { lt: string | undefined; nextPageId: string; lastId: string } | undefined;
}

/**
 * Per-conversation events in main: ordered, deduplicated by id, and bounded — the newest N per conversation
 * and at most M conversations (LRU by last access). Older events are paged from the agent server on demand
 * (`olderThan`) and kept only while there is room.
 */
export class EventStore {
  readonly maxEventsPerConversation: number;
  readonly maxConversations: number;
  /** Map order is the LRU order: first = least recently used. */
  private readonly entries = new Map<string, Entry>();
  /** Keys with an open stream (a count per key): never dropped by the LRU, so a stream never sees its past vanish. */
  private readonly pins = new Map<string, number>();

  constructor(options: EventStoreOptions = {}) {
    this.maxEventsPerConversation = Math.max(1, options.maxEventsPerConversation ?? 2000);
    this.maxConversations = Math.max(1, options.maxConversations ?? 10);
  }

  /** A copy of the stored events, oldest first. */
  events(key: string): AgentEvent[] {
    return [...(this.touch(key, false)?.events ?? [])];
  }

  newest(key: string): AgentEvent | undefined {
    return this.touch(key, false)?.events.at(-1);
  }

  oldest(key: string): AgentEvent | undefined {
    return this.touch(key, false)?.events[0];
  }

  size(key: string): number {
    return this.entries.get(key)?.events.length ?? 0;
  }

  has(key: string, id: string): boolean {
    return this.entries.get(key)?.ids.has(id) ?? false;
  }

  /** Whether the server may hold events older than the stored ones (true when nothing is known yet). */
  hasEarlier(key: string): boolean {
    return this.entries.get(key)?.hasEarlier ?? true;
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  drop(key: string): void {
    this.entries.delete(key);
  }

  /** Keeps `key` out of LRU eviction until the returned function is called. */
  pin(key: string): () => void {
    this.pins.set(key, (this.pins.get(key) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.pins.get(key) ?? 1) - 1;
      if (left > 0) this.pins.set(key, left);
      else this.pins.delete(key);
      this.evict(key);
    };
  }

  /**
   * Adds events from any source (socket, REST); returns those that were new, oldest first. Duplicates (by id),
   * transient kinds and events older than a window that does not reach back to the beginning are left out.
   */
  add(key: string, events: readonly AgentEvent[]): AgentEvent[] {
    const entry = this.touch(key, true);
    const added: AgentEvent[] = [];
    // Below a partial window an event would leave a gap (scroll-back fetches it in order); an empty one has no floor.
    const floor = entry.hasEarlier ? entry.events[0]?.timestamp : undefined;
    for (const event of sortByTime([...events])) {
      if (!isStorableEvent(event) || entry.ids.has(event.id)) continue;
      if (floor !== undefined && event.timestamp < floor) continue;
      insertSorted(entry.events, event);
      entry.ids.add(event.id);
      added.push(event);
    }
    this.trim(entry);
    // All of them, including any the cap pushed out at once: they are new to whoever listens.
    return added;
  }

  /**
   * The newest page of the log (any order) and the search's `next_page_id` (null: nothing older): what a first
   * connection loads instead of a full replay. Returns the new events, oldest first.
   */
  loadLatest(key: string, page: readonly AgentEvent[], nextPageId: string | null): AgentEvent[] {
    const entry = this.touch(key, true);
    if (entry.events.length > 0) return this.add(key, page);
    const added: AgentEvent[] = [];
    for (const event of sortByTime(page.filter(isStorableEvent))) {
      if (entry.ids.has(event.id)) continue;
      entry.events.push(event);
      entry.ids.add(event.id);
      added.push(event);
    }
    entry.hasEarlier = nextPageId !== null;
    const oldest = added[0];
    // Scroll-back from here continues the same (unfiltered, newest-first) search with its cursor.
    entry.scroll =
      nextPageId !== null && oldest ? { lt: undefined, nextPageId, lastId: oldest.id } : undefined;
    this.trim(entry);
    return added;
  }

  /**
   * Loads a conversation's events from the local cache into an empty entry (a filled one keeps what it has:
   * it is newer). `hasEarlier` says whether the cached window is a tail of the log or all of it. The stream's
   * reconciliation then asks the server only for what is newer than the newest of them.
   */
  seed(key: string, events: readonly AgentEvent[], hasEarlier: boolean): AgentEvent[] {
    const entry = this.touch(key, true);
    if (entry.events.length > 0) return [];
    const added: AgentEvent[] = [];
    for (const event of sortByTime(events.filter(isStorableEvent))) {
      if (entry.ids.has(event.id)) continue;
      entry.events.push(event);
      entry.ids.add(event.id);
      added.push(event);
    }
    entry.hasEarlier = hasEarlier;
    entry.scroll = undefined;
    this.trim(entry);
    return added;
  }

  /** The stored events and whether older ones exist, without counting as a use (for the cache writer). */
  snapshot(key: string): { events: AgentEvent[]; hasEarlier: boolean } | undefined {
    const entry = this.entries.get(key);
    return entry ? { events: [...entry.events], hasEarlier: entry.hasEarlier } : undefined;
  }

  /** Forgets what is stored and starts again from the newest page (after a gap too large to fill). */
  replace(key: string, page: readonly AgentEvent[], nextPageId: string | null): AgentEvent[] {
    this.entries.delete(key);
    return this.loadLatest(key, page, nextPageId);
  }

  /**
   * Up to `limit` (≤ 100) events strictly older than `cursor` (the newest ones when `cursor` is null), oldest
   * first. Served from memory where possible; the rest comes from the server, newest first with
   * `timestamp__lt`, continuing with its inclusive `page_id` cursor when the caller pages on from the previous
   * answer. Pages that extend the stored window are kept while there is room.
   */
  async olderThan(
    key: string,
    cursor: EventCursor | null,
    limit: number,
    source: EventPageSource,
  ): Promise<OlderPage> {
    const want = Math.max(1, Math.min(MAX_PAGE, Math.floor(limit)));
    const entry = this.touch(key, true);
    const stored = entry.events;
    let end = stored.length;
    let cursorInWindow = cursor === null;
    if (cursor) {
      const at = stored.findIndex((e) => e.id === cursor.id);
      cursorInWindow = at >= 0;
      end = at >= 0 ? at : lowerBound(stored, cursor.timestamp);
    }
    const fromMemory = stored.slice(Math.max(0, end - want), end);
    const start = end - fromMemory.length;
    if (fromMemory.length === want) return { events: fromMemory, hasEarlier: start > 0 || entry.hasEarlier };
    // The window reaches the first event of the log and the cursor lies inside it: nothing older exists.
    if (!entry.hasEarlier && (cursorInWindow || start === 0))
      return { events: fromMemory, hasEarlier: false };

    const boundary: EventCursor | null = fromMemory[0] ?? cursor;
    const need = want - fromMemory.length;
    const scroll = entry.scroll;
    const continuing = boundary !== null && scroll !== undefined && scroll.lastId === boundary.id;
    const lt = continuing ? scroll.lt : boundary?.timestamp;
    const page = await source({
      sortOrder: 'TIMESTAMP_DESC',
      limit: need,
      ...(lt !== undefined ? { timestampLt: lt } : {}),
      ...(continuing ? { pageId: scroll.nextPageId } : {}),
    });
    const live = this.entries.get(key) ?? this.touch(key, true); // dropped meanwhile: start afresh
    const seen = new Set<string>();
    const older: AgentEvent[] = [];
    for (const event of page.items) {
      if (!isStorableEvent(event) || live.ids.has(event.id) || seen.has(event.id)) continue;
      seen.add(event.id);
      older.unshift(event);
    }
    const more = page.next_page_id !== null;
    const oldestOlder = older[0];
    live.scroll =
      page.next_page_id !== null && oldestOlder
        ? { lt, nextPageId: page.next_page_id, lastId: oldestOlder.id }
        : undefined;

    // Extends the stored window only when contiguous with it and while there is room.
    const contiguous = live === entry && start === 0 && (cursorInWindow || stored.length === 0);
    if (contiguous && live.events.length + older.length <= this.maxEventsPerConversation) {
      live.events.unshift(...older);
      for (const e of older) live.ids.add(e.id);
      live.hasEarlier = more;
    }
    return { events: [...older, ...fromMemory], hasEarlier: more };
  }

  /** The entry for `key`, now the most recently used; created on demand when `create`. */
  private touch(key: string, create: true): Entry;
  private touch(key: string, create: boolean): Entry | undefined;
  private touch(key: string, create: boolean): Entry | undefined {
    let entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry;
    }
    if (!create) return undefined;
    entry = { events: [], ids: new Set(), hasEarlier: true, scroll: undefined };
    this.entries.set(key, entry);
    this.evict(key);
    return entry;
  }

  /** Drops least recently used conversations beyond the cap, never a pinned one nor `keep`. */
  private evict(keep: string): void {
    for (const old of [...this.entries.keys()]) {
      if (this.entries.size <= this.maxConversations) return;
      if (old !== keep && !this.pins.has(old)) this.entries.delete(old);
    }
  }

  /** Keeps the newest N; a run of equal timestamps is never split, so the window stays a complete tail. */
  private trim(entry: Entry): void {
    const excess = entry.events.length - this.maxEventsPerConversation;
    if (excess <= 0) return;
    let cut = excess;
    const last = entry.events[cut - 1];
    while (last && cut < entry.events.length - 1 && entry.events[cut]?.timestamp === last.timestamp) cut++;
    for (const removed of entry.events.splice(0, cut)) entry.ids.delete(removed.id);
    entry.hasEarlier = true;
  }
}

function sortByTime(events: AgentEvent[]): AgentEvent[] {
  return events
    .map((event, index) => ({ event, index }))
    .sort((a, b) => compareTime(a.event.timestamp, b.event.timestamp) || a.index - b.index)
    .map((x) => x.event);
}

/**
 * Timestamps are naive ISO strings from the server (§4.2) and compare as strings, as the server's own filters
 * do. Python omits the fraction when it is zero ("…:34" sorts before "…:34.000001", as it should).
 */
function compareTime(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** After every event with timestamp ≤ event's (arrival order among equals). Appends in O(1) in the usual case. */
function insertSorted(events: AgentEvent[], event: AgentEvent): void {
  const last = events.at(-1);
  if (!last || last.timestamp <= event.timestamp) {
    events.push(event);
    return;
  }
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (events[mid]!.timestamp <= event.timestamp) lo = mid + 1;
    else hi = mid;
  }
  events.splice(lo, 0, event);
}

/** Index of the first event with timestamp ≥ `timestamp`. */
function lowerBound(events: AgentEvent[], timestamp: string): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (events[mid]!.timestamp < timestamp) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
