import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { addConversationRoutes } from './agent-conversation-routes';
import {
  AgentConversation,
  type AgentConversationInit,
  type AgentKind,
  type ConfirmationPolicy,
} from './agent-conversation';
import { addFileRoutes, SANDBOX_HOME } from './agent-file-routes';
import { EventSockets } from './agent-socket';
import { type EventChannel, eventOnWire } from './agent-wire';
import { type ExecutionStatus, EXECUTION_STATUSES, type SimEvent } from './events';
import type { Faults, RequestLogEntry } from './faults';
import { type RouteContext, Router, sendJson } from './http';
import { hexOf, newHexId } from './ids';
import { SandboxFiles } from './sandbox-files';
import type { Scheduler } from './scheduler';
import { SimServer } from './sim-server';
import { versionAtLeast } from './version';

export { versionAtLeast };

export interface AgentServerOptions {
  sandboxId: string;
  host: string;
  /** Agent-server release to imitate; gates routes, fields and socket behaviour (see docs). */
  version: string;
  sessionApiKey: string | null;
  filesRoot: string;
  faults: Faults;
  log: RequestLogEntry[];
  scheduler: Scheduler;
  /** First-frame socket auth deadline (10 s on the real server). */
  socketAuthTimeoutMs: number;
  /**
   * The server's `root_path` (from `OH_WEB_URL`, ≥1.14), e.g. `/runtime/{port}`; `{port}` is replaced by
   * the listening port. HTTP routes and the socket answer both with and without it, as behind a proxy
   * that may or may not strip it. `baseUrl` includes it.
   */
  pathPrefix?: string;
}

/** The working directory of conversations the app server starts (its repository clone). */
const PROJECT_DIR = '/workspace/project';

/**
 * A simulated agent server: what runs inside one sandbox on its own loopback port with its own
 * `session_api_key`. It holds that sandbox's conversations and their events.
 */
export class AgentServer {
  readonly conversations = new Map<string, AgentConversation>();
  readonly server: SimServer;
  readonly files: SandboxFiles;
  private sessionKeys: string[];
  private readonly router: Router;
  private readonly sockets: EventSockets;
  private readonly startedAt = Date.now();

