import Busboy from 'busboy';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join, posix } from 'node:path';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { WebSocket, WebSocketServer } from 'ws';
import { AgentConversation, type ConfirmationPolicy } from './agent-conversation';
import {
  type ExecutionStatus,
  EXECUTION_STATUSES,
  messageText,
  qualifiedKind,
  serverErrorEvent,
  type SimEvent,
  stateUpdateEvent,
  withoutNulls,
} from './events';
import type { Faults, RequestLogEntry } from './faults';
import {
  HttpError,
  isRecord,
  parseLimit,
  readJson,
  type RouteContext,
  Router,
  sendJson,
  timeSorter,
  validationError,
} from './http';
import { dashedOf, hexOf, isUuid, newHexId } from './ids';
import type { Scheduler } from './scheduler';
import { SimServer } from './sim-server';

export interface AgentServerOptions {
  sandboxId: string;
  host: string;
  /** Agent-server release to imitate; changes the upload/download routes, `/health` and socket auth. */
  version: string;
  sessionApiKey: string | null;
  filesRoot: string;
  faults: Faults;
  log: RequestLogEntry[];
  scheduler: Scheduler;
  /** First-frame socket auth deadline (10 s on the real server). */
  socketAuthTimeoutMs: number;
}

/** Compares dotted versions numerically. */
export function versionAtLeast(version: string, min: string): boolean {
  const a = version.split('.').map(Number);
  const b = min.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}

const MAX_SOCKET_SUBSCRIBERS = 50;

/**
 * A simulated agent server: what runs inside one sandbox on its own loopback port with its own
 * `session_api_key`. It holds that sandbox's conversations and their events.
 */
export class AgentServer {
  readonly conversations = new Map<string, AgentConversation>();
  readonly server: SimServer;
  private sessionKeys: string[];
  private readonly sockets = new Set<WebSocket>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly startedAt = Date.now();

  constructor(private readonly options: AgentServerOptions) {
    this.sessionKeys = options.sessionApiKey ? [options.sessionApiKey] : [];
    this.server = new SimServer({
      kind: 'agent',
      host: options.host,
      sandboxId: options.sandboxId,
      router: this.routes(),
      faults: options.faults,
      log: options.log,
      guard: (ctx) => this.checkAuth(ctx),
      onError: (res, error) =>
        sendJson(res, 500, {
          detail: 'Internal Server Error',
          exception: error instanceof Error ? error.message : String(error),
          error_id: newHexId(),
        }),
      onUpgrade: (req, socket, head) => this.upgrade(req, socket, head),
    });
  }

  get url(): string {
    return this.server.origin;
  }

  get sessionApiKey(): string | null {
    return this.sessionKeys[0] ?? null;
  }

  /** Replaces the accepted key (the app server hands out the new one); open sockets stay up. */
  setSessionApiKey(key: string | null): void {
    this.sessionKeys = key ? [key] : [];
  }

  create(init: {
    id?: string;
    title?: string;
    llmModel?: string;
    confirmationPolicy?: ConfirmationPolicy;
  }): AgentConversation {
    const id = hexOf(init.id ?? newHexId());
    const conversation = new AgentConversation(
      {
        id,
        title: init.title ?? `Conversation ${id}`,
        workingDir: '/workspace/project',
        llmModel: init.llmModel ?? 'litellm_proxy/claude-sonnet-4-5',
        ...(init.confirmationPolicy ? { confirmationPolicy: init.confirmationPolicy } : {}),
      },
      this.options.scheduler,
    );
    this.conversations.set(id, conversation);
    return conversation;
  }

  get(id: string): AgentConversation | undefined {
    return this.conversations.get(hexOf(id));
  }

  remove(id: string): void {
    const conversation = this.get(id);
    conversation?.dispose();
    this.conversations.delete(hexOf(id));
  }

