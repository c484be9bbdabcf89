// Browser mode's `window.openhands`: the same shape as the preload's bridge, carried over the WebSocket that
// `npm run web` serves on `/bridge` (src/main/web/web-server.ts). The HttpOnly cookie set with the page
// carries the token; main validates every input with the same dispatch as Electron IPC.
import type { EventName, InvokeChannel } from '../shared/bridge/channels';
import type { BridgeResult, OpenHandsBridge } from '../shared/bridge/contract';
import { buildBridge } from '../shared/bridge/build-bridge';

interface Pending {
  resolve: (result: BridgeResult<never>) => void;
}

interface Outgoing {
  id: number;
  channel: InvokeChannel;
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

  constructor(private readonly options: Required<WebBridgeOptions>) {
    this.backoffMs = options.minBackoffMs;
    this.connect();
  }

  call(channel: InvokeChannel, input: unknown): Promise<BridgeResult<never>> {
    return new Promise((resolve) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve });
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
      for (const frame of this.queue.splice(0)) this.send(frame);
    });
    socket.addEventListener('message', (event: MessageEvent) => {
      this.receive(event.data);
    });
    socket.addEventListener('close', () => {
      this.open = false;
      this.socket = undefined;
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

/** Builds `window.openhands` for browser mode. */
export function createWebBridge(options: WebBridgeOptions = {}): OpenHandsBridge {
  const socket = new BridgeSocket({
    url: options.url ?? `ws://${location.host}/bridge`,
    createSocket: options.createSocket ?? ((url) => new WebSocket(url)),
    minBackoffMs: options.minBackoffMs ?? 250,
    maxBackoffMs: options.maxBackoffMs ?? 10_000,
  });
  return buildBridge({
    call: (channel, input) => socket.call(channel, input),
    subscribe: (event, listener) => socket.subscribe(event, listener),
    // A page has no file paths; uploads from a browser tab need their own upload UI (a later issue).
    planUploads: () =>
      Promise.resolve({
        ok: false as const,
        error: {
          code: 'unsupported',
          message: 'Drag-and-drop uploads in browser mode arrive with the upload UI.',
        },
      }),
  });
}

/**
 * Installs the browser-mode bridge as `window.openhands` unless the preload already exposed one (Electron),
 * and drops `?token=` from the address bar (the HttpOnly cookie carries it from now on).
 */
export function installWebBridgeIfNeeded(): void {
  if ('openhands' in window) return;
  Object.defineProperty(window, 'openhands', {
    value: Object.freeze(createWebBridge()),
    writable: false,
    configurable: false,
  });
  const url = new URL(location.href);
  if (url.searchParams.has('token')) {
    url.searchParams.delete('token');
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
  }
}
