import type { ConversationRef } from '../../shared/conversations';
import { type ConversationKey, conversationKey } from '../../shared/live';
import type { EventSearch } from '../api/agent-server-client';
import type { AgentEvent } from '../api/schemas/agent-server';
import { ApiError } from '../api/errors';
import { t } from '../i18n';
import { consoleLogger, type Logger } from '../logger';
import { type EventCursor, type EventPageSource, EventStore, type OlderPage } from './event-store';

type EventPage = Awaited<ReturnType<EventPageSource>>;
import {
  type AgentResolver,
  ConversationStream,
  type ConversationStreamOptions,
  type EventsInfo,
  type StreamState,
  type StreamStateDetail,
  type StreamStatus,
} from './event-stream';

export interface StreamManagerOptions {
  /** How to reach a V1 conversation's agent server, e.g. `(ref) => (refresh, signal) => registry.get(ref.serverId).agent(ref.id, {refresh, signal})`. */
  resolverFor: (ref: ConversationRef) => AgentResolver;
  /**
   * Where a conversation's history comes from when its sandbox is not running (the app server's copy of the
   * events); `null` from it means the server has none, and the original error stands.
   */
  historyFor?: (ref: ConversationRef) => (search: EventSearch) => Promise<EventPage | null>;
  /** Running conversations streamed besides the one on screen (default 5). */
  maxBackground?: number;
  store?: EventStore;
  logger?: Logger;
  /** Passed to every stream (clock, random, backoff and keepalive timings …). */
  stream?: Omit<ConversationStreamOptions, 'conversationId' | 'resolve' | 'store' | 'storeKey' | 'logger'>;
}

interface Watched {
  ref: ConversationRef;
  stream: ConversationStream;
  /** Higher = more recent (focus, first seen running, or activity). */
  recency: number;
}

type Listener<A extends unknown[]> = (...args: A) => void;

/**
 * Which conversations have a live socket: the one on screen (`focus`) plus up to `maxBackground` running ones
 * (`watchRunning`), the least recently active closed first. V0 conversations have no agent socket and are ignored.
 * Streams share one bounded EventStore; callbacks carry the conversation key.
 */
export class StreamManager {
  readonly store: EventStore;
  readonly maxBackground: number;
  private readonly logger: Logger;
  private focused: Watched | undefined;
  private readonly background = new Map<ConversationKey, Watched>();
  /** Running conversations with no slot (over the cap), in the caller's order: they get the next free slot. */
  private waiting: ConversationRef[] = [];
  /** The last running set reported, so the one leaving the screen can stay streamed when it still runs. */
  private running = new Map<ConversationKey, ConversationRef>();
  private readonly versions = new Map<string, string>();
  private sequence = 0;
  private closed = false;
  private readonly statusListeners = new Set<Listener<[ConversationKey, StreamStatus]>>();
  private readonly eventListeners = new Set<Listener<[ConversationKey, AgentEvent[], EventsInfo]>>();
  private readonly stateListeners = new Set<Listener<[ConversationKey, StreamState, StreamStateDetail]>>();

  constructor(private readonly options: StreamManagerOptions) {
    this.store = options.store ?? new EventStore();
    this.maxBackground = Math.max(0, options.maxBackground ?? 5);
    this.logger = options.logger ?? consoleLogger;
  }

  onStatus(listener: Listener<[ConversationKey, StreamStatus]>): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  onEvents(listener: Listener<[ConversationKey, AgentEvent[], EventsInfo]>): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onState(listener: Listener<[ConversationKey, StreamState, StreamStateDetail]>): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** The key of the conversation on screen (V1 only), if any. */
  focusedKey(): ConversationKey | undefined {
    return this.focused ? conversationKey(this.focused.ref) : undefined;
  }

