import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { AgentConversation } from './agent-conversation';
import { serverErrorEvent, type SimEvent, stateUpdateEvent, withoutNulls } from './events';
import type { RequestLogEntry } from './faults';
import { isRecord } from './http';
import { isUuid } from './ids';
import { normalizeTimestamp, parseContent } from './agent-wire';

/** What the event socket needs from its agent server. */
export interface SocketHost {
  readonly sandboxId: string;
  readonly log: RequestLogEntry[];
  /** First-frame auth deadline (10 s on the real server). */
  readonly authTimeoutMs: number;
  atLeast(min: string): boolean;
  /** True when the server has session keys (else sockets are open). */
  needsAuth(): boolean;
  keyIsValid(key: string | undefined | null): boolean;
  /** The request path with the server's `root_path` stripped. */
  routedPath(path: string): string;
  conversation(id: string): AgentConversation | undefined;
  /** An event as the socket sends it (null and `parent_id` rules by release). */
  socketFrame(event: SimEvent): unknown;
}

const MAX_SOCKET_SUBSCRIBERS = 50;
const AUTH_FRAME_KEYS = new Set(['type', 'session_api_key']);

/**
 * `/sockets/events/{conversation_id}` (§4.8): query or header key first (a bad one is refused before
 * accept, HTTP 403), else first-frame auth (≥1.18.1), then the `full_state` snapshot, replay and live
 * events.
 */
export class EventSockets {
  private readonly sockets = new Set<WebSocket>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private dropFullStates = 0;

  constructor(private readonly host: SocketHost) {}

  get openCount(): number {
    return this.sockets.size;
  }

  /**
   * The next socket's initial `full_state` push is lost, as when the real server's bounded send
   * (0.5 s, ≥1.22.0) times out: the subscription stays and live events still flow. Older servers had
   * no bound (they waited), so there this has no effect.
   */
  dropNextFullState(count = 1): void {
    this.dropFullStates += count;
  }

  /** Drops every open socket without a close frame (the client sees 1006). */
  dropAll(): void {
    for (const ws of this.sockets) ws.terminate();
    this.sockets.clear();
  }

  close(): void {
    this.dropAll();
    this.wss.close();
  }