  constructor(private readonly options: AgentServerOptions) {
    this.sessionKeys = options.sessionApiKey ? [options.sessionApiKey] : [];
    this.files = new SandboxFiles(options.filesRoot);
    this.files.writeText(`${SANDBOX_HOME}/.bashrc`, '# simulated\n');
    this.files.writeText(`${SANDBOX_HOME}/projects/.keep`, '');
    this.sockets = new EventSockets({
      sandboxId: options.sandboxId,
      log: options.log,
      authTimeoutMs: options.socketAuthTimeoutMs,
      atLeast: (min) => this.atLeast(min),
      needsAuth: () => this.sessionKeys.length > 0,
      keyIsValid: (key) => this.keyIsValid(key),
      routedPath: (path) => this.routedPath(path),
      conversation: (id) => this.get(id),
      socketFrame: (event) => this.wire(event, 'socket'),
    });
    this.router = this.routes();
    this.server = new SimServer({
      kind: 'agent',
      host: options.host,
      sandboxId: options.sandboxId,
      router: this.router,
      faults: options.faults,
      log: options.log,
      guard: (ctx) => this.checkAuth(ctx),
      onError: (res, error) =>
        sendJson(res, 500, {
          detail: 'Internal Server Error',
          exception: error instanceof Error ? error.message : String(error),
          error_id: newHexId(),
        }),
      onUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) =>
        this.sockets.upgrade(req, socket, head),
      routePath: (path) => this.routedPath(path),
    });
  }

  get url(): string {
    return this.server.origin;
  }

  /** The resolved `root_path` ('' without one). */
  get pathPrefix(): string {
    const raw = this.options.pathPrefix ?? '';
    return raw.replace('{port}', String(this.server.port)).replace(/\/+$/, '');
  }

  /** Origin + path prefix: what clients (and `conversation_url`) should use as the server's base. */
  get baseUrl(): string {
    return `${this.server.origin}${this.pathPrefix}`;
  }

  get version(): string {
    return this.options.version;
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
    /** Undefined: the app server's placeholder title; null: untitled until the first message. */
    title?: string | null;
    llmModel?: string;
    confirmationPolicy?: ConfirmationPolicy;
    workingDir?: string;
    agentKind?: AgentKind;
    tags?: Record<string, string>;
    maxIterations?: number;
    stuckDetection?: boolean;
    autotitle?: boolean;
    fork?: AgentConversationInit['fork'];
    parentConversationId?: string | null;
  }): AgentConversation {
    const id = hexOf(init.id ?? newHexId());
    const workingDir = init.workingDir ?? PROJECT_DIR;
    // The app server clones a repository there; its commit is what /api/git/changes compares with.
    if (workingDir === PROJECT_DIR)
      this.files.initRepository(PROJECT_DIR, { 'README.md': '# project\n\nA simulated repository.\n' });
    const conversation = new AgentConversation(
      {
        id,
        title: init.title === undefined ? `Conversation ${id}` : init.title,
        workingDir,
        llmModel: init.llmModel ?? 'litellm_proxy/claude-sonnet-4-5',
        version: this.options.version,
        files: this.files,
        ...(init.agentKind ? { agentKind: init.agentKind } : {}),
        ...(init.confirmationPolicy ? { confirmationPolicy: init.confirmationPolicy } : {}),
        ...(init.tags ? { tags: init.tags } : {}),
        ...(init.maxIterations !== undefined ? { maxIterations: init.maxIterations } : {}),
        ...(init.stuckDetection !== undefined ? { stuckDetection: init.stuckDetection } : {}),
        ...(init.autotitle !== undefined ? { autotitle: init.autotitle } : {}),
        ...(init.fork ? { fork: init.fork } : {}),
        ...(init.parentConversationId ? { parentConversationId: init.parentConversationId } : {}),
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
    this.sockets.dropAll();
  }

  /**
   * Test control: the next socket's initial `full_state` push (`count` sockets') is dropped silently,
   * as the real server does when that send takes over 0.5 s (≥1.22.0). No effect on older releases.
   */
  dropNextFullState(count = 1): void {
    this.sockets.dropNextFullState(count);
  }

  get openSocketCount(): number {
    return this.sockets.openCount;
  }

  async close(): Promise<void> {
    for (const c of this.conversations.values()) c.dispose();
    this.sockets.close();
    await this.server.stop();
  }

  atLeast(min: string): boolean {
    return versionAtLeast(this.options.version, min);
  }

  /** An event as `channel` serialises it in this release. */
  wire(event: SimEvent, channel: EventChannel): unknown {
    return eventOnWire(this.options.version, event, channel);
  }

  /** Starlette strips `root_path` when the path starts with it; other paths are routed as they are. */
  routedPath(path: string): string {
    const prefix = this.pathPrefix;
    if (prefix && (path === prefix || path.startsWith(`${prefix}/`))) return path.slice(prefix.length) || '/';
    return path;
  }

  private keyIsValid(key: string | undefined | null): boolean {
    return this.sessionKeys.length === 0 || (typeof key === 'string' && this.sessionKeys.includes(key));
  }

  /**
   * FastAPI runs the `/api` router's auth dependency only for a matched route: an unknown path is 404
   * and a wrong method 405 whatever the key, and a matched route without a good key is 401 before any
   * parameter is validated.
   */
  private checkAuth(ctx: RouteContext): boolean {
    let path: string;
    try {
      path = this.routedPath(decodeURIComponent(ctx.url.pathname));
    } catch {
      return false;
    }
    if (!path.startsWith('/api/')) return false;
    const found = this.router.match(ctx.req.method ?? 'GET', path);
    if (found === undefined || found === 'method') return false;
    const key = ctx.req.headers['x-session-api-key'];
    if (this.keyIsValid(Array.isArray(key) ? key[0] : key)) return false;
    sendJson(ctx.res, 401, { detail: 'Unauthorized' });
    return true;
  }

  private serverInfo(): Record<string, unknown> {
    const v = this.options.version;
    const info: Record<string, unknown> = {
      uptime: Math.floor((Date.now() - this.startedAt) / 1000),
      idle_time: 0,
      title: 'OpenHands Agent Server',
      version: v,
    };
    if (this.atLeast('1.12.0'))
      Object.assign(info, {
        sdk_version: v,
        tools_version: v,
        workspace_version: v,
        build_git_sha: 'unknown',
        build_git_ref: 'unknown',
        python_version: '3.13.5',
      });
    if (this.atLeast('1.23.0'))
      Object.assign(info, {
        usable_tools: ['terminal', 'file_editor', 'task_tracker', 'browser_tool_set'],
        runtime_idle_timeout_seconds: null,
        max_foreground_terminal_timeout_seconds: null,
      });
    if (this.atLeast('1.37.0'))
      info.capabilities = [
        'credential_binding_v1',
        'credential_binding_readiness_probe_v1',
        'credential_binding_activation_guard_v1',
      ];
    info.docs = '/docs';
    info.redoc = '/redoc';
    return info;
  }

  private routes(): Router {
    const r = new Router();
    // `/health` answered the JSON string "OK" up to 1.20.x.
    const health = this.atLeast('1.21.0') ? { status: 'ok' } : 'OK';
    r.add('GET', '/alive', (c) => sendJson(c.res, 200, { status: 'ok' }));
    r.add('GET', '/health', (c) => sendJson(c.res, 200, health));
    if (this.atLeast('1.12.0')) r.add('GET', '/ready', (c) => sendJson(c.res, 200, { status: 'ready' }));
    r.add('GET', '/server_info', (c) => sendJson(c.res, 200, this.serverInfo()));
    addConversationRoutes(r, this);
    addFileRoutes(r, this);
    return r;
  }
}

export function isExecutionStatus(value: string): value is ExecutionStatus {
  return (EXECUTION_STATUSES as readonly string[]).includes(value) || value === 'deleting';
}
