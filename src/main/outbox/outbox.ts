// The outbox engine: every mutating action goes through here (architecture.md, "Background work in main").
//
// - Durable first: `enqueue` resolves (and the UI hears "queued") only after the item is fsynced.
// - Lanes: one FIFO lane per conversation (a create has its own lane); lanes run in parallel up to a global
//   cap. A lane whose head failed waits for the user (Retry / Cancel): later messages never overtake it.
// - Retries only what is safe: network errors, timeouts, 5xx and 429 (capped exponential backoff + jitter,
//   at least Retry-After), and a resume the agent server refused while its last run was still finishing.
//   400/401/403/404/409 otherwise fail at once with the server's reason. The backoff grows with every
//   failed try of the item, whatever kind (a reconciliation read included), so no retry spins.
// - Unknown outcome: a send (or create) whose request may have reached the server and got no answer becomes
//   `uncertain`. Before a V1 send first leaves, the outbox counts the conversation's user messages with its
//   exact text; an uncertain one counts again: more than before → delivered, else it is sent again. The
//   text alone proves nothing (a second "continue" would be taken for the first). Where the server gives no
//   way to check (V0, creates) the user decides.
// - Paused sandbox: a V1 send to a conversation whose sandbox is paused (by the user, or by the server to
//   make room) resumes it first, says so in the item (`phase: resuming-sandbox`), then delivers.
// - Before each attempt of a send or create the item is persisted as `sending`, so after a crash mid-request
//   it comes back `uncertain`, never silently resent.
// - Offline: a refused connection, or two connection failures (resets, timeouts) in a row with no answer
//   between, marks the server offline; its lanes wait while one probe retries with growing backoff (or at
//   once on SystemEvents `online`), so an outage costs a bounded trickle of requests however much is
//   queued. When it answers, its lanes drain, no faster than the concurrency cap and the request budget.
import { ProgressReporter, type ProgressSnapshot } from '../uploads/progress';
import { randomUUID } from 'node:crypto';
import type { ConversationRef, StartProgress } from '../../shared/conversations';
import type { ApiErrorInfo } from '../../shared/api-errors';
import { conversationKey } from '../../shared/live';
import {
  type OutboxAction,
  type OutboxItemView,
  outboxItemSchema,
  type OutboxState,
  type StoredOutboxItem,
} from '../../shared/outbox';
import type { AgentEvent } from '../api/schemas/agent-server';
import { ApiError } from '../api/errors';
import type { OpenHandsServer } from '../api/openhands-server';
import { type Clock, systemClock } from '../clock';
import { t } from '../i18n';
import { consoleLogger, type Logger } from '../logger';
import type { SystemEvents } from '../system-events';
import {
  actionDetail,
  execute,
  type ExecuteResult,
  isIdempotent,
  summarize,
  type UploadRunner,
} from './executors';
import { type ItemValidator, OutboxStore, type OutboxStoreProblem } from './outbox-store';

export interface OutboxOptions {
  /** The client for a server id (ServerRegistry.get); throws for an unknown server. */
  servers: (serverId: string) => OpenHandsServer;
  upload: UploadRunner;
  clock?: Clock;
  /** 0..1 for backoff jitter. */
  random?: () => number;
  logger?: Logger;
  systemEvents?: SystemEvents;
  /** Lanes running at once (default 4). */
  concurrency?: number;
  /** Backoff between retries: base doubles per attempt up to max (defaults 1 s and 60 s). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /**
   * When the status poller hears from a server thought offline, its probe is brought forward, but never
   * to less than this after the last one (default 15 s): where reads answer and writes do not, the nudges
   * must not become a storm of probes.
   */
  nudgeGapMs?: number;
  /** 5xx answers are retried this many times in all before the item fails (default 8). */
  maxServerErrorAttempts?: number;
  /**
   * How far before the first send the reconciliation search starts. Event timestamps are the server's
   * local time without an offset (§4.2), so the default covers any time zone: 14 h + 5 min.
   */
  reconcileMarginMs?: number;
  newId?: () => string;
  /** Told when a server is found unreachable (with the error) or answers again (null). */
  onServerResult?: (serverId: string, error: unknown) => void;
}

export type OutboxListener = (item: OutboxItemView) => void;