  private refuseHandshake(socket: Duplex, status = 403): void {
    socket.end(`HTTP/1.1 ${status} Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    socket.destroy();
  }

  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    const entry: RequestLogEntry = {
      at: Date.now(),
      server: 'agent',
      sandboxId: this.host.sandboxId,
      method: 'GET',
      path: this.host.routedPath(url.pathname),
      url: req.url ?? '/',
      headers: { ...req.headers },
    };
    this.host.log.push(entry);
    const match = /^\/sockets\/events\/([^/]+)$/.exec(entry.path);
    const id = match?.[1] ?? '';
    if (!match || !isUuid(id)) {
      entry.status = 403;
      return this.refuseHandshake(socket);
    }
    const queryKey = url.searchParams.get('session_api_key');
    const headerKeyRaw = this.host.atLeast('1.12.0') ? req.headers['x-session-api-key'] : undefined;
    const headerKey = Array.isArray(headerKeyRaw) ? headerKeyRaw[0] : headerKeyRaw;
    const offered = queryKey ?? headerKey;
    const needsAuth = this.host.needsAuth();
    // A query/header key decides alone, and a bad one is refused before accept (never a visible 4001).
    if (needsAuth && offered !== undefined && !this.host.keyIsValid(offered)) {
      entry.status = 403;
      return this.refuseHandshake(socket);
    }
    if (needsAuth && offered === undefined && !this.host.atLeast('1.18.1')) {
      entry.status = 403;
      return this.refuseHandshake(socket);
    }
    entry.status = 101;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.sockets.add(ws);
      ws.on('close', () => this.sockets.delete(ws));
      ws.on('error', () => ws.terminate());
      if (needsAuth && offered === undefined) this.awaitAuthFrame(ws, id, url);
      else this.attach(ws, id, url);
    });
  }

  /** First-frame auth (≥1.18.1): `{"type":"auth","session_api_key":…}` within the deadline, else 4001. */
  private awaitAuthFrame(ws: WebSocket, id: string, url: URL): void {
    const timer = setTimeout(() => ws.close(4001, 'Authentication failed'), this.host.authTimeoutMs);
    ws.once('message', (data) => {
      clearTimeout(timer);
      const frame = parseFrame(data);
      if (
        isRecord(frame) &&
        frame.type === 'auth' &&
        typeof frame.session_api_key === 'string' &&
        this.host.keyIsValid(frame.session_api_key)
      ) {
        this.attach(ws, id, url);
      } else {
        ws.close(4001, 'Authentication failed');
      }
    });
  }

  private attach(ws: WebSocket, id: string, url: URL): void {
    const conversation = this.host.conversation(id);
    if (!conversation) {
      ws.close(4004, 'Conversation not found');
      return;
    }
    if (this.host.atLeast('1.22.1') && conversation.subscriberCount >= MAX_SOCKET_SUBSCRIBERS) {
      ws.close(1013, 'Too many connections for this conversation');
      return;
    }
    const send = (event: SimEvent): void => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(this.host.socketFrame(event)));
    };
    // The snapshot goes first (unless its bounded send is made to fail); the subscription starts
    // before the replay, so events can arrive twice.
    const dropSnapshot = this.dropFullStates > 0 && this.host.atLeast('1.22.0');
    if (dropSnapshot) this.dropFullStates--;
    else send(stateUpdateEvent('full_state', conversation.state()));
    const unsubscribe = conversation.subscribe(send);
    ws.on('close', unsubscribe);

    const q = url.searchParams;
    // resend_mode arrived in 1.15; resend_all=true is the older (deprecated) spelling of `all`.
    const resendMode = this.host.atLeast('1.15.0') ? q.get('resend_mode') : null;
    const mode = resendMode ?? (q.get('resend_all') === 'true' ? 'all' : undefined);
    if (mode === 'all') for (const e of [...conversation.events]) send(e);
    if (mode === 'since') {
      const after = q.get('after_timestamp');
      if (after)
        for (const e of conversation.events.filter((ev) => ev.timestamp >= normalizeTimestamp(after)))
          send(e);
    }

    ws.on('message', (data) => {
      const frame = parseFrame(data);
      if (frame === undefined) return this.frameError(ws, 'JSONDecodeError', 'Invalid JSON');
      if (this.isRedundantAuthFrame(frame)) return;
      if (!isRecord(frame) || frame.role !== 'user')
        return this.frameError(
          ws,
          isRecord(frame) && 'role' in frame ? 'AssertionError' : 'ValidationError',
          'role: Field required',
        );
      const content = parseContent(frame.content, true);
      if (!content) return this.frameError(ws, 'ValidationError', 'content: Input should be a valid list');
      conversation.sendMessage(content, true);
    });
  }

  /**
   * From 1.22.1 an auth frame after auth is ignored when its keys are a subset of {type,
   * session_api_key}; before that (and with extra keys) it is parsed as a message and fails validation.
   */
  private isRedundantAuthFrame(frame: unknown): boolean {
    return (
      this.host.atLeast('1.22.1') &&
      isRecord(frame) &&
      frame.type === 'auth' &&
      Object.keys(frame).every((k) => AUTH_FRAME_KEYS.has(k))
    );
  }

  private frameError(ws: WebSocket, code: string, detail: string): void {
    if (!this.host.atLeast('1.16.0')) return;
    if (ws.readyState === WebSocket.OPEN)
      ws.send(JSON.stringify(withoutNulls(serverErrorEvent(code, detail))));
  }
}

/** A client frame as JSON, or undefined when it is not JSON. */
function parseFrame(data: WebSocket.RawData): unknown {
  try {
    return JSON.parse(rawDataToString(data)) as unknown;
  } catch {
    return undefined;
  }
}

function rawDataToString(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