  /** The sandbox was paused or stopped: nothing answers on the port, every socket drops. */
  async suspend(): Promise<void> {
    for (const c of this.conversations.values()) c.freeze();
    this.dropSockets();
    await this.server.stop();
  }

  async resume(): Promise<void> {
    await this.server.listen();
    for (const c of this.conversations.values()) c.thaw();
  }

  /** Drops every open event socket without a close frame (the client sees 1006). */
  dropSockets(): void {
    for (const ws of this.sockets) ws.terminate();
    this.sockets.clear();
  }

  get openSocketCount(): number {
    return this.sockets.size;
  }

  async close(): Promise<void> {
    for (const c of this.conversations.values()) c.dispose();
    this.dropSockets();
    this.wss.close();
    await this.server.stop();
  }

  private atLeast(min: string): boolean {
    return versionAtLeast(this.options.version, min);
  }

  private keyIsValid(key: string | undefined | null): boolean {
    return this.sessionKeys.length === 0 || (typeof key === 'string' && this.sessionKeys.includes(key));
  }

  private checkAuth(ctx: RouteContext): boolean {
    if (!ctx.url.pathname.startsWith('/api/')) return false;
    const key = ctx.req.headers['x-session-api-key'];
    if (this.keyIsValid(Array.isArray(key) ? key[0] : key)) return false;
    sendJson(ctx.res, 401, { detail: 'Unauthorized' });
    return true;
  }

  /** Path ids are FastAPI UUIDs: dashed or hex, else 422. */
  private conversationParam(ctx: RouteContext): string {
    const id = ctx.params.id ?? '';
    if (!isUuid(id))
      throw validationError(['path', 'conversation_id'], 'Input should be a valid UUID', id, 'uuid_parsing');
    return id;
  }

  private requireConversation(ctx: RouteContext): AgentConversation {
    const id = this.conversationParam(ctx);
    const conversation = this.get(id);
    if (!conversation) throw new HttpError(404, { detail: `Conversation not found: ${dashedOf(id)}` });
    return conversation;
  }

