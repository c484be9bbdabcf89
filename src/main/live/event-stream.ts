import { WebSocket } from 'ws';
import { z } from 'zod';
import type { ApiErrorInfo } from '../../shared/api-errors';
import { EXECUTION_STATUSES, type ExecutionStatus, type Unknown } from '../../shared/openhands-enums';
import type { AgentServerClient, EventSearch } from '../api/agent-server-client';
import { ApiError } from '../api/errors';
import { v1Id } from '../api/ids';
import { type AgentEvent, agentEventSchema } from '../api/schemas/agent-server';
import { lenientEnum } from '../api/schemas/lenient';
import { type Clock, systemClock } from '../clock';
import { t } from '../i18n';
import { consoleLogger, type Logger } from '../logger';
import { isVersion, versionAtLeast } from '../api/agent-versions';
import { agentFor } from '../network/environment';
import {
  type EventCursor,
  type EventPageSource,
  EventStore,
  isStorableEvent,
  MAX_PAGE,
  type OlderPage,
} from './event-store';

// A live event socket for one V1 conversation (openhands-api.md §4.8): auth by header, the first
// ConversationStateUpdateEvent as "ready", REST reconciliation after every (re)connect, dedupe by id,
// client-side keepalive, capped exponential backoff with jitter.

/** The agent server of the conversation; `refresh` asks the app server again (new key or URL). */
export type AgentResolver = (refresh: boolean, signal?: AbortSignal) => Promise<AgentServerClient>;

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'stopped' | 'sandbox-not-running';

export type StreamStatus = ExecutionStatus | Unknown;

/** Why a stream stopped for good. */
export type StopReason = 'closed' | 'conversation-gone' | 'unauthorized';

export interface StreamStateDetail {
  /** Connection attempts since the stream was last live (1-based); 0 once live. */
  attempt: number;
  /** Set while waiting before the next attempt. */
  retryInMs?: number;
  /** What happened, for logs and tooltips (never a key). */
  reason?: string;
  closeCode?: number;
  stopReason?: StopReason;
  error?: ApiErrorInfo;
}

export interface EventsInfo {
  /** The store started again from the newest page (the gap since the last connection was too large to fill). */
  reset: boolean;
}

export interface ConversationStreamOptions {
  /** A V1 conversation id (hex or dashed). */
  conversationId: string;
  resolve: AgentResolver;
  /** Shared with other streams (the manager's); a private one by default. */
  store?: EventStore;
  /** This conversation's key in the store (default: the hex id). */
  storeKey?: string;
  clock?: Clock;
  /** 0..1, for jitter. */
  random?: () => number;
  logger?: Logger;
  /** First reconnect delay (default 1 s); doubles per failure up to `maxBackoffMs` (default 30 s). */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Each delay is scaled by 1 − jitter·random (default 0.5: between half and all of it). */
  jitter?: number;
  /** A connection live this long resets the backoff (default 10 s), so a flapping socket cannot loop fast. */
  stableAfterMs?: number;
  /** While the sandbox is not running: how often to look again (default 30 s). */
  sandboxRetryMs?: number;
  /** Client pings (default 20 s): the server sends no keepalive (§9.26). */
  pingIntervalMs?: number;
  /** No frame or pong for this long means the connection is dead (default 45 s). */
  silenceTimeoutMs?: number;
  /** Handshake deadline (default 15 s). */
  connectTimeoutMs?: number;
  /** Events loaded on a first connection (the newest page; default 100, at most 100). */
  historyLimit?: number;
  /** Largest gap filled page by page after a reconnect; beyond it the store restarts from the newest page. */
  maxReconcilePages?: number;
  /** Agent-server versions by origin, shared between streams (only read after a refused handshake). */
  versionCache?: Map<string, string>;
  /**
   * The server's first frame (a full state) can be dropped when sending it is slow (agent server ≥ 1.22,
   * §4.8): if none came this long after opening (default 1.5 s), the status and events are read over REST.
   */
  initialStateTimeoutMs?: number;
}

