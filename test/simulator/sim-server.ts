import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Faults, RequestLogEntry, ServerKind } from './faults';
import { HttpError, type RouteContext, type Router, sendInternalError, sendJson } from './http';

export interface SimServerOptions {
  kind: ServerKind;
  host: string;
  sandboxId?: string;
  router: Router;
  faults: Faults;
  log: RequestLogEntry[];
  /** Runs before routing (rate limits, auth); returns true when it has answered. */
  guard?: (ctx: RouteContext) => Promise<boolean> | boolean;
  /** Answers an unexpected exception the way the real server does. */
  onError?: (res: ServerResponse, error: unknown) => void;
  /** WebSocket upgrades. */
  onUpgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  /** Test-control routes under `/_sim/`: not logged, never faulted. */
  control?: Router;
  /**
   * Maps the decoded request path to the one routes, faults and the log see (the agent server's
   * `root_path`: `/runtime/<port>/api/…` is answered as `/api/…`). Default: unchanged.
   */
  routePath?: (path: string) => string;
}

/**
 * One listening HTTP server of the simulator (the app server or one agent server): it logs every
 * request, applies injected faults, and can go offline and come back on the same port.
 */
export class SimServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private boundPort = 0;
  private listening = false;

  constructor(private readonly options: SimServerOptions) {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    this.server.keepAliveTimeout = 5000;
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    if (options.onUpgrade) this.server.on('upgrade', options.onUpgrade);
  }

  get port(): number {
    return this.boundPort;
  }

  get isListening(): boolean {
    return this.listening;
  }

  get origin(): string {
    return `http://${this.options.host}:${this.boundPort}`;
  }

  /** Listens on `port`, or on the port it had before, so a server that went offline comes back where it was. */
  async listen(port = this.boundPort): Promise<void> {
    if (this.listening) return;
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen(port, this.options.host, () => {
        this.server.off('error', onError);
        resolve();
      });
    });
    const address = this.server.address();
    if (address && typeof address === 'object') this.boundPort = address.port;
    this.listening = true;
  }

  /** Stops listening and drops every open connection, WebSockets included. */
  async stop(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    let decoded: string;
    try {
      decoded = decodeURIComponent(url.pathname);
    } catch {
      sendJson(res, 400, { detail: 'Invalid URL encoding' });
      return;
    }
    const path = this.options.routePath ? this.options.routePath(decoded) : decoded;
    const method = req.method ?? 'GET';
    const base = { req, res, url, query: url.searchParams };

    if (this.options.control && path.startsWith('/_sim/')) {
      await this.route(this.options.control, { ...base, params: {} }, method, path);
      return;
    }

    const entry: RequestLogEntry = {
      at: Date.now(),
      server: this.options.kind,
      method,
      path,
      url: req.url ?? '/',
      headers: { ...req.headers },
      ...(this.options.sandboxId ? { sandboxId: this.options.sandboxId } : {}),
    };
    this.options.log.push(entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
    });

    const { action, latencyMs } = this.options.faults.pick(this.options.kind, method, path);
    if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
    if (action) {
      entry.fault = action.kind;
      this.applyFault(action, req, res);
      return;
    }

    const ctx: RouteContext = { ...base, params: {} };
    try {
      if (this.options.guard && (await this.options.guard(ctx))) return;
    } catch (error) {
      this.fail(res, error);
      return;
    }
    await this.route(this.options.router, ctx, method, path);
  }

  private async route(router: Router, ctx: RouteContext, method: string, path: string): Promise<void> {
    const found = router.match(method, path);
    if (found === undefined) {
      sendJson(ctx.res, 404, { detail: 'Not Found' });
      return;
    }
    if (found === 'method') {
      sendJson(ctx.res, 405, { detail: 'Method Not Allowed' });
      return;
    }
    try {
      await found.handler({ ...ctx, params: found.params });
    } catch (error) {
      this.fail(ctx.res, error);
    }
  }

  private fail(res: ServerResponse, error: unknown): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error instanceof HttpError) {
      sendJson(res, error.status, error.body, error.headers);
      return;
    }
    if (this.options.onError) this.options.onError(res, error);
    else sendInternalError(res);
  }

  private applyFault(
    action: NonNullable<ReturnType<Faults['pick']>['action']>,
    req: IncomingMessage,
    res: ServerResponse,
  ): void {
    switch (action.kind) {
      case 'drop':
      case 'reset':
        req.socket.destroy();
        return;
      case 'hang':
        return;
      case 'error':
        if (this.options.onError) this.options.onError(res, new Error('Injected fault'));
        else sendInternalError(res);
        return;
      case '429':
        sendJson(res, 429, { message: 'Too many requests' }, { 'retry-after': String(action.retryAfter) });
        return;
      case 'status':
        sendJson(res, action.status, action.body ?? { detail: 'Injected fault' }, action.headers);
        return;
      case 'raw':
        res.writeHead(action.status ?? 200, { 'content-type': action.contentType ?? 'application/json' });
        res.end(action.body);
        return;
      case 'resetMidBody':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '4096' });
        res.write('{"items": [{"id": "');
        setTimeout(() => req.socket.destroy(), 20);
        return;
      case 'huge':
        streamHugeJson(res, action.bytes);
        return;
    }
  }
}

/** Streams `{"items":[],"padding":"xxxx…"}` about `bytes` long without holding it in memory. */
function streamHugeJson(res: ServerResponse, bytes: number): void {
  const head = '{"items":[],"next_page_id":null,"padding":"';
  const tail = '"}';
  const padding = Math.max(0, bytes - head.length - tail.length);
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': String(head.length + padding + tail.length),
  });
  res.write(head);
  const chunk = 'x'.repeat(64 * 1024);
  let left = padding;
  const pump = (): void => {
    while (left > 0) {
      const piece = left >= chunk.length ? chunk : chunk.slice(0, left);
      left -= piece.length;
      if (!res.write(piece)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end(tail);
  };
  res.on('close', () => {
    left = 0;
  });
  pump();
}
