// Browser mode's `window.openhands`: the same shape as the preload's bridge, carried over the WebSocket that
// `npm run web` serves on `/bridge` (src/main/web/web-server.ts). The HttpOnly cookie set with the page
// carries the token; main validates every input with the same dispatch as Electron IPC.
import { BRIDGE_CALL_TIMEOUT_MS, type EventName, type InvokeChannel } from '../shared/bridge/channels';
import type { BridgeResult, DroppedFile, OpenHandsBridge, UploadPlanView } from '../shared/bridge/contract';
import { buildBridge } from '../shared/bridge/build-bridge';
import { useConnectionStore } from './stores/connection-store';
import {
  PLAN_STAGED_CHANNEL,
  type PlanStagedInput,
  STAGE_UPLOAD_PATH,
  type StagedFileReceipt,
} from '../shared/bridge/staged-uploads';

/** The contract's channels, plus the one that exists only on this transport. */
type SocketChannel = InvokeChannel | typeof PLAN_STAGED_CHANNEL;

interface Pending {
  resolve: (result: BridgeResult<never>) => void;
}

interface Outgoing {
  id: number;
  channel: SocketChannel;
  input: unknown;
}

export interface WebBridgeOptions {
  /** Default: `ws://${location.host}/bridge`. */
  url?: string;
  /** Default: the DOM's WebSocket. */
  createSocket?: (url: string) => WebSocket;
  /** First reconnect delay; doubles up to `maxBackoffMs`. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** A call unanswered this long resolves `{ ok: false, error: { code: 'timeout' } }` (default 30 s). */
  callTimeoutMs?: number;
  /** Where `POST /uploads/stage` goes (default: the page's own origin). */
  origin?: string;
  /** Default: the DOM's fetch (same-origin, so the HttpOnly cookie goes along). */
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  /** Told when the page gets, loses or stops hearing from main (the connection banner). */
  onConnection?: (state: 'connected' | 'lost' | 'not-answering') => void;
}

const disconnected = (message: string): BridgeResult<never> => ({
  ok: false,
  error: { code: 'disconnected', message },
});

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The transport: request ids, a pending-call map, a queue while connecting, reconnect with backoff. */
class BridgeSocket {
  private socket: WebSocket | undefined;
  private open = false;
  private nextId = 1;
  private backoffMs: number;
  private readonly pending = new Map<number, Pending>();
  private readonly queue: Outgoing[] = [];
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();

  constructor(
    private readonly options: Required<
      Pick<WebBridgeOptions, 'url' | 'createSocket' | 'minBackoffMs' | 'maxBackoffMs' | 'callTimeoutMs'>
    > &
      Pick<WebBridgeOptions, 'onConnection'>,
  ) {
    this.backoffMs = options.minBackoffMs;
    this.connect();
  }

  call(channel: SocketChannel, input: unknown): Promise<BridgeResult<never>> {
    return new Promise((resolve) => {
      const id = this.nextId++;
      // No answer in time: the page hears so and the call is forgotten (a late answer is dropped).
      const timer = setTimeout(() => {
        if (!this.pending.delete(id)) return;
        const queued = this.queue.findIndex((frame) => frame.id === id);
        if (queued >= 0) this.queue.splice(queued, 1);
        // Sent on an open socket and never answered: main is there but stuck.
        else if (this.open) this.options.onConnection?.('not-answering');
        resolve({
          ok: false,
          error: { code: 'timeout', message: 'The app did not answer in time; try again.' },
        });
      }, this.options.callTimeoutMs);
      this.pending.set(id, {
        resolve: (result) => {
          clearTimeout(timer);
          resolve(result);
        },
      });
      const frame = { id, channel, input };
      if (this.open) this.send(frame);
      else this.queue.push(frame);
    });
  }

  subscribe(name: EventName, listener: (payload: unknown) => void): () => void {
    const set = this.listeners.get(name) ?? new Set();
    this.listeners.set(name, set);
    // Wrapped so the same function can be subscribed twice and unsubscribed independently.
    const entry = (payload: unknown): void => listener(payload);
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  private connect(): void {
    const socket = this.options.createSocket(this.options.url);
    this.socket = socket;
    socket.addEventListener('open', () => {
      this.open = true;
      this.backoffMs = this.options.minBackoffMs;
      this.options.onConnection?.('connected');
      for (const frame of this.queue.splice(0)) this.send(frame);
    });
    socket.addEventListener('message', (event: MessageEvent) => {
      // Any frame says main is answering again.
      this.options.onConnection?.('connected');
      this.receive(event.data);
    });
    socket.addEventListener('close', () => {
      this.open = false;
      this.socket = undefined;
      this.options.onConnection?.('lost');
      // Calls already sent cannot be answered by a new socket: they fail now; the page may retry them.
      // (Mutations go through the durable outbox, so "did it happen?" is answered by outbox.list.)
      for (const [id, pending] of this.pending) {
        if (this.queue.some((frame) => frame.id === id)) continue;
        this.pending.delete(id);
        pending.resolve(disconnected('The connection to the app was lost; try again.'));
      }
      const delay = this.backoffMs;
      this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs);
      setTimeout(() => this.connect(), delay);
    });
  }