  private routes(): Router {
    const r = new Router();
    const health = this.atLeast('1.12.0') ? { status: 'ok' } : 'OK';
    r.add('GET', '/alive', (c) => sendJson(c.res, 200, { status: 'ok' }));
    r.add('GET', '/health', (c) => sendJson(c.res, 200, health));
    if (this.atLeast('1.12.0')) r.add('GET', '/ready', (c) => sendJson(c.res, 200, { status: 'ready' }));
    r.add('GET', '/server_info', (c) =>
      sendJson(c.res, 200, {
        uptime: (Date.now() - this.startedAt) / 1000,
        idle_time: 0,
        title: 'OpenHands Agent Server',
        version: this.options.version,
        docs: '/docs',
        redoc: '/redoc',
      }),
    );

    r.add('GET', '/api/conversations/search', (c) => {
      const limit = parseLimit(c.query);
      const status = c.query.get('status');
      const sorter = timeSorter<AgentConversation>(c.query);
      const all = [...this.conversations.values()]
        .filter((conv) => !status || conv.executionStatus === status)
        .sort(sorter);
      sendJson(
        c.res,
        200,
        page(
          all.map((conv) => conv.info()),
          c.query.get('page_id'),
          limit,
        ),
      );
    });
    r.add('GET', '/api/conversations/count', (c) => {
      const status = c.query.get('status');
      sendJson(
        c.res,
        200,
        [...this.conversations.values()].filter((conv) => !status || conv.executionStatus === status).length,
      );
    });
    r.add('GET', '/api/conversations', (c) => {
      const ids = c.query.getAll('ids');
      for (const id of ids)
        if (!isUuid(id))
          throw validationError(['query', 'ids'], 'Input should be a valid UUID', id, 'uuid_parsing');
      if (ids.length >= 100) throw new Error('AssertionError: len(ids) < 100');
      sendJson(
        c.res,
        200,
        ids.map((id) => this.get(id)?.info() ?? null),
      );
    });
    r.add('GET', '/api/conversations/:id', (c) => {
      const id = this.conversationParam(c);
      const conv = this.get(id);
      if (!conv) throw new HttpError(404, { detail: 'Not Found' });
      sendJson(c.res, 200, conv.info());
    });
    r.add('PATCH', '/api/conversations/:id', async (c) => {
      const id = this.conversationParam(c);
      const body = await readJson(c.req);
      if (!isRecord(body))
        throw validationError(['body'], 'Input should be a valid dictionary', body, 'dict_type');
      const conv = this.get(id);
      if (!conv) return sendJson(c.res, 200, { success: false });
      if (body.title !== undefined) {
        const title = typeof body.title === 'string' ? body.title.trim() : '';
        if (title.length < 1 || title.length > 200)
          throw validationError(
            ['body', 'title'],
            'String should have between 1 and 200 characters',
            body.title,
          );
        conv.setTitle(title);
      }
      if (isRecord(body.tags))
        conv.tags = Object.fromEntries(Object.entries(body.tags).map(([k, v]) => [k, String(v)]));
      sendJson(c.res, 200, { success: true });
    });
    r.add('DELETE', '/api/conversations/:id', (c) => {
      const id = this.conversationParam(c);
      if (!this.get(id)) throw new HttpError(400, { detail: 'Bad Request' });
      this.remove(id);
      sendJson(c.res, 200, { success: true });
    });

    r.add('POST', '/api/conversations/:id/events', async (c) => {
      const conv = this.requireConversation(c);
      const body = await readJson(c.req);
      if (!isRecord(body))
        throw validationError(['body'], 'Input should be a valid dictionary', body, 'dict_type');
      if (body.role !== undefined && body.role !== 'user')
        throw new Error('AssertionError: role must be user');
      const content = parseContent(body.content, false);
      if (!content)
        throw validationError(['body', 'content'], 'Input should be a valid list', body.content, 'list_type');
      conv.sendMessage(content, body.run === true);
      sendJson(c.res, 200, { success: true });
    });
    r.add('GET', '/api/conversations/:id/events', async (c) => {
      const conv = this.requireConversation(c);
      const ids = await readJson(c.req);
      if (!Array.isArray(ids)) throw validationError(['body'], 'Field required', ids, 'missing');
      sendJson(
        c.res,
        200,
        ids.map((id) => conv.events.find((e) => e.id === id) ?? null),
      );
    });
    r.add('GET', '/api/conversations/:id/events/search', (c) => {
      const conv = this.requireConversation(c);
      const limit = parseLimit(c.query);
      const desc = sortOrder(c.query.get('sort_order'));
      const items = filterEvents(conv.events, c.query);
      if (desc) items.reverse();
      sendJson(
        c.res,
        200,
        page(items, c.query.get('page_id'), limit, (e) => e.id),
      );
    });
    r.add('GET', '/api/conversations/:id/events/count', (c) => {
      const conv = this.requireConversation(c);
      sendJson(c.res, 200, filterEvents(conv.events, c.query).length);
    });
    r.add('POST', '/api/conversations/:id/events/respond_to_confirmation', async (c) => {
      const conv = this.requireConversation(c);
      const body = await readJson(c.req);
      if (!isRecord(body) || typeof body.accept !== 'boolean')
        throw validationError(['body', 'accept'], 'Field required', body, 'missing');
      conv.respond(body.accept, typeof body.reason === 'string' ? body.reason : 'User rejected the action.');
      sendJson(c.res, 200, { success: true });
    });
    r.add('GET', '/api/conversations/:id/events/:eventId', (c) => {
      const conv = this.requireConversation(c);
      const event = conv.events.find((e) => e.id === c.params.eventId);
      if (!event) throw new Error(`KeyError: '${c.params.eventId}'`);
      sendJson(c.res, 200, event);
    });
    r.add('POST', '/api/conversations/:id/run', (c) => {
      const conv = this.requireConversation(c);
      if (conv.run() === 'conflict')
        throw new HttpError(409, {
          detail: 'Conversation already running. Wait for completion or pause first.',
        });
      sendJson(c.res, 200, { success: true });
    });
    r.add('POST', '/api/conversations/:id/pause', (c) => {
      const id = this.conversationParam(c);
      const conv = this.get(id);
      if (!conv) throw new HttpError(400, { detail: 'Bad Request' });
      conv.pause();
      sendJson(c.res, 200, { success: true });
    });
    r.add('POST', '/api/conversations/:id/confirmation_policy', async (c) => {
      const conv = this.requireConversation(c);
      const body = await readJson(c.req);
      const policy = isRecord(body) && isRecord(body.policy) ? body.policy : undefined;
      if (
        !policy ||
        typeof policy.kind !== 'string' ||
        !['NeverConfirm', 'AlwaysConfirm', 'ConfirmRisky'].includes(policy.kind)
      )
        throw validationError(
          ['body', 'policy'],
          'Input tag does not match any of the expected tags',
          body,
          'union_tag_invalid',
        );
      conv.confirmationPolicy = policy as ConfirmationPolicy;
      conv.emit(stateUpdateEvent('confirmation_policy', policy));
      sendJson(c.res, 200, { success: true });
    });

    // Files: the path form exists before 1.20, the query form from 1.14.
    if (this.atLeast('1.14.0')) {
      r.add('POST', '/api/file/upload', (c) => this.upload(c, c.query.get('path')));
      r.add('GET', '/api/file/download', (c) => this.download(c, c.query.get('path')));
    }
    if (!this.atLeast('1.20.0')) {
      r.add('POST', '/api/file/upload/*path', (c) => this.upload(c, c.params.path ?? ''));
      r.add('GET', '/api/file/download/*path', (c) => this.download(c, c.params.path ?? ''));
    }
    return r;
  }