type SessionEnd =
  | { kind: 'refused'; status: number }
  | { kind: 'unreachable'; reason: string }
  | { kind: 'closed'; code: number; reason: string }
  | { kind: 'silent' }
  | { kind: 'resume' }
  | { kind: 'reconcile-failed'; error: ApiError }
  | { kind: 'stopped' };

interface Session {
  ws: WebSocket;
  agent: AgentServerClient;
  control: AbortController;
  opened: boolean;
  ready: boolean;
  /** A state frame came on this socket (then REST status copies are older than what we have). */
  stateSeen: boolean;
  live: boolean;
  liveSince: number | undefined;
  lastSeen: number;
  /** Socket events that arrived while the REST reconciliation ran. */
  buffer: AgentEvent[];
  end: (end: SessionEnd) => void;
}

const MAX_FRAME_BYTES = 16 * 1024 * 1024;
const stateValue = lenientEnum('execution_status', EXECUTION_STATUSES);
const stateUpdateSchema = z.looseObject({
  kind: z.literal('ConversationStateUpdateEvent'),
  key: z.string(),
  value: z.unknown(),
});
const fullStateSchema = z.looseObject({ execution_status: z.string().optional() });

/**
 * How the socket is given the session key (openhands-api.md §4.8): a first frame `{"type":"auth", …}` from
 * 1.18.1 (the key never appears in a URL or a header a proxy might log), the header from 1.12, the query
 * before that. Today's servers get the first frame; an older one is found by a refused handshake.
 */
const FRAME_AUTH_SINCE = '1.18.1';
const HEADER_AUTH_SINCE = '1.12.0';
type SocketAuth = 'frame' | 'header' | 'query';