interface Entry {
  item: StoredOutboxItem;
  /** Persisted (enqueue resolved): only durable items are sent. */
  durable: boolean;
  active: AbortController | undefined;
  waiting: 'offline' | 'retry' | null;
  progress: ProgressSnapshot | null;
  /** A create's start task as last reported. */
  start: StartProgress | null;
  /** Failed tries since it was queued or last retried by the user: the exponent of its backoff. */
  failures: number;
  /** Set while its conversation's sandbox is being resumed for it. */
  phase: 'resuming-sandbox' | null;
}

interface ServerState {
  offline: boolean;
  failures: number;
  probeAt: number;
  probing: boolean;
  /** When its last probe started: nudges keep their distance from it. */
  lastProbeAt: number;
}

const CONTROL_KINDS = new Set<OutboxAction['kind']>([
  'pause-agent',
  'resume-agent',
  'pause-sandbox',
  'resume-sandbox',
  'stop',
]);
const OPPOSITE: Partial<Record<OutboxAction['kind'], OutboxAction['kind']>> = {
  'pause-agent': 'resume-agent',
  'resume-agent': 'pause-agent',
  'pause-sandbox': 'resume-sandbox',
  'resume-sandbox': 'pause-sandbox',
};

/** Connection errors that prove the request never reached the server. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** Failures worth trying again: nothing says the request itself was wrong. */
const TRANSIENT_KINDS = new Set(['offline', 'timeout', 'server-error', 'rate-limited', 'keychain']);

/** The zod check of an item read back from the journal. */
export const validateItem: ItemValidator = (value) => {
  const parsed = outboxItemSchema.safeParse(value);
  if (parsed.success) return { ok: true, item: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, why: issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid' };
};

export function laneOf(action: OutboxAction): string {
  return action.kind === 'create' ? `${action.serverId}/new:${action.tempId}` : conversationKey(action.ref);
}

function serverIdOf(action: OutboxAction): string {
  return action.kind === 'create' ? action.serverId : action.ref.serverId;
}

/** `2025-11-28T16:16:34.123` (UTC rendered without an offset, as the agent server's naive timestamps). */
export function naiveTimestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23);
}

function errorCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function toInfo(error: unknown): ApiErrorInfo {
  if (error instanceof ApiError) return error.toInfo();
  return { kind: 'invalid-response', message: error instanceof Error ? error.message : String(error) };
}

function messageTextOf(event: AgentEvent): string | undefined {
  if (event.kind !== 'MessageEvent') return undefined;
  const msg = (event as Record<string, unknown>).llm_message as { content?: unknown } | undefined;
  if (!msg || !Array.isArray(msg.content)) return undefined;
  return msg.content
    .map((p: unknown) =>
      typeof p === 'object' && p !== null && 'text' in p && typeof p.text === 'string' ? p.text : '',
    )
    .join('\n');
}

export class Outbox {
  private readonly entries = new Map<string, Entry>();
  private readonly servers = new Map<string, ServerState>();
  private readonly listeners = new Set<OutboxListener>();
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly logger: Logger;
  private readonly concurrency: number;
  private readonly created = new Map<string, ConversationRef>();
  private seq: number;
  private wake: AbortController | undefined;
  private closed = false;
  private readonly unsubscribe: (() => void) | undefined;

  constructor(
    private readonly store: OutboxStore,
    items: StoredOutboxItem[],
    private readonly options: OutboxOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.logger = options.logger ?? consoleLogger;
    this.concurrency = options.concurrency ?? 4;
    this.seq = 0;
    for (const stored of items) {
      // A request was in flight when the app stopped: its fate is unknown.
      const item: StoredOutboxItem =
        stored.state === 'sending'
          ? { ...stored, state: isIdempotent(stored.action.kind) ? 'queued' : 'uncertain' }
          : stored;
      this.entries.set(item.id, {
        item,
        durable: true,
        active: undefined,
        waiting: null,
        progress: null,
        start: null,
        failures: 0,
        phase: null,
      });
      this.seq = Math.max(this.seq, item.seq + 1);
    }
    this.unsubscribe = options.systemEvents?.onOnline(() => this.wakeOfflineServers());
    queueMicrotask(() => this.pump());
  }