  /** Maps an absolute sandbox path into this sandbox's folder on the host; never outside it. */
  private hostPath(sandboxPath: string): string {
    return join(this.options.filesRoot, posix.normalize(sandboxPath));
  }

  private absolutePath(raw: string | null, forUpload: boolean): string {
    if (raw === null) throw validationError(['query', 'path'], 'Field required', null, 'missing');
    if (!raw.startsWith('/')) {
      // 1.3.0's upload swallowed this 400 into a 500.
      if (forUpload && !this.atLeast('1.4.0'))
        throw new HttpError(500, {
          detail: 'Internal Server Error',
          exception: '500: Failed to upload file: 400: Path must be absolute',
        });
      throw new HttpError(400, { detail: 'Path must be absolute' });
    }
    return raw;
  }

  /** Streams the multipart field `file` straight to disk; other fields are ignored. */
  private async upload(ctx: RouteContext, rawPath: string | null): Promise<void> {
    const target = this.hostPath(this.absolutePath(rawPath, true));
    const type = ctx.req.headers['content-type'] ?? '';
    if (!type.startsWith('multipart/form-data'))
      throw validationError(['body', 'file'], 'Field required', null, 'missing');
    await mkdir(join(target, '..'), { recursive: true });
    const written = await new Promise<boolean>((resolve, reject) => {
      const parser = Busboy({ headers: ctx.req.headers });
      let saw = false;
      let writing: Promise<void> = Promise.resolve();
      parser.on('file', (name, stream) => {
        if (name !== 'file' || saw) {
          stream.resume();
          return;
        }
        saw = true;
        writing = pipeline(stream, createWriteStream(target));
      });
      parser.on('close', () => {
        writing.then(() => resolve(saw), reject);
      });
      parser.on('error', reject);
      ctx.req.pipe(parser);
    });
    if (!written) throw validationError(['body', 'file'], 'Field required', null, 'missing');
    sendJson(ctx.res, 200, { success: true });
  }