class Listeners<A extends unknown[]> {
  private readonly set = new Set<(...args: A) => void>();
  constructor(private readonly logger: Logger) {}
  add(listener: (...args: A) => void): () => void {
    this.set.add(listener);
    return () => this.set.delete(listener);
  }
  emit(...args: A): void {
    for (const listener of [...this.set]) {
      try {
        listener(...args);
      } catch (error) {
        this.logger.error(
          `stream listener failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
  }
}

/**
 * The live event stream of one V1 conversation. `start()` connects and keeps it connected until `close()` or a
 * reason to stop for good (conversation gone, key refused again after a refresh).
 */
export class ConversationStream {
  readonly conversationId: string;
  readonly key: string;
  readonly store: EventStore;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly logger: Logger;
  private readonly options: Required<
    Pick<
      ConversationStreamOptions,
      | 'initialBackoffMs'
      | 'maxBackoffMs'
      | 'jitter'
      | 'stableAfterMs'
      | 'sandboxRetryMs'
      | 'pingIntervalMs'
      | 'silenceTimeoutMs'
      | 'connectTimeoutMs'
      | 'historyLimit'
      | 'maxReconcilePages'
      | 'initialStateTimeoutMs'
    >
  >;
  private readonly versions: Map<string, string>;
  /** Origins found to predate first-frame auth, and how their sockets take the key instead. */
  private readonly olderAuth = new Map<string, Exclude<SocketAuth, 'frame'>>();
  private readonly statusListeners: Listeners<[StreamStatus]>;
  private readonly eventListeners: Listeners<[AgentEvent[], EventsInfo]>;
  private readonly stateListeners: Listeners<[StreamState, StreamStateDetail]>;
  private readonly transientListeners: Listeners<[AgentEvent]>;

  private currentState: StreamState = 'connecting';
  private currentStatus: StreamStatus | undefined;
  private agent: AgentServerClient | undefined;
  private session: Session | undefined;
  private loopDone: Promise<void> | undefined;
  private stopped = false;
  private readonly stopControl = new AbortController();
  private waitControl: AbortController | undefined;
  private failures = 0;
  private attempt = 0;
  private everLive = false;
  private resumed = false;
  /** A refused key was fetched again; refused once more means stop. Cleared once a socket is ready. */
  private authRefreshed = false;
  private connections = 0;
  private unpin: (() => void) | undefined;

  constructor(private readonly init: ConversationStreamOptions) {
    this.conversationId = v1Id(init.conversationId);
    this.key = init.storeKey ?? this.conversationId;
    this.store = init.store ?? new EventStore();
    this.clock = init.clock ?? systemClock;
    this.random = init.random ?? Math.random;
    this.logger = init.logger ?? consoleLogger;
    this.versions = init.versionCache ?? new Map<string, string>();
    this.options = {
      initialBackoffMs: init.initialBackoffMs ?? 1000,
      maxBackoffMs: init.maxBackoffMs ?? 30_000,
      jitter: Math.min(1, Math.max(0, init.jitter ?? 0.5)),
      stableAfterMs: init.stableAfterMs ?? 10_000,
      sandboxRetryMs: init.sandboxRetryMs ?? 30_000,
      pingIntervalMs: init.pingIntervalMs ?? 20_000,
      silenceTimeoutMs: init.silenceTimeoutMs ?? 45_000,
      connectTimeoutMs: init.connectTimeoutMs ?? 15_000,
      historyLimit: Math.max(1, Math.min(MAX_PAGE, init.historyLimit ?? MAX_PAGE)),
      maxReconcilePages:
        init.maxReconcilePages ?? Math.ceil(this.store.maxEventsPerConversation / MAX_PAGE) + 1,
      initialStateTimeoutMs: init.initialStateTimeoutMs ?? 1500,
    };
    this.statusListeners = new Listeners(this.logger);
    this.eventListeners = new Listeners(this.logger);
    this.stateListeners = new Listeners(this.logger);
    this.transientListeners = new Listeners(this.logger);
  }

  /** The conversation's execution status as last received (undefined before the first state frame). */
  get status(): StreamStatus | undefined {
    return this.currentStatus;
  }

  get state(): StreamState {
    return this.currentState;
  }

  /** Sockets opened so far (diagnostics). */
  get connectionCount(): number {
    return this.connections;
  }

  onStatus(listener: (status: StreamStatus) => void): () => void {
    return this.statusListeners.add(listener);
  }

  /** New events, oldest first, each delivered once. */
  onEvents(listener: (events: AgentEvent[], info: EventsInfo) => void): () => void {
    return this.eventListeners.add(listener);
  }

  onState(listener: (state: StreamState, detail: StreamStateDetail) => void): () => void {
    return this.stateListeners.add(listener);
  }

  /** Live-only frames that are not stored (`StreamingDeltaEvent`, `ServerErrorEvent`). */
  onTransient(listener: (event: AgentEvent) => void): () => void {
    return this.transientListeners.add(listener);
  }

  /** The stored events, oldest first. */
  events(): AgentEvent[] {
    return this.store.events(this.key);
  }

  /** Scroll-back: events older than `cursor`, from memory or paged from the agent server. */
  olderThan(cursor: EventCursor | null, limit: number): Promise<OlderPage> {
    return this.store.olderThan(this.key, cursor, limit, (search) => this.searchEvents(search));
  }

  /** One page of the agent server's event search (the session key refetched once on a 401). */
  searchEvents(search: EventSearch): ReturnType<EventPageSource> {
    return this.withAgent((agent) => agent.searchEvents(search, this.stopControl.signal));
  }

  start(): this {
    if (!this.loopDone) this.unpin = this.store.pin(this.key);
    this.loopDone ??= this.loop().catch((error: unknown) => {
      this.logger.error(
        `${this.name}: stream failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      this.finish('closed', 'internal error');
    });
    return this;
  }

  /**
   * After sleep or a network change: the socket may look open while its TCP connection is long dead, so a
   * new one is made now (and any wait before the next attempt is cut short).
   */
  onResume(): void {
    if (this.stopped) return;
    this.logger.info(`${this.name}: resumed; reconnecting`);
    this.resumed = true;
    this.session?.end({ kind: 'resume' });
    this.waitControl?.abort();
  }

  /** Stops for good: closes the socket and leaves no timers behind. */
  async close(): Promise<void> {
    this.finish('closed', 'closed by the app');
    await this.loopDone;
  }

  // ---- the connection loop ----

  private get name(): string {
    return `stream ${this.conversationId.slice(0, 8)}`;
  }

  private async loop(): Promise<void> {
    let refresh = false;
    while (!this.stopped) {
      if (this.resumed) {
        this.resumed = false;
        this.failures = 0;
      }
      this.attempt++;
      if (this.currentState !== 'sandbox-not-running')
        this.setState(this.everLive || this.attempt > 1 ? 'reconnecting' : 'connecting', {
          attempt: this.attempt,
        });

      let agent: AgentServerClient;
      try {
        agent = await this.resolveAgent(refresh);
      } catch (error) {
        if (this.stopped) return;
        const apiError = asApiError(error);
        if (apiError.kind === 'sandbox-not-running') {
          if (this.currentState !== 'sandbox-not-running')
            this.logger.info(
              `${this.name}: sandbox not running; looking again every ${this.seconds(this.options.sandboxRetryMs)}`,
            );
          this.setState('sandbox-not-running', {
            attempt: this.attempt,
            retryInMs: this.options.sandboxRetryMs,
            reason: apiError.message,
            error: apiError.toInfo(),
          });
          refresh = true;
          await this.wait(this.options.sandboxRetryMs);
          continue;
        }
        if (apiError.kind === 'not-found') {
          this.finish('conversation-gone', apiError.message);
          return;
        }
        refresh = true;
        await this.backoff(`the agent server could not be looked up: ${apiError.message}`, apiError);
        continue;
      }
      refresh = false;

      const { end, ready } = await this.connect(agent);
      if (this.stopped || end.kind === 'stopped') return;
      if (end.kind === 'resume') continue;

      if (end.kind === 'refused' || (end.kind === 'closed' && end.code === 4001)) {
        const status = end.kind === 'refused' ? end.status : 4001;
        if (status === 401 || status === 403 || status === 4001) {
          if (status === 403 && (await this.switchToOlderAuth(agent))) continue;
          if (this.authRefreshed) {
            this.finish('unauthorized', `the agent server refused the session key again (${status})`);
            return;
          }
          this.authRefreshed = true;
          refresh = true;
          this.logger.info(`${this.name}: socket refused (${status}); fetching the session key again`);
          continue;
        }
        refresh = true;
        await this.backoff(`the agent server refused the socket (HTTP ${status})`);
        continue;
      }
      if (end.kind === 'closed' && end.code === 4004) {
        this.finish('conversation-gone', 'the agent server no longer has this conversation (4004)');
        return;
      }
      switch (end.kind) {
        case 'closed':
          // Closed before it was ready: the URL or key may be stale.
          refresh = !ready;
          await this.backoff(
            end.code === 1013
              ? 'the agent server has too many connections for this conversation (1013)'
              : `the socket closed (${end.code}${end.reason ? ` ${end.reason}` : ''})`,
            undefined,
            end.code,
          );
          break;
        case 'unreachable':
          refresh = true;
          await this.backoff(`the agent server could not be reached: ${end.reason}`);
          break;
        case 'silent':
          await this.backoff(`nothing heard for ${this.seconds(this.options.silenceTimeoutMs)}`);
          break;
        case 'reconcile-failed':
          refresh = end.error.kind === 'unauthorized' || end.error.kind === 'offline';
          await this.backoff(`missed events could not be fetched: ${end.error.message}`, end.error);
          break;
      }
    }
  }

  private async resolveAgent(refresh: boolean): Promise<AgentServerClient> {
    const agent = await raceAbort(
      this.init.resolve(refresh, this.stopControl.signal),
      this.stopControl.signal,
    );
    this.agent = agent;
    return agent;
  }

  /** Runs `fn` on the agent, fetching the session key again once on 401. */
  private async withAgent<T>(fn: (agent: AgentServerClient) => Promise<T>): Promise<T> {
    const agent = this.agent ?? (await this.resolveAgent(false));
    try {
      return await fn(agent);
    } catch (error) {
      if (!(error instanceof ApiError) || error.kind !== 'unauthorized') throw error;
      return fn(await this.resolveAgent(true));
    }
  }

  /**
   * A refused handshake from a server older than first-frame auth (1.18.1): the header from now on for that
   * origin, or the query before 1.12. False when the version does not explain the refusal (a wrong key).
   */
  private async switchToOlderAuth(agent: AgentServerClient): Promise<boolean> {
    const origin = agent.agentBase;
    if (this.olderAuth.get(origin) === 'query') return false;
    let version = this.versions.get(origin);
    if (version === undefined) {
      version = await raceAbort(agent.serverVersion(this.stopControl.signal), this.stopControl.signal).catch(
        () => undefined,
      );
      if (version !== undefined) this.versions.set(origin, version);
    }
    if (version === undefined || !isVersion(version) || versionAtLeast(version, FRAME_AUTH_SINCE))
      return false;
    const auth = versionAtLeast(version, HEADER_AUTH_SINCE) ? 'header' : 'query';
    if (this.olderAuth.get(origin) === auth) return false;
    this.logger.info(
      `${this.name}: agent server ${version} predates first-frame socket auth; using the ${auth}`,
    );
    this.olderAuth.set(origin, auth);
    return true;
  }

  private delayFor(failures: number): number {
    const { initialBackoffMs, maxBackoffMs, jitter } = this.options;
    const base = Math.min(maxBackoffMs, initialBackoffMs * 2 ** Math.max(0, failures - 1));
    return Math.round(base * (1 - jitter * this.random()));
  }

  private async backoff(reason: string, error?: ApiError, closeCode?: number): Promise<void> {
    this.failures++;
    const delay = this.delayFor(this.failures);
    this.logger.info(`${this.name}: ${reason}; retrying in ${this.seconds(delay)}`);
    this.setState(this.everLive || this.attempt > 0 ? 'reconnecting' : 'connecting', {
      attempt: this.attempt,
      retryInMs: delay,
      reason,
      ...(closeCode !== undefined ? { closeCode } : {}),
      ...(error ? { error: error.toInfo() } : {}),
    });
    await this.wait(delay);
  }

  /** Sleeps on the injected clock; `onResume` and `close` cut it short. */
  private async wait(ms: number): Promise<void> {
    if (this.resumed || this.stopped) return;
    const control = new AbortController();
    this.waitControl = control;
    try {
      await this.clock.sleep(ms, control.signal);
    } catch {
      // cut short: the loop looks at why
    } finally {
      if (this.waitControl === control) this.waitControl = undefined;
    }
  }

  private finish(reason: StopReason, detail: string): void {
    if (this.stopped) return;
    this.stopped = true;
    if (reason !== 'closed') this.logger.warn(`${this.name}: stopped: ${detail}`);
    this.session?.end({ kind: 'stopped' });
    this.stopControl.abort(new ApiError('aborted', t('mainErrors.streamClosed')));
    this.waitControl?.abort();
    this.setState('stopped', { attempt: this.attempt, reason: detail, stopReason: reason }, true);
    this.unpin?.();
  }

  private setState(state: StreamState, detail: StreamStateDetail, final = false): void {
    if (this.stopped && !final) return;
    this.currentState = state;
    this.stateListeners.emit(state, detail);
  }

  private setStatus(status: StreamStatus): void {
    if (this.stopped || status === this.currentStatus) return;
    this.currentStatus = status;
    this.statusListeners.emit(status);
  }

  private emitEvents(events: AgentEvent[], info: EventsInfo = { reset: false }): void {
    if (this.stopped || (events.length === 0 && !info.reset)) return;
    this.eventListeners.emit(events, info);
  }

  private seconds(ms: number): string {
    return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  }

  // ---- one socket ----

  private async connect(agent: AgentServerClient): Promise<{ end: SessionEnd; ready: boolean }> {
    const origin = agent.agentBase;
    const url = eventSocketUrl(agent.target.conversationUrl, this.conversationId);
    const auth: SocketAuth = this.olderAuth.get(origin) ?? 'frame';
    const key = agent.target.sessionApiKey;
    // Never logged, whichever way it goes.
    const target = auth === 'query' ? `${url}?session_api_key=${encodeURIComponent(key)}` : url;
    let ws: WebSocket;
    // Through the proxy the environment or the system names (network/environment.ts); a failed lookup: direct.
    const proxy = await agentFor(target).catch(() => undefined);
    try {
      ws = new WebSocket(target, {
        ...(proxy ? { agent: proxy } : {}),
        headers: auth === 'header' && key ? { 'X-Session-API-Key': key } : {},
        maxPayload: MAX_FRAME_BYTES,
        followRedirects: false,
        perMessageDeflate: false,
      });
    } catch (error) {
      const reason = error instanceof Error ? withoutKey(error.message) : 'invalid URL';
      return { end: { kind: 'unreachable', reason }, ready: false };
    }
    this.connections++;

    let session: Session | undefined;
    const end = await new Promise<SessionEnd>((settle) => {
      const control = new AbortController();
      let done = false;
      let lastError: string | undefined;
      const current: Session = (session = {
        ws,
        agent,
        control,
        opened: false,
        ready: false,
        stateSeen: false,
        live: false,
        liveSince: undefined,
        lastSeen: this.clock.now(),
        buffer: [],
        end: (end) => {
          if (done) return;
          done = true;
          control.abort();
          if (this.session === current) this.session = undefined;
          if (
            current.liveSince !== undefined &&
            this.clock.now() - current.liveSince >= this.options.stableAfterMs
          )
            this.failures = 0;
          // terminate(), not close(): after sleep the peer may be gone, and a close handshake would wait for it.
          if (ws.readyState !== WebSocket.CLOSED) ws.terminate();
          settle(end);
        },
      });
      this.session = current;

      ws.on('unexpected-response', (_req, res) => {
        res.resume();
        current.end({ kind: 'refused', status: res.statusCode ?? 0 });
      });
      ws.on('open', () => {
        current.opened = true;
        current.lastSeen = this.clock.now();
        if (auth === 'frame' && key) ws.send(JSON.stringify({ type: 'auth', session_api_key: key }));
        void this.keepAlive(current);
        void this.awaitInitialState(current);
      });
      ws.on('message', (data, isBinary) => {
        current.lastSeen = this.clock.now();
        if (!done) this.onFrame(current, data, isBinary);
      });
      ws.on('pong', () => {
        current.lastSeen = this.clock.now();
      });
      ws.on('error', (error) => {
        lastError = withoutKey(error.message);
      });
      ws.on('close', (code, reason) => {
        current.end(
          current.opened
            ? { kind: 'closed', code, reason: reason.toString('utf8').slice(0, 120) }
            : { kind: 'unreachable', reason: lastError ?? `closed before opening (${code})` },
        );
      });
      this.clock.sleep(this.options.connectTimeoutMs, control.signal).then(
        () => {
          if (!current.opened) current.end({ kind: 'unreachable', reason: 'the handshake timed out' });
        },
        () => undefined,
      );
    });
    return { end, ready: session?.ready ?? false };
  }

  /**
   * No state frame soon after opening (the server dropped its initial push, or sends none): the socket is
   * treated as ready, and the status and missed events are read over REST instead of waiting for one.
   */
  private async awaitInitialState(session: Session): Promise<void> {
    try {
      await this.clock.sleep(this.options.initialStateTimeoutMs, session.control.signal);
    } catch {
      return;
    }
    if (session.ready || session.control.signal.aborted) return;
    this.logger.info(`${this.name}: no initial state from the agent server; reading it over REST`);
    session.ready = true;
    void this.reconcile(session);
    try {
      const info = await session.agent.info(session.control.signal);
      // A state frame that arrived meanwhile is newer than this REST copy.
      if (session.control.signal.aborted || session.stateSeen) return;
      this.setStatus(info.execution_status);
    } catch {
      // the reconcile reports a failing agent server; the status arrives with the next state frame
    }
  }

  /** Client pings every `pingIntervalMs`; silence for `silenceTimeoutMs` ends the session. */
  private async keepAlive(session: Session): Promise<void> {
    const { pingIntervalMs, silenceTimeoutMs } = this.options;
    let lastPing = this.clock.now();
    while (!session.control.signal.aborted) {
      const now = this.clock.now();
      if (now - session.lastSeen >= silenceTimeoutMs) {
        this.logger.info(`${this.name}: no frame or pong for ${this.seconds(now - session.lastSeen)}`);
        session.end({ kind: 'silent' });
        return;
      }
      if (now - lastPing >= pingIntervalMs) {
        lastPing = now;
        try {
          session.ws.ping();
        } catch {
          // not open any more: the close handler ends the session
        }
      }
      const next = Math.min(lastPing + pingIntervalMs, session.lastSeen + silenceTimeoutMs) - now;
      try {
        await this.clock.sleep(Math.max(1, next), session.control.signal);
      } catch {
        return;
      }
    }
  }

  private onFrame(session: Session, data: WebSocket.RawData, isBinary: boolean): void {
    if (isBinary) {
      this.logger.warn(`${this.name}: dropped a binary frame`);
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(rawText(data));
    } catch {
      this.logger.warn(`${this.name}: dropped a frame that is not JSON (${rawLength(data)} bytes)`);
      return;
    }
    const parsed = agentEventSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      this.logger.warn(
        `${this.name}: dropped a malformed frame (${issue ? `${issue.path.join('.') || 'frame'}: ${issue.message}` : 'invalid'})`,
      );
      return;
    }
    const event = parsed.data;
    const update = stateUpdateSchema.safeParse(event);
    if (update.success) {
      session.stateSeen = true;
      this.onStateUpdate(update.data.key, update.data.value);
      if (!session.ready) {
        session.ready = true;
        void this.reconcile(session);
      }
    }
    if (!isStorableEvent(event)) {
      if (event.kind === 'ServerErrorEvent')
        this.logger.warn(
          `${this.name}: the agent server rejected a frame (${typeof event.code === 'string' ? event.code.slice(0, 60) : 'error'})`,
        );
      if (event.kind !== 'ConversationStateUpdateEvent') this.transientListeners.emit(event);
      return;
    }
    if (!session.live) {
      session.buffer.push(event);
      return;
    }
    this.emitEvents(this.store.add(this.key, [event]));
  }