  /** The conversation on screen, or none. Re-focusing a stream that stopped for good starts it again. */
  focus(ref: ConversationRef | null): void {
    if (this.closed) return;
    const next = ref && ref.version === 'V1' ? ref : null;
    const key = next ? conversationKey(next) : undefined;
    const previous = this.focused;
    if (previous && key === conversationKey(previous.ref)) {
      if (previous.stream.state === 'stopped') {
        this.focused = this.open(previous.ref);
      }
      return;
    }
    this.focused = undefined;
    if (next && key) {
      const promoted = this.background.get(key);
      if (promoted && promoted.stream.state !== 'stopped') {
        this.background.delete(key);
        promoted.recency = ++this.sequence;
        this.focused = promoted;
      } else {
        if (promoted) this.shut(promoted);
        this.background.delete(key);
        this.focused = this.open(next);
      }
      this.waiting = this.waiting.filter((r) => conversationKey(r) !== key);
    }
    if (previous) {
      const previousKey = conversationKey(previous.ref);
      // Still running: it stays streamed in the background as the most recent one.
      if (this.running.has(previousKey) && previous.stream.state !== 'stopped' && this.maxBackground > 0) {
        previous.recency = ++this.sequence;
        this.background.set(previousKey, previous);
      } else this.shut(previous);
    }
    this.enforceCap();
    this.fill();
  }

  /**
   * The conversations running now (e.g. from each poller tick), most important first. Streams open for new
   * ones up to the cap; conversations no longer running lose theirs.
   */
  watchRunning(refs: readonly ConversationRef[]): void {
    if (this.closed) return;
    const focusedKey = this.focused ? conversationKey(this.focused.ref) : undefined;
    const wanted = new Map<ConversationKey, ConversationRef>();
    for (const ref of refs) if (ref.version === 'V1') wanted.set(conversationKey(ref), ref);
    this.running = wanted;

    for (const [key, watched] of this.background)
      if (!wanted.has(key)) {
        this.background.delete(key);
        this.shut(watched);
      }
    this.waiting = this.waiting.filter((r) => wanted.has(conversationKey(r)));
    const waitingKeys = new Set(this.waiting.map(conversationKey));

    // Newly running ones rank above every open stream, the first listed highest; the cap keeps the top ones.
    const fresh = [...wanted.values()].filter((ref) => {
      const key = conversationKey(ref);
      return key !== focusedKey && !this.background.has(key) && !waitingKeys.has(key);
    });
    const ranked: { ref: ConversationRef; recency: number; watched?: Watched }[] = [
      ...[...this.background.values()].map((w) => ({ ref: w.ref, recency: w.recency, watched: w })),
      ...fresh.map((ref, i) => ({ ref, recency: this.sequence + fresh.length - i })),
    ].sort((x, y) => y.recency - x.recency);
    this.sequence += fresh.length;
    ranked.forEach((candidate, index) => {
      const key = conversationKey(candidate.ref);
      if (index < this.maxBackground) {
        if (!candidate.watched) this.background.set(key, this.open(candidate.ref, candidate.recency));
        return;
      }
      if (candidate.watched) {
        this.background.delete(key);
        this.shut(candidate.watched);
      }
      this.waiting.push(candidate.ref);
    });
    this.fill();
  }

  /** After sleep or a network change: every stream makes a new socket now. */
  onResume(): void {
    for (const watched of this.all()) watched.stream.onResume();
  }

  /** The stream of a conversation, if it has one. */
  stream(ref: ConversationRef): ConversationStream | undefined {
    const key = conversationKey(ref);
    if (this.focused && conversationKey(this.focused.ref) === key) return this.focused.stream;
    return this.background.get(key)?.stream;
  }

  /** The socket state of a conversation's stream, by key (undefined when it has none). */
  streamState(key: ConversationKey): StreamState | undefined {
    if (this.focused && conversationKey(this.focused.ref) === key) return this.focused.stream.state;
    return this.background.get(key)?.stream.state;
  }

  /** Keys with a stream now: the focused one first. */
  streamedKeys(): ConversationKey[] {
    return this.all().map((w) => conversationKey(w.ref));
  }