  private async download(ctx: RouteContext, rawPath: string | null): Promise<void> {
    const sandboxPath = this.absolutePath(rawPath, false);
    const target = this.hostPath(sandboxPath);
    const info = await stat(target).catch(() => undefined);
    if (!info) throw new HttpError(404, { detail: 'File not found' });
    if (!info.isFile()) throw new HttpError(400, { detail: 'Path is not a file' });
    ctx.res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(info.size),
      'content-disposition': `attachment; filename="${posix.basename(sandboxPath)}"`,
    });
    // Exactly the announced size, even if an interrupted upload is still writing to the file.
    if (info.size === 0) ctx.res.end();
    else await pipeline(createReadStream(target, { end: info.size - 1 }), ctx.res);
  }

  private refuseHandshake(socket: Duplex, status = 403): void {
    socket.end(`HTTP/1.1 ${status} Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    socket.destroy();
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    const entry: RequestLogEntry = {
      at: Date.now(),
      server: 'agent',
      sandboxId: this.options.sandboxId,
      method: 'GET',
      path: url.pathname,
      url: req.url ?? '/',
      headers: { ...req.headers },
    };
    this.options.log.push(entry);
    const match = /^\/sockets\/events\/([^/]+)$/.exec(url.pathname);
    const id = match?.[1] ?? '';
    if (!match || !isUuid(id)) {
      entry.status = 403;
      return this.refuseHandshake(socket);
    }
    const queryKey = url.searchParams.get('session_api_key');
    const headerKeyRaw = this.atLeast('1.12.0') ? req.headers['x-session-api-key'] : undefined;
    const headerKey = Array.isArray(headerKeyRaw) ? headerKeyRaw[0] : headerKeyRaw;
    const offered = queryKey ?? headerKey;
    const needsAuth = this.sessionKeys.length > 0;
    if (needsAuth && offered !== undefined && !this.keyIsValid(offered)) {
      entry.status = 403;
      return this.refuseHandshake(socket);
    }
    if (needsAuth && offered === undefined && !this.atLeast('1.19.0')) {
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

  /** First-frame auth (≥1.19): `{"type":"auth","session_api_key":…}` within the deadline, else 4001. */
  private awaitAuthFrame(ws: WebSocket, id: string, url: URL): void {
    const timer = setTimeout(() => ws.close(4001, 'Authentication failed'), this.options.socketAuthTimeoutMs);
    ws.once('message', (data) => {
      clearTimeout(timer);
      let frame: unknown;
      try {
        frame = JSON.parse(rawDataToString(data));
      } catch {
        frame = undefined;
      }
      if (
        isRecord(frame) &&
        frame.type === 'auth' &&
        typeof frame.session_api_key === 'string' &&
        this.keyIsValid(frame.session_api_key)
      ) {
        this.attach(ws, id, url);
      } else {
        ws.close(4001, 'Authentication failed');
      }
    });
  }

  private attach(ws: WebSocket, id: string, url: URL): void {
    const conversation = this.get(id);
    if (!conversation) {
      ws.close(4004, 'Conversation not found');
      return;
    }
    if (this.atLeast('1.23.0') && conversation.subscriberCount >= MAX_SOCKET_SUBSCRIBERS) {
      ws.close(1013, 'Too many connections for this conversation');
      return;
    }
    const send = (event: SimEvent): void => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(withoutNulls(event)));
    };
    // The snapshot goes first; the subscription starts before the replay, so events can arrive twice.
    send(stateUpdateEvent('full_state', conversation.state()));
    const unsubscribe = conversation.subscribe(send);
    ws.on('close', unsubscribe);

    const q = url.searchParams;
    // resend_mode arrived in 1.15; resend_all=true is the older (deprecated) spelling of `all`.
    const resendMode = this.atLeast('1.15.0') ? q.get('resend_mode') : null;
    const mode = resendMode ?? (q.get('resend_all') === 'true' ? 'all' : undefined);
    if (mode === 'all') for (const e of [...conversation.events]) send(e);
    if (mode === 'since') {
      const after = q.get('after_timestamp');
      if (after)
        for (const e of conversation.events.filter((ev) => ev.timestamp >= normalizeTimestamp(after)))
          send(e);
    }

    ws.on('message', (data) => {
      let frame: unknown;
      try {
        frame = JSON.parse(rawDataToString(data));
      } catch {
        return this.frameError(ws, 'JSONDecodeError', 'Invalid JSON');
      }
      if (isRecord(frame) && frame.type === 'auth') return;
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

  private frameError(ws: WebSocket, code: string, detail: string): void {
    if (!this.atLeast('1.16.0')) return;
    if (ws.readyState === WebSocket.OPEN)
      ws.send(JSON.stringify(withoutNulls(serverErrorEvent(code, detail))));
  }
}

function rawDataToString(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/** Content parts the SDK accepts: `{type:"text",text}` and `{type:"image",image_urls:[…]}`. */
function parseContent(raw: unknown, allowString: boolean): unknown[] | undefined {
  if (allowString && typeof raw === 'string') return [{ type: 'text', text: raw }];
  if (!Array.isArray(raw)) return undefined;
  const ok = raw.every(
    (part) =>
      isRecord(part) &&
      ((part.type === 'text' && typeof part.text === 'string') ||
        (part.type === 'image' &&
          Array.isArray(part.image_urls) &&
          part.image_urls.every((u) => typeof u === 'string'))),
  );
  return ok ? raw : undefined;
}

function sortOrder(raw: string | null): boolean {
  if (raw === null || raw === 'TIMESTAMP') return false;
  if (raw === 'TIMESTAMP_DESC') return true;
  throw validationError(
    ['query', 'sort_order'],
    "Input should be 'TIMESTAMP' or 'TIMESTAMP_DESC'",
    raw,
    'enum',
  );
}

/** A timezone-aware filter value is converted to the server's local time (UTC here); naive values compare as strings. */
function normalizeTimestamp(raw: string): string {
  if (/[zZ]|[+-]\d\d:\d\d$/.test(raw)) {
    const t = Date.parse(raw);
    if (!Number.isNaN(t))
      return new Date(t)
        .toISOString()
        .slice(0, 23)
        .replace(/\.(\d{3})$/, '.$1000');
  }
  return raw;
}

function filterEvents(events: SimEvent[], q: URLSearchParams): SimEvent[] {
  const kind = q.get('kind');
  const source = q.get('source');
  const body = q.get('body')?.toLowerCase();
  const gte = q.get('timestamp__gte');
  const lt = q.get('timestamp__lt');
  return events.filter(
    (e) =>
      (!kind || qualifiedKind(e.kind) === kind) &&
      (!source || e.source === source) &&
      (!body || (e.kind === 'MessageEvent' && messageText(e).toLowerCase().includes(body))) &&
      (!gte || e.timestamp >= normalizeTimestamp(gte)) &&
      (!lt || e.timestamp < normalizeTimestamp(lt)),
  );
}

/**
 * Agent-server paging: `next_page_id` is the id of the first item of the next page, and passing it back
 * starts at that item (inclusive). An unknown page id restarts from the beginning.
 */
function page<T>(
  items: T[],
  pageId: string | null,
  limit: number,
  idOf: (item: T) => string = (item) => String((item as { id: unknown }).id),
): { items: T[]; next_page_id: string | null } {
  let start = 0;
  if (pageId) {
    const index = items.findIndex((item) => idOf(item) === pageId);
    start = index >= 0 ? index : 0;
  }
  const slice = items.slice(start, start + limit);
  const next = items[start + limit];
  return { items: slice, next_page_id: next ? idOf(next) : null };
}

export function isExecutionStatus(value: string): value is ExecutionStatus {
  return (EXECUTION_STATUSES as readonly string[]).includes(value) || value === 'deleting';
}