  /** Status comes only from socket frames, in order: REST copies of older updates never move it back. */
  private onStateUpdate(key: string, value: unknown): void {
    let raw: unknown;
    if (key === 'execution_status') raw = value;
    else if (key === 'full_state') {
      const state = fullStateSchema.safeParse(value);
      raw = state.success ? state.data.execution_status : undefined;
    } else return;
    if (typeof raw !== 'string') return;
    const status = stateValue.safeParse(raw);
    if (status.success) this.setStatus(status.data);
  }

  /**
   * Fills what the socket did not deliver. First connection: the newest page (history is paged on demand, not
   * replayed). Later: everything with timestamp ≥ the newest stored one (the bound is inclusive, known ids are
   * dropped), page by page with the inclusive cursor. Socket events that arrive meanwhile are merged after it.
   */
  private async reconcile(session: Session): Promise<void> {
    const signal = session.control.signal;
    const call = async <T>(fn: (agent: AgentServerClient) => Promise<T>): Promise<T> => {
      try {
        return await fn(session.agent);
      } catch (error) {
        if (!(error instanceof ApiError) || error.kind !== 'unauthorized') throw error;
        session.agent = await this.resolveAgent(true);
        return fn(session.agent);
      }
    };
    const newestPage = (): Promise<{ items: AgentEvent[]; next_page_id: string | null }> =>
      call((a) => a.searchEvents({ sortOrder: 'TIMESTAMP_DESC', limit: this.options.historyLimit }, signal));

    let added: AgentEvent[];
    let reset = false;
    try {
      const newest = this.store.newest(this.key);
      if (!newest) {
        const page = await newestPage();
        if (signal.aborted) return;
        added = this.store.loadLatest(this.key, page.items, page.next_page_id);
      } else {
        const missed: AgentEvent[] = [];
        let pageId: string | undefined;
        let complete = false;
        for (let i = 0; i < this.options.maxReconcilePages; i++) {
          const page = await call((a) =>
            a.searchEvents(
              {
                sortOrder: 'TIMESTAMP',
                timestampGte: newest.timestamp,
                limit: MAX_PAGE,
                ...(pageId ? { pageId } : {}),
              },
              signal,
            ),
          );
          missed.push(...page.items);
          if (!page.next_page_id || page.next_page_id === pageId) {
            complete = true;
            break;
          }
          pageId = page.next_page_id;
        }
        if (signal.aborted) return;
        if (complete) added = this.store.add(this.key, missed);
        else {
          this.logger.info(
            `${this.name}: more than ${missed.length} events missed; reloading the newest page`,
          );
          const page = await newestPage();
          if (signal.aborted) return;
          added = this.store.replace(this.key, page.items, page.next_page_id);
          reset = true;
        }
      }
    } catch (error) {
      if (signal.aborted) return;
      session.end({ kind: 'reconcile-failed', error: asApiError(error) });
      return;
    }
    if (signal.aborted) return;
    const buffered = this.store.add(this.key, session.buffer);
    session.buffer = [];
    session.live = true;
    session.liveSince = this.clock.now();
    this.authRefreshed = false;
    const first = !this.everLive;
    this.everLive = true;
    this.attempt = 0;
    const all = [...added, ...buffered].sort((a, b) =>
      a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0,
    );
    this.emitEvents(all, { reset });
    this.logger.info(
      `${this.name}: live (${first ? 'connected' : 'reconnected'}; ${all.length} event${all.length === 1 ? '' : 's'} caught up)`,
    );
    this.setState('live', { attempt: 0 });
  }
}