  events(ref: ConversationRef): AgentEvent[] {
    return this.store.events(conversationKey(ref));
  }

  /** Scroll-back for any V1 conversation, streamed or not. */
  olderThan(ref: ConversationRef, cursor: EventCursor | null, limit: number): Promise<OlderPage> {
    if (ref.version !== 'V1')
      return Promise.reject(new ApiError('bad-request', t('mainErrors.pagingNeedsV1')));
    // A stream that stopped for good (closed, or the conversation is gone) has no agent to ask any more:
    // reading through it only says "closed". The direct path gets the server's own answer.
    const open = this.stream(ref);
    const streamed = open && open.state !== 'stopped' ? open : undefined;
    const resolve = this.options.resolverFor(ref);
    const fromAgent: EventPageSource = streamed
      ? (search) => streamed.searchEvents(search)
      : async (search) => {
          const agent = await resolve(false);
          try {
            return await agent.searchEvents(search);
          } catch (error) {
            if (!(error instanceof ApiError) || error.kind !== 'unauthorized') throw error;
            return (await resolve(true)).searchEvents(search);
          }
        };
    const history = this.options.historyFor?.(ref);
    // A paused sandbox has no agent server to ask: the app server keeps its own copy of the events.
    const source: EventPageSource = history
      ? async (search) => {
          try {
            return await fromAgent(search);
          } catch (error) {
            if (!(error instanceof ApiError) || error.kind !== 'sandbox-not-running') throw error;
            const page = await history(search);
            if (!page) throw error;
            return page;
          }
        }
      : fromAgent;
    return this.store.olderThan(conversationKey(ref), cursor, limit, source);
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = this.all();
    this.focused = undefined;
    this.background.clear();
    this.waiting = [];
    await Promise.all(all.map((w) => w.stream.close()));
  }

  private all(): Watched[] {
    return [...(this.focused ? [this.focused] : []), ...this.background.values()];
  }

  private open(ref: ConversationRef, recency = ++this.sequence): Watched {
    const key = conversationKey(ref);
    const stream = new ConversationStream({
      ...this.options.stream,
      versionCache: this.options.stream?.versionCache ?? this.versions,
      conversationId: ref.id,
      resolve: this.options.resolverFor(ref),
      store: this.store,
      storeKey: key,
      logger: this.logger,
    });
    const watched: Watched = { ref, stream, recency };
    stream.onStatus((status) => {
      watched.recency = ++this.sequence;
      for (const listener of [...this.statusListeners]) listener(key, status);
    });
    stream.onEvents((events, info) => {
      watched.recency = ++this.sequence;
      for (const listener of [...this.eventListeners]) listener(key, events, info);
    });
    stream.onState((state, detail) => {
      for (const listener of [...this.stateListeners]) listener(key, state, detail);
    });
    stream.start();
    return watched;
  }

  private shut(watched: Watched): void {
    void watched.stream.close();
  }

  /** Free slots go to waiting running conversations, in the caller's order. */
  private fill(): void {
    const order = [...this.running.keys()];
    this.waiting.sort((x, y) => order.indexOf(conversationKey(x)) - order.indexOf(conversationKey(y)));
    while (this.background.size < this.maxBackground && this.waiting.length > 0) {
      const ref = this.waiting.shift()!;
      this.background.set(conversationKey(ref), this.open(ref));
    }
  }

  /** Over the cap: the least recently active background streams close and wait for a free slot. */
  private enforceCap(): void {
    while (this.background.size > this.maxBackground) {
      let oldest: [ConversationKey, Watched] | undefined;
      for (const entry of this.background)
        if (!oldest || entry[1].recency < oldest[1].recency) oldest = entry;
      if (!oldest) return;
      const [key, watched] = oldest;
      this.background.delete(key);
      this.shut(watched);
      if (this.running.has(key)) this.waiting.push(watched.ref);
      this.logger.info(
        `live streams: closed ${key} (over the cap of ${this.maxBackground} background streams)`,
      );
    }
  }
}