  private send(frame: Outgoing): void {
    try {
      this.socket?.send(JSON.stringify(frame));
    } catch {
      this.pending.get(frame.id)?.resolve(disconnected('The call could not be sent.'));
      this.pending.delete(frame.id);
    }
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let message: unknown;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    if (!isObject(message)) return;
    if (typeof message.event === 'string') {
      for (const listener of this.listeners.get(message.event) ?? []) listener(message.payload);
      return;
    }
    if (typeof message.id === 'number' && isObject(message.result)) {
      const pending = this.pending.get(message.id);
      this.pending.delete(message.id);
      pending?.resolve(message.result as BridgeResult<never>);
    }
  }
}

type Fetch = (url: string, init: RequestInit) => Promise<Response>;

/** The path a picked or dropped file keeps under the target folder (a folder pick gives `dir/sub/name`). */
function relativeName(file: DroppedFile): string {
  const relative = (file as { webkitRelativePath?: unknown }).webkitRelativePath;
  return typeof relative === 'string' && relative.length > 0 ? relative : file.name;
}

async function errorMessage(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: { message?: unknown } };
    if (typeof body.error?.message === 'string') return body.error.message;
  } catch {
    // not JSON
  }
  return `The app refused the file (HTTP ${res.status}).`;
}

/**
 * Browser mode's `uploads.plan`: a page has File objects but no paths, so each file is streamed to main
 * (`POST /uploads/stage`, the File itself as the body so the browser streams it; the HttpOnly cookie goes
 * along), then main plans the staged folder. A file main refuses (a bad name, too large, a duplicate) is
 * reported as skipped; anything else (the app unreachable, refused access) fails the whole plan.
 */
async function planStagedUploads(
  socket: BridgeSocket,
  fetchFile: Fetch,
  origin: string,
  input: { ref: PlanStagedInput['ref']; files: readonly DroppedFile[]; targetDir?: string },
): Promise<BridgeResult<UploadPlanView>> {
  const skipped: { path: string; reason: string }[] = [];
  let stageId: string | null = null;
  for (const file of input.files) {
    const name = relativeName(file);
    if (!(file instanceof Blob)) {
      skipped.push({ path: name, reason: 'not a file' });
      continue;
    }
    const url = new URL(STAGE_UPLOAD_PATH, origin);
    url.searchParams.set('name', name);
    if (stageId !== null) url.searchParams.set('plan', stageId);
    let res: Response;
    try {
      res = await fetchFile(url.toString(), {
        method: 'POST',
        body: file,
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/octet-stream' },
      });
    } catch {
      return disconnected('The file could not be sent to the app; try again.');
    }
    if (res.ok) {
      stageId = ((await res.json()) as StagedFileReceipt).stageId;
      continue;
    }
    const message = await errorMessage(res);
    if (res.status === 400 || res.status === 409) {
      skipped.push({ path: name, reason: message });
      continue;
    }
    return { ok: false, error: { code: res.status === 403 ? 'forbidden' : 'upload-failed', message } };
  }
  if (stageId === null)
    return {
      ok: false,
      error: {
        code: 'bad-request',
        message: skipped[0]?.reason ?? 'There was nothing to upload.',
      },
    };
  const planInput: PlanStagedInput = {
    ref: input.ref,
    stageId,
    ...(input.targetDir !== undefined ? { targetDir: input.targetDir } : {}),
  };
  const planned = (await socket.call(PLAN_STAGED_CHANNEL, planInput)) as BridgeResult<UploadPlanView>;
  if (!planned.ok || skipped.length === 0) return planned;
  return { ok: true, data: { ...planned.data, skipped: [...skipped, ...planned.data.skipped] } };
}

/** Builds `window.openhands` for browser mode. */
export function createWebBridge(options: WebBridgeOptions = {}): OpenHandsBridge {
  const socket = new BridgeSocket({
    url: options.url ?? `ws://${location.host}/bridge`,
    createSocket: options.createSocket ?? ((url) => new WebSocket(url)),
    minBackoffMs: options.minBackoffMs ?? 250,
    maxBackoffMs: options.maxBackoffMs ?? 10_000,
    callTimeoutMs: options.callTimeoutMs ?? BRIDGE_CALL_TIMEOUT_MS,
    ...(options.onConnection ? { onConnection: options.onConnection } : {}),
  });
  const origin = options.origin ?? location.origin;
  const fetchFile: Fetch = options.fetch ?? ((url, init) => fetch(url, init));
  return buildBridge({
    call: (channel, input) => socket.call(channel, input),
    subscribe: (event, listener) => socket.subscribe(event, listener),
    planUploads: (input) => planStagedUploads(socket, fetchFile, origin, input),
  });
}

/**
 * Installs the browser-mode bridge as `window.openhands` unless the preload already exposed one (Electron),
 * and drops `?token=` from the address bar (the HttpOnly cookie carries it from now on).
 */
export function installWebBridgeIfNeeded(): void {
  if ('openhands' in window) return;
  Object.defineProperty(window, 'openhands', {
    value: Object.freeze(
      createWebBridge({ onConnection: (state) => useConnectionStore.getState().set(state) }),
    ),
    writable: false,
    configurable: false,
  });
  const url = new URL(location.href);
  if (url.searchParams.has('token')) {
    url.searchParams.delete('token');
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
  }
}