/** `ws(s)://{host:port of conversation_url}/sockets/events/{id}`; a path prefix before `/api/conversations` is kept. */
export function eventSocketUrl(conversationUrl: string, conversationId: string): string {
  const url = new URL(conversationUrl);
  const at = url.pathname.indexOf('/api/conversations');
  const prefix = at > 0 ? url.pathname.slice(0, at) : '';
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${prefix}/sockets/events/${encodeURIComponent(conversationId)}`;
  url.search = '';
  url.hash = '';
  return url.toString();
}

/** Error texts may quote the URL; a query key never reaches a log line. */
function withoutKey(text: string): string {
  return text.replace(/session_api_key=[^&\s]*/gi, 'session_api_key=…');
}

function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError('offline', error instanceof Error ? error.message : String(error), { cause: error });
}

/** Stops waiting for `promise` when `signal` aborts (the work itself may go on and is ignored). */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    // Nobody waits for the work any more: its own failure (it is usually cancelled by the same signal)
    // must not become an unhandled rejection, which would end the main process.
    promise.catch(() => undefined);
    return Promise.reject(new ApiError('aborted', t('mainErrors.streamClosed')));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new ApiError('aborted', t('mainErrors.streamClosed')));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function rawText(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function rawLength(data: WebSocket.RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return data.byteLength;
}