  /** Opens the store at `file` and starts the engine; `problem` is set when the journal was damaged. */
  static async open(
    file: string,
    options: OutboxOptions,
  ): Promise<{ outbox: Outbox; problem: OutboxStoreProblem | null }> {
    const opened = await OutboxStore.open(file, { validate: validateItem });
    if (opened.problem) (options.logger ?? consoleLogger).error(`outbox: ${opened.problem.error}`);
    return { outbox: new Outbox(opened.store, opened.items, options), problem: opened.problem };
  }

  onChange(listener: OutboxListener): () => void {
    const entry: OutboxListener = (v) => listener(v);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  /** Every pending item, in enqueue order. */
  list(): OutboxItemView[] {
    return [...this.entries.values()]
      .filter((e) => e.durable)
      .sort((a, b) => a.item.seq - b.item.seq)
      .map((e) => this.view(e));
  }

  /**
   * Queues an action. Resolves once it is on disk, with its view: `queued`, or `cancelled` when it
   * cancelled out a queued opposite (pause then resume), or the existing item it merged into.
   */
  async enqueue(action: OutboxAction): Promise<OutboxItemView> {
    if (this.closed) throw new Error('The outbox is closed.');
    const lane = laneOf(action);
    const tail = this.queuedTail(lane);
    const last = tail.at(-1);
    const now = this.clock.now();
    const newItem = (): StoredOutboxItem => ({
      id: this.options.newId?.() ?? randomUUID(),
      action,
      lane,
      seq: this.seq++,
      enqueuedAt: now,
      state: 'queued',
      attempts: 0,
      firstSentAt: null,
      nextAttemptAt: now,
      error: null,
    });

    // ---- collapse rules (only against queued items at the lane's tail, never one in flight) ----
    if (last && last.item.action.kind === action.kind && CONTROL_KINDS.has(action.kind))
      return this.view(last);
    if (last && last.item.action.kind === action.kind && action.kind === 'delete') return this.view(last);
    if (last && OPPOSITE[action.kind] === last.item.action.kind) {
      // pause then resume (or the reverse): nothing to send.
      await this.drop(last, 'cancelled');
      const ghost = newItem();
      const view = this.view({
        item: ghost,
        durable: true,
        active: undefined,
        waiting: null,
        progress: null,
        start: null,
        failures: 0,
        phase: null,
      });
      return { ...view, state: 'cancelled', canRetry: false, canCancel: false };
    }
    if (
      last &&
      (action.kind === 'rename' || action.kind === 'confirm') &&
      last.item.action.kind === action.kind
    ) {
      // The latest title / decision wins.
      last.item = { ...last.item, action };
      await this.store.put(last.item);
      this.emit(last);
      return this.view(last);
    }
    const superseded =
      action.kind === 'stop'
        ? trailing(tail, (e) => CONTROL_KINDS.has(e.item.action.kind) && e.item.action.kind !== 'stop')
        : action.kind === 'delete'
          ? trailing(
              tail,
              (e) =>
                CONTROL_KINDS.has(e.item.action.kind) ||
                e.item.action.kind === 'rename' ||
                e.item.action.kind === 'confirm',
            )
          : [];
    if (
      action.kind === 'stop' &&
      tail.length > superseded.length &&
      tail.at(-1 - superseded.length)?.item.action.kind === 'stop'
    ) {
      // An earlier stop is already queued behind these controls.
      for (const e of superseded) await this.drop(e, 'cancelled');
      const earlier = tail.at(-1 - superseded.length);
      if (earlier) return this.view(earlier);
    }

    const entry: Entry = {
      item: newItem(),
      durable: false,
      active: undefined,
      waiting: null,
      progress: null,
      start: null,
      failures: 0,
      phase: null,
    };
    this.entries.set(entry.item.id, entry);
    try {
      await this.store.put(entry.item);
    } catch (error) {
      this.entries.delete(entry.item.id);
      throw error;
    }
    entry.durable = true;
    for (const e of superseded) await this.drop(e, 'cancelled');
    this.emit(entry);
    const view = this.view(entry);
    this.pump();
    return view;
  }

  /** Sends a failed, uncertain or at-limit item again (the user's explicit go-ahead). */
  async retry(id: string): Promise<boolean> {
    const entry = this.entries.get(id);
    if (!entry || entry.item.state === 'queued' || entry.item.state === 'sending') return false;
    // A V1 send whose fate is unknown is still checked first: Retry never risks a duplicate we can avoid.
    const state = entry.item.state === 'uncertain' && this.canReconcile(entry.item) ? 'uncertain' : 'queued';
    entry.item = { ...entry.item, state, nextAttemptAt: this.clock.now(), error: null };
    entry.waiting = null;
    entry.failures = 0;
    // "Retry" also means "try the server now" if it was thought offline.
    const server = this.servers.get(serverIdOf(entry.item.action));
    if (server?.offline) server.probeAt = this.clock.now();
    await this.store.put(entry.item);
    this.emit(entry);
    this.pump();
    return true;
  }

  /** Removes an item that is not in flight (an upload in flight is aborted). */
  async cancel(id: string): Promise<boolean> {
    const entry = this.entries.get(id);
    if (!entry) return false;
    if (entry.active) {
      if (entry.item.action.kind !== 'upload') return false;
      entry.active.abort(new ApiError('aborted', t('mainErrors.outboxCancelled')));
      return true;
    }
    await this.drop(entry, 'cancelled');
    this.pump();
    return true;
  }

  /** The conversation a finished create made (for actions the UI queued against its temporary id). */
  createdFor(tempId: string): ConversationRef | undefined {
    return this.created.get(tempId);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe?.();
    this.wake?.abort();
    for (const e of this.entries.values())
      e.active?.abort(new ApiError('aborted', t('mainErrors.outboxClosing')));
    await this.store.close();
  }

  // ---- scheduling ----

  /** The run of queued items (none in flight) at the end of the lane: what a new action may collapse with. */
  private queuedTail(lane: string): Entry[] {
    const all = [...this.entries.values()]
      .filter((e) => e.item.lane === lane && e.durable)
      .sort((a, b) => a.item.seq - b.item.seq);
    return trailing(all, (e) => !e.active && e.item.state === 'queued');
  }

  private serverState(serverId: string): ServerState {
    let s = this.servers.get(serverId);
    if (!s) {
      s = { offline: false, failures: 0, probeAt: 0, probing: false, lastProbeAt: -Infinity };
      this.servers.set(serverId, s);
    }
    return s;
  }

  /**
   * Something else heard from the server (the status poller): if it was thought offline, probe it soon
   * rather than at the end of its backoff. The probe, not this, decides that it is back.
   */
  serverAnswered(serverId: string): void {
    const s = this.servers.get(serverId);
    if (!s?.offline || this.closed) return;
    const earliest = s.lastProbeAt + (this.options.nudgeGapMs ?? 15_000);
    s.probeAt = Math.min(s.probeAt, Math.max(this.clock.now(), earliest));
    this.pump();
  }

  private wakeOfflineServers(): void {
    const now = this.clock.now();
    for (const s of this.servers.values()) if (s.offline) s.probeAt = now;
    for (const e of this.entries.values()) if (e.waiting === 'offline') e.item.nextAttemptAt = now;
    this.pump();
  }

  private pump(): void {
    if (this.closed) return;
    const now = this.clock.now();
    const heads = new Map<string, Entry>();
    for (const e of this.entries.values()) {
      if (!e.durable) continue;
      const current = heads.get(e.item.lane);
      if (!current || e.item.seq < current.item.seq) heads.set(e.item.lane, e);
    }
    let running = [...this.entries.values()].filter((e) => e.active).length;
    let wakeAt = Infinity;
    // Due first, then FIFO: while a server is offline its probe rotates over the lanes (a lane whose probe
    // just failed is due last), so one dead conversation cannot hold the others back.
    const order = (a: Entry, b: Entry): number =>
      a.item.nextAttemptAt - b.item.nextAttemptAt || a.item.seq - b.item.seq;
    for (const head of [...heads.values()].sort(order)) {
      if (running >= this.concurrency) break;
      if (head.active) continue;
      const { state } = head.item;
      if (state === 'failed' || state === 'at-limit') continue;
      if (state === 'uncertain' && !this.canReconcile(head.item)) continue;
      const server = this.serverState(serverIdOf(head.item.action));
      if (server.offline) {
        if (server.probing) continue;
        if (now < server.probeAt) {
          wakeAt = Math.min(wakeAt, server.probeAt);
          continue;
        }
      } else if (head.item.nextAttemptAt > now) {
        wakeAt = Math.min(wakeAt, head.item.nextAttemptAt);
        continue;
      }
      if (server.offline) {
        server.probing = true;
        server.lastProbeAt = now;
      }
      running += 1;
      this.start(head, server);
    }
    this.wake?.abort();
    this.wake = undefined;
    if (wakeAt !== Infinity) {
      const controller = new AbortController();
      this.wake = controller;
      this.clock.sleep(Math.max(0, wakeAt - now), controller.signal).then(
        () => {
          if (this.wake === controller) this.pump();
        },
        () => undefined,
      );
    }
  }

  private canReconcile(item: StoredOutboxItem): boolean {
    return item.action.kind === 'send' && item.action.ref.version === 'V1' && item.firstSentAt !== null;
  }

  private start(entry: Entry, server: ServerState): void {
    const controller = new AbortController();
    entry.active = controller;
    void this.run(entry, controller.signal)
      .catch((error: unknown) => this.logger.error(`outbox: item ${entry.item.id} failed: ${String(error)}`))
      .finally(() => {
        entry.active = undefined;
        server.probing = false;
        this.pump();
      });
  }

  private async run(entry: Entry, signal: AbortSignal): Promise<void> {
    const { action } = entry.item;
    let server: OpenHandsServer;
    try {
      server = this.options.servers(serverIdOf(action));
    } catch (error) {
      return this.fail(entry, 'failed', error);
    }

    if (entry.item.state === 'uncertain') {
      let delivered: boolean;
      try {
        delivered = await this.reconcile(server, entry, signal);
      } catch (error) {
        if (this.closed) return;
        return this.retryLater(entry, error, 'uncertain');
      }
      // A read that answered does not end an outage: while writes are cut off (reset connections), waking
      // every waiting lane on each answered check would make a burst per probe. Only a delivery does.
      if (delivered) {
        this.markOnline(serverIdOf(action));
        this.logger.info(`outbox: ${entry.item.id} was delivered before its answer was lost; not resent`);
        return this.finish(entry, undefined);
      }
      this.logger.info(`outbox: ${entry.item.id} never arrived; sending it again`);
    }

    let priorMatches = entry.item.priorMatches;
    if (action.kind === 'send' && action.ref.version === 'V1' && priorMatches == null) {
      // What the server holds before this message first leaves: the yardstick if its answer is lost.
      try {
        priorMatches = await this.withSandbox(entry, server, action.ref, signal, () =>
          this.countMatches(server, action.ref, action.text, signal),
        );
      } catch (error) {
        if (this.closed) return;
        // Only a read failed: nothing was sent, so the item is simply tried again later.
        if (error instanceof ApiError && TRANSIENT_KINDS.has(error.kind))
          return this.retryLater(entry, error, 'queued');
        return this.fail(entry, 'failed', error);
      }
    }

    const now = this.clock.now();
    entry.item = {
      ...entry.item,
      state: 'sending',
      attempts: entry.item.attempts + 1,
      firstSentAt: entry.item.firstSentAt ?? now,
      ...(priorMatches != null ? { priorMatches } : {}),
    };
    entry.waiting = null;
    // Persisted before the request leaves, so a crash now comes back as "uncertain", not as a resend.
    if (!isIdempotent(action.kind)) await this.store.put(entry.item);
    this.emit(entry);
    let result: ExecuteResult;
    let reporter: ProgressReporter | undefined;
    try {
      result = await execute(action, {
        server,
        signal,
        upload: this.options.upload,
        // Chunks arrive thousands of times a second: the reporter lets ~10 a second through, with rate and ETA.
        onProgress: (bytes, total) => {
          reporter ??= new ProgressReporter(
            total,
            (snapshot) => {
              entry.progress = snapshot;
              this.emit(entry);
            },
            { clock: this.clock },
          );
          reporter.update(bytes, total);
        },
        onStartProgress: (progress) => {
          entry.start = progress;
          this.emit(entry);
        },
      });
    } catch (error) {
      if (this.closed) return;
      return this.handleFailure(entry, error);
    }
    this.markOnline(serverIdOf(action));
    await this.finish(entry, result);
  }

  /**
   * Runs `fn` against a V1 conversation's agent; if its sandbox is not running (paused by the user, or by
   * the server to make room), resumes it, shows that on the item meanwhile, and runs `fn` again. Only for
   * reads: `fn` must not have changed anything when it failed.
   */
  private async withSandbox<T>(
    entry: Entry,
    server: OpenHandsServer,
    ref: ConversationRef,
    signal: AbortSignal,
    fn: () => Promise<T>,
  ): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof ApiError) || error.kind !== 'sandbox-not-running' || ref.version !== 'V1')
        throw error;
    }
    this.logger.info(`outbox: ${entry.item.id} resumes its conversation's sandbox first`);
    entry.phase = 'resuming-sandbox';
    this.emit(entry);
    try {
      await server.resumeSandboxAndWait(ref, signal);
    } finally {
      entry.phase = null;
    }
    return fn();
  }

  /**
   * The ids of the conversation's user messages with exactly `text` (the server's body filter is a substring
   * match), since `since` when given; stops after `maxPages` pages or once `enough` are found.
   */
  private async userMessagesWithText(
    server: OpenHandsServer,
    ref: ConversationRef,
    text: string,
    options: { signal?: AbortSignal; since?: string; maxPages: number; enough?: number },
  ): Promise<Set<string>> {
    const seen = new Set<string>();
    let pageId: string | undefined;
    for (let page = 0; page < options.maxPages; page++) {
      const res = await server.events(
        ref,
        {
          kind: 'MessageEvent',
          source: 'user',
          body: text,
          ...(options.since ? { timestampGte: options.since } : {}),
          limit: 100,
          ...(pageId ? { pageId } : {}),
        },
        options.signal,
      );
      for (const e of res.items)
        if ('kind' in e && typeof e.kind === 'string' && messageTextOf(e as AgentEvent) === text)
          seen.add(String(e.id));
      if (options.enough !== undefined && seen.size >= options.enough) break;
      // The cursor is inclusive: an id already counted is not counted twice.
      if (!res.nextPageId || res.nextPageId === pageId) break;
      pageId = res.nextPageId;
    }
    return seen;
  }

  /** How many of the conversation's user messages have exactly `text`. */
  private async countMatches(
    server: OpenHandsServer,
    ref: ConversationRef,
    text: string,
    signal: AbortSignal,
  ): Promise<number> {
    return (await this.userMessagesWithText(server, ref, text, { signal, maxPages: 100 })).size;
  }

  /** Whether an uncertain send reached the server: more messages with its text than before it first left. */
  private async reconcile(server: OpenHandsServer, entry: Entry, signal: AbortSignal): Promise<boolean> {
    const { item } = entry;
    if (item.action.kind !== 'send') return false;
    const { text, ref } = item.action;
    if (item.priorMatches != null) {
      const now = await this.withSandbox(entry, server, ref, signal, () =>
        this.countMatches(server, ref, text, signal),
      );
      return now > item.priorMatches;
    }
    return this.reconcileByText(server, item);
  }

  /**
   * For items from journals written before the count was kept: any user message with the text since
   * shortly before the first attempt. Event timestamps are the server's local time without an offset (§4.2),
   * hence the wide margin.
   */
  private async reconcileByText(server: OpenHandsServer, item: StoredOutboxItem): Promise<boolean> {
    if (item.action.kind !== 'send') return false;
    const { text, ref } = item.action;
    const since = naiveTimestamp(
      (item.firstSentAt ?? item.enqueuedAt) - (this.options.reconcileMarginMs ?? 14 * 3_600_000 + 300_000),
    );
    const found = await this.userMessagesWithText(server, ref, text, { since, maxPages: 10, enough: 1 });
    return found.size > 0;
  }

  private handleFailure(entry: Entry, error: unknown): Promise<void> {
    const { kind } = entry.item.action;
    if (!(error instanceof ApiError)) return this.fail(entry, 'failed', error);
    switch (error.kind) {
      case 'aborted':
        // Only uploads are aborted in flight (cancel): the item goes.
        return this.drop(entry, 'cancelled');
      case 'rate-limited':
      case 'keychain':
        // Nothing left (a locked keychain fails before the request): tried again, with backoff, until
        // the keychain is unlocked.
        return this.retryLater(entry, error, 'queued');
      case 'offline':
      case 'timeout': {
        const notSent = error.kind === 'offline' && NOT_SENT_CODES.has(errorCode(error.details.cause) ?? '');
        if (notSent || isIdempotent(kind) || this.repeatableCreate(entry.item.action))
          return this.retryLater(entry, error, 'queued');
        // The request may have reached the server.
        return kind === 'send' && this.canReconcile(entry.item)
          ? this.retryLater(entry, error, 'uncertain')
          : this.fail(entry, 'uncertain', error, (message) =>
              t('mainErrors.outboxUncertain', { error: message }),
            );
      }
      case 'server-error':
        if (error.status === undefined) return this.fail(entry, 'failed', error);
        if (entry.item.attempts >= (this.options.maxServerErrorAttempts ?? 8))
          return this.fail(entry, 'failed', error);
        // A send that got a 5xx is checked before it is resent (the server may have stored it anyway).
        if (kind === 'send' && this.canReconcile(entry.item))
          return this.retryLater(entry, error, 'uncertain');
        return this.retryLater(entry, error, 'queued');
      case 'conflict':
        if (kind === 'create') return this.fail(entry, 'at-limit', error);
        // The agent refused to run while its last run was still finishing its step, or while credentials
        // are being activated (AgentServerClient.run): resumed again later, visibly, up to a bound.
        if (kind === 'resume-agent' && entry.item.attempts < (this.options.maxServerErrorAttempts ?? 8))
          return this.retryLater(entry, error, 'queued');
        return this.fail(entry, 'failed', error);
      case 'sandbox-not-running':
        // The sandbox went away between the count and the send (the route lookup failed, or the request
        // may have been cut off): checked against the count before anything is sent again.
        if (kind === 'send' && this.canReconcile(entry.item))
          return this.retryLater(entry, error, 'uncertain');
        return this.fail(entry, 'failed', error);
      case 'not-found':
      case 'bad-request':
        // A delete whose earlier attempt's answer was lost finds nothing left to delete: that is success.
        if (kind === 'delete' && entry.item.attempts > 1) return this.finish(entry, undefined);
        if (kind === 'create' && /limit|too many|maximum|concurrent/i.test(error.message))
          return this.fail(entry, 'at-limit', error);
        return this.fail(entry, 'failed', error);
      default:
        return this.fail(entry, 'failed', error);
    }
  }

  /**
   * A create on a bare agent server carries its own conversation id (executors.ts `createdId`): sent again,
   * it finds the conversation the first attempt made, so an unknown outcome is simply retried.
   */
  private repeatableCreate(action: OutboxAction): boolean {
    if (action.kind !== 'create') return false;
    try {
      return this.options.servers(action.serverId).knownBackend === 'agent-server';
    } catch {
      return false;
    }
  }

  private backoff(attempt: number): number {
    const base = this.options.backoffBaseMs ?? 1000;
    const max = this.options.backoffMaxMs ?? 60_000;
    const delay = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
    return delay / 2 + (this.random() * delay) / 2;
  }

  private async retryLater(entry: Entry, error: unknown, state: 'queued' | 'uncertain'): Promise<void> {
    const info = toInfo(error);
    const serverId = serverIdOf(entry.item.action);
    const now = this.clock.now();
    entry.failures += 1;
    let delay = this.backoff(entry.failures);
    if (info.retryAfterMs !== undefined) delay = Math.max(delay, info.retryAfterMs);
    entry.waiting = 'retry';
    if (info.kind === 'offline' || info.kind === 'timeout') {
      const s = this.serverState(serverId);
      s.failures += 1;
      // A refused connection or an unknown host says the server is down at once. One reset (often a stale
      // keep-alive socket) or timeout is retried on the item's own backoff; a second with no answer from
      // the server in between means an outage: its lanes wait behind one probe, so the request volume
      // stays bounded however many items are queued.
      const refused = NOT_SENT_CODES.has(
        errorCode(error instanceof ApiError ? error.details.cause : error) ?? '',
      );
      if (refused || s.failures >= 2) {
        if (!s.offline) this.logger.warn(`outbox: server ${serverId} unreachable; its queue waits`);
        this.options.onServerResult?.(serverId, error);
        s.offline = true;
        s.probeAt = Math.max(s.probeAt, now + this.backoff(s.failures + 1));
        entry.waiting = 'offline';
        delay = Math.max(delay, s.probeAt - now);
      }
    }
    entry.item = { ...entry.item, state, error: info, nextAttemptAt: now + delay };
    await this.store.put(entry.item);
    this.emit(entry);
  }

  private markOnline(serverId: string): void {
    const s = this.serverState(serverId);
    if (s.offline) {
      this.logger.info(`outbox: server ${serverId} is back; draining its queue`);
      this.options.onServerResult?.(serverId, null);
    }
    s.offline = false;
    s.failures = 0;
    s.probeAt = 0;
    const now = this.clock.now();
    for (const e of this.entries.values())
      if (e.waiting === 'offline' && serverIdOf(e.item.action) === serverId) {
        e.waiting = null;
        // Their waits grew with the server's outage, not with anything wrong with them.
        e.failures = 0;
        e.item.nextAttemptAt = Math.min(e.item.nextAttemptAt, now);
      }
  }

  private async fail(
    entry: Entry,
    state: 'failed' | 'uncertain' | 'at-limit',
    error: unknown,
    /** The error's message as the user reads it here (one whole sentence with it), if not as it is. */
    explain?: (message: string) => string,
  ): Promise<void> {
    const info = toInfo(error);
    entry.waiting = null;
    entry.item = {
      ...entry.item,
      state,
      error: explain ? { ...info, message: explain(info.message) } : info,
    };
    await this.store.put(entry.item);
    this.emit(entry);
  }

  private async finish(entry: Entry, result: ExecuteResult): Promise<void> {
    const { action } = entry.item;
    if (result && action.kind === 'create') this.created.set(action.tempId, result.created);
    await this.store.remove(entry.item.id);
    this.entries.delete(entry.item.id);
    this.emit(entry, 'done', result?.created ?? null);
  }

  private async drop(entry: Entry, state: 'cancelled'): Promise<void> {
    await this.store.remove(entry.item.id);
    this.entries.delete(entry.item.id);
    this.emit(entry, state);
  }

  // ---- views ----

  private emit(entry: Entry, final?: 'done' | 'cancelled', created: ConversationRef | null = null): void {
    const view = this.view(entry, final, created);
    for (const listener of [...this.listeners]) {
      try {
        listener(view);
      } catch (error) {
        this.logger.error(`outbox listener failed: ${String(error)}`);
      }
    }
  }

  private view(
    entry: Entry,
    final?: 'done' | 'cancelled',
    created: ConversationRef | null = null,
  ): OutboxItemView {
    const { item } = entry;
    const { action } = item;
    const state: OutboxState = final ?? item.state;
    const settled = state === 'done' || state === 'cancelled';
    return {
      id: item.id,
      kind: action.kind,
      state,
      serverId: serverIdOf(action),
      conversationKey: action.kind === 'create' ? null : conversationKey(action.ref),
      tempId: action.kind === 'create' ? action.tempId : null,
      summary: summarize(action),
      detail: actionDetail(action),
      enqueuedAt: item.enqueuedAt,
      attempts: item.attempts,
      waiting: state === 'queued' || state === 'uncertain' ? entry.waiting : null,
      nextAttemptAt:
        (state === 'queued' || state === 'uncertain') && entry.waiting ? item.nextAttemptAt : null,
      error: state === 'done' ? null : item.error,
      progress: action.kind === 'upload' && state === 'sending' ? entry.progress : null,
      start:
        action.kind === 'create' && entry.start && state !== 'cancelled'
          ? {
              status: entry.start.status,
              step: entry.start.step,
              totalSteps: entry.start.totalSteps,
              detail: entry.start.detail,
            }
          : null,
      phase: settled ? null : entry.phase,
      created: created ? { serverId: created.serverId, id: created.id, version: created.version } : null,
      canRetry: state === 'failed' || state === 'uncertain' || state === 'at-limit',
      canCancel: !settled && (state !== 'sending' || action.kind === 'upload'),
    };
  }
}

/** The run of entries at the end of `tail` that match. */
function trailing(tail: Entry[], match: (e: Entry) => boolean): Entry[] {
  const out: Entry[] = [];
  for (let i = tail.length - 1; i >= 0; i--) {
    const e = tail[i];
    if (!e || !match(e)) break;
    out.unshift(e);
  }
  return out;
}
