import { randomUUID } from 'node:crypto';
import type { ApiErrorInfo } from '../../shared/api-errors';
import type { ConversationRef } from '../../shared/conversations';
import type { Clock } from '../clock';
import { ApiError } from '../api/errors';
import type { OpenHandsServer } from '../api/openhands-server';
import { type ProgressSnapshot, ProgressReporter } from './progress';
import { runUpload, type UploadRunner, type UploadSpec } from './upload-runner';

export type UploadState = 'queued' | 'uploading' | 'done' | 'failed' | 'cancelled';

/** What the renderer sees of one upload: plain data. */
export interface UploadStatus extends ProgressSnapshot {
  id: string;
  ref: ConversationRef;
  localPath: string;
  remotePath: string;
  state: UploadState;
  /** 1 for the first try, +1 per retry. */
  attempt: number;
  error: ApiErrorInfo | null;
}

export interface UploadManagerOptions {
  /** At most this many uploads send at once (default 3). */
  concurrency?: number;
  runner?: UploadRunner;
  clock?: Pick<Clock, 'now'>;
  /** Minimum time between two progress reports of one upload (default 100 ms). */
  progressIntervalMs?: number;
}

interface Entry {
  status: UploadStatus;
  server: OpenHandsServer;
  spec: UploadSpec;
  controller: AbortController | undefined;
  /** The running attempt; a retry waits for a cancelled attempt to end before sending again. */
  running: Promise<void> | undefined;
  settled: Array<(status: UploadStatus) => void>;
}

const FINAL: ReadonlySet<UploadState> = new Set(['done', 'failed', 'cancelled']);

/**
 * The uploads running now, in memory: a concurrency cap, cancel and retry per upload, and listeners that get
 * every state change and throttled progress. (Durability across restarts is the outbox's job.)
 */
export class UploadManager {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(status: UploadStatus) => void>();
  private readonly concurrency: number;
  private readonly runner: UploadRunner;
  private readonly clock: Pick<Clock, 'now'>;
  private readonly progressIntervalMs: number;
  private active = 0;

  constructor(options: UploadManagerOptions = {}) {
    this.concurrency = Math.max(1, options.concurrency ?? 3);
    this.runner = options.runner ?? runUpload;
    this.clock = options.clock ?? { now: () => Date.now() };
    this.progressIntervalMs = options.progressIntervalMs ?? 100;
  }

  /** Queues one upload; it starts when a slot is free. Returns its id. */
  add(server: OpenHandsServer, ref: ConversationRef, spec: UploadSpec): string {
    const id = randomUUID();
    this.entries.set(id, {
      server,
      spec,
      controller: undefined,
      running: undefined,
      settled: [],
      status: {
        id,
        ref: { serverId: ref.serverId, id: ref.id, version: ref.version },
        localPath: spec.localPath,
        remotePath: spec.remotePath,
        state: 'queued',
        attempt: 1,
        error: null,
        bytes: 0,
        total: spec.size,
        rateBps: null,
        etaMs: null,
      },
    });
    this.publish(id);
    this.pump();
    return id;
  }

  get(id: string): UploadStatus | undefined {
    const entry = this.entries.get(id);
    return entry ? { ...entry.status } : undefined;
  }

  list(): UploadStatus[] {
    return [...this.entries.values()].map((e) => ({ ...e.status }));
  }

  /** Every state change and every (throttled) progress report. Returns the unsubscribe function. */
  subscribe(listener: (status: UploadStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A queued upload is cancelled at once; a running one when its request has been torn down. */
  cancel(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    if (entry.status.state === 'queued') this.settle(entry, 'cancelled', null);
    else if (entry.status.state === 'uploading') entry.controller?.abort();
  }

  /** Sends a failed or cancelled upload again, from the start (the file is checked again too). */
  retry(id: string): void {
    const entry = this.entries.get(id);
    if (!entry || (entry.status.state !== 'failed' && entry.status.state !== 'cancelled')) return;
    Object.assign(entry.status, {
      state: 'queued',
      attempt: entry.status.attempt + 1,
      error: null,
      bytes: 0,
      rateBps: null,
      etaMs: null,
    } satisfies Partial<UploadStatus>);
    this.publish(id);
    this.pump();
  }

  /** Forgets a finished upload (a running one is cancelled first). */
  remove(id: string): void {
    this.cancel(id);
    const entry = this.entries.get(id);
    if (entry && FINAL.has(entry.status.state)) this.entries.delete(id);
  }

  /** Resolves with the status once the upload is done, failed or cancelled. */
  whenSettled(id: string): Promise<UploadStatus> {
    const entry = this.entries.get(id);
    if (!entry) return Promise.reject(new Error(`No upload ${id}.`));
    if (FINAL.has(entry.status.state)) return Promise.resolve({ ...entry.status });
    return new Promise((resolve) => entry.settled.push(resolve));
  }

  /** Cancels everything (app quit). */
  cancelAll(): void {
    for (const id of this.entries.keys()) this.cancel(id);
  }

  private pump(): void {
    for (const entry of this.entries.values()) {
      if (this.active >= this.concurrency) return;
      if (entry.status.state === 'queued' && !entry.running) this.start(entry);
    }
  }

  private start(entry: Entry): void {
    const { status } = entry;
    const controller = new AbortController();
    entry.controller = controller;
    status.state = 'uploading';
    this.active++;
    this.publish(status.id);
    const reporter = new ProgressReporter(
      entry.spec.size,
      (snapshot) => {
        if (status.state !== 'uploading' || controller.signal.aborted) return;
        Object.assign(status, snapshot);
        this.publish(status.id);
      },
      { clock: this.clock, minIntervalMs: this.progressIntervalMs },
    );
    const attempt = async (): Promise<void> => {
      try {
        await this.runner(entry.server, status.ref, entry.spec, {
          signal: controller.signal,
          onProgress: (bytes, total) => reporter.update(bytes, total),
        });
        reporter.finish();
        this.settle(entry, 'done', null);
      } catch (error) {
        if (controller.signal.aborted) this.settle(entry, 'cancelled', null);
        else this.settle(entry, 'failed', errorInfo(error));
      } finally {
        entry.controller = undefined;
        entry.running = undefined;
        this.active--;
        this.pump();
      }
    };
    entry.running = attempt();
  }

  private settle(entry: Entry, state: UploadState, error: ApiErrorInfo | null): void {
    Object.assign(entry.status, {
      state,
      error,
      ...(state === 'done' ? { bytes: entry.status.total, etaMs: 0 } : { etaMs: null }),
    });
    this.publish(entry.status.id);
    const waiting = entry.settled.splice(0);
    for (const resolve of waiting) resolve({ ...entry.status });
  }

  private publish(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    for (const listener of this.listeners) {
      try {
        listener({ ...entry.status });
      } catch {
        // A listener's failure is its own; the upload goes on.
      }
    }
  }
}

function errorInfo(error: unknown): ApiErrorInfo {
  if (error instanceof ApiError) return error.toInfo();
  return { kind: 'server-error', message: error instanceof Error ? error.message : String(error) };
}
