// WebSocket test client for the simulated agent server's event socket (`/sockets/events/{id}`), shared by
// the simulator's socket tests. Call `closeSocketsAfterEach()` once per test file so the sockets a test opens are
// terminated after it.
import { afterEach, expect } from 'vitest';
import { WebSocket } from 'ws';

export type Frame = Record<string, unknown>;

export interface Ev {
  kind: string;
  id: string;
  timestamp: string;
  source: string;
  parent_id?: string | null;
  [key: string]: unknown;
}

export class HandshakeRefused extends Error {
  constructor(readonly status: number) {
    super(`handshake refused with HTTP ${status}`);
  }
}

export interface Client {
  ws: WebSocket;
  /** Every server frame, parsed, in arrival order. */
  frames: Frame[];
  closed: Promise<{ code: number; reason: string }>;
  send(frame: unknown): void;
}

const open: WebSocket[] = [];

/** Terminates every socket opened since the last call. */
export function closeAll(): void {
  for (const ws of open.splice(0)) ws.terminate();
}

/** Registers `closeAll` to run after each test of the calling file. */
export function closeSocketsAfterEach(): void {
  afterEach(closeAll);
}

export interface SocketOptions {
  /** Query parameters of the socket URL. */
  query?: Record<string, string>;
  /** Headers of the upgrade request. */
  headers?: Record<string, string>;
  /** Expect every server frame to be a text frame (one text frame = one event, §4.8). */
  textOnly?: boolean;
}

/**
 * Opens `ws://{host of base}{path prefix of base}/sockets/events/{id}`. Resolves once the socket is open;
 * rejects with HandshakeRefused(status) when the server answers the upgrade with a plain HTTP response.
 */
export function openEventSocket(base: string, id: string, options: SocketOptions = {}): Promise<Client> {
  const { host, pathname } = new URL(base);
  const qs = new URLSearchParams(options.query ?? {}).toString();
  const url = `ws://${host}${pathname.replace(/\/$/, '')}/sockets/events/${id}${qs ? `?${qs}` : ''}`;
  const ws = new WebSocket(url, { headers: options.headers ?? {} });
  open.push(ws);
  const frames: Frame[] = [];
  ws.on('message', (data, isBinary) => {
    if (options.textOnly) expect(isBinary).toBe(false);
    frames.push(JSON.parse(rawText(data)) as Frame);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  return new Promise<Client>((resolve, reject) => {
    ws.on('open', () =>
      resolve({
        ws,
        frames,
        closed,
        send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
      }),
    );
    ws.on('unexpected-response', (_req, res) => {
      reject(new HandshakeRefused(res.statusCode ?? 0));
      ws.terminate();
    });
    ws.on('error', (error) => reject(error)); // no-op once settled
  });
}

export function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString('utf8');
}

/** The HTTP status a refused handshake was answered with; throws if the handshake was accepted. */
export async function refusedStatus(promise: Promise<Client>): Promise<number> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HandshakeRefused) return error.status;
    throw error;
  }
  throw new Error('the handshake was accepted');
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const isFullState = (f: Frame | undefined): boolean =>
  f?.kind === 'ConversationStateUpdateEvent' && f.key === 'full_state';

/** Paths of every null value, recursively. */
export function nullPaths(value: unknown, path = '$'): string[] {
  if (value === null) return [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => nullPaths(v, `${path}[${i}]`));
  if (typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => nullPaths(v, `${path}.${k}`));
  return [];
}
