import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addV1Routes } from './app-routes';
import { type ExecutionStatus } from './events';
import { Faults, type RequestLogEntry } from './faults';
import { isRecord, readJson, type RouteContext, Router, sendJson } from './http';
import { hexOf } from './ids';
import { addLegacyRoutes } from './legacy-routes';
import { RateLimiter } from './rate-limit';
import { Scheduler } from './scheduler';
import { SimServer } from './sim-server';
import { type AppConversationRecord, type StartTaskStatus, World } from './world';

export interface SimulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Cloud-style key: every `/api` call but `/api/options/config` needs `Authorization: Bearer <key>`. */
  apiKey?: string | null;
  /** Self-hosted `SESSION_API_KEY`: protects the V0 routes only (`X-Session-API-Key`), as the real server does. */
  sessionApiKey?: string | null;
  /** Defaults to 'saas' when `apiKey` is set, else 'oss'. */
  appMode?: 'oss' | 'saas';
  /** false: the V1 router is not mounted (`ENABLE_V1=0`); `/api/v1/*` answers 404. */
  v1Enabled?: boolean;
  /** The real per-IP (self-hosted) or per-user (Cloud) limits; on by default. */
  rateLimit?: boolean;
  /** Agent-server release imitated by every sandbox. */
  agentVersion?: string;
  /** Milliseconds per simulated step (start-task steps, agent steps). */
  stepMs?: number;
  /** Seed of the fault-injection random numbers. */
  seed?: number;
  maxSandboxes?: number;
  sandboxTimeoutSteps?: number;
  socketAuthTimeoutMs?: number;
}

export interface Simulator {
  readonly url: string;
  readonly port: number;
  readonly world: World;
  readonly faults: Faults;
  /** Every request to the app server and to agent servers, in order. */
  readonly requests: RequestLogEntry[];
  clearRequests(): void;
  /** Everything stops answering (connections refused, sockets dropped) until `comeBack`. */
  goOffline(): Promise<void>;
  /** Back on the same ports. */
  comeBack(): Promise<void>;
  readonly isOnline: boolean;
  /** Direct control of a V1 conversation's execution status (emits the events the status implies). */
  setExecutionStatus(conversationId: string, status: ExecutionStatus): void;
  /** The next start task fails at the given step with the given detail. */
  failNextStart(at: StartTaskStatus, detail: string): void;
  /** The next new sandbox goes to ERROR while starting. */
  failNextSandbox(): void;
  /** Drops every open agent-server socket without a close frame. */
  dropSockets(): void;
  /** Gives a sandbox a new session key (the old one stops working). */
  rotateSessionKey(sandboxId: string): string;
  seedConversation: World['seedConversation'];
  close(): Promise<void>;
}

export const DEFAULT_AGENT_VERSION = '1.19.1';

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1';
  const apiKey = options.apiKey ?? null;
  const appMode = options.appMode ?? (apiKey ? 'saas' : 'oss');
  const v1Enabled = options.v1Enabled ?? true;
  const filesRoot = await mkdtemp(join(tmpdir(), 'openhands-sim-'));
  const faults = new Faults(options.seed ?? 1);
  const requests: RequestLogEntry[] = [];
  const scheduler = new Scheduler(options.stepMs ?? 400);
  const userId = appMode === 'saas' ? 'user-1' : null;
  const world = new World({
    host,
    agentVersion: options.agentVersion ?? DEFAULT_AGENT_VERSION,
    userId,
    filesRoot,
    faults,
    log: requests,
    scheduler,
    maxSandboxes: options.maxSandboxes ?? 5,
    sandboxTimeoutSteps: options.sandboxTimeoutSteps ?? 10,
    socketAuthTimeoutMs: options.socketAuthTimeoutMs ?? 10_000,
  });
  const limiter = new RateLimiter(appMode);

  const router = new Router();
  router.add('GET', '/api/options/config', (c) =>
    sendJson(c.res, 200, {
      APP_MODE: appMode,
      GITHUB_CLIENT_ID: null,
      POSTHOG_CLIENT_KEY: null,
      FEATURE_FLAGS: { ENABLE_BILLING: false, HIDE_LLM_SETTINGS: false },
    }),
  );
  router.add('GET', '/alive', (c) => sendJson(c.res, 200, { status: 'ok' }));
  router.add('GET', '/health', (c) => sendJson(c.res, 200, 'OK'));
  router.add('GET', '/server_info', (c) => sendJson(c.res, 200, { version: 'simulator', app_mode: appMode }));
  if (v1Enabled) addV1Routes(router, world, userId);
  addLegacyRoutes(router, world, scheduler, filesRoot);

  const guard = async (ctx: RouteContext): Promise<boolean> => {
    const path = ctx.url.pathname;
    if (apiKey && (path.startsWith('/api') || path.startsWith('/mcp')) && path !== '/api/options/config') {
      const auth = ctx.req.headers.authorization;
      const bearer = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
      const headerKey = ctx.req.headers['x-session-api-key'];
      // Cloud: a wrong key is not an error of its own; it falls through to "no credentials".
      const offered = bearer ?? (typeof headerKey === 'string' ? headerKey : undefined);
      if (offered !== apiKey) {
        sendJson(ctx.res, 401, { error: 'NoCredentialsError' });
        return true;
      }
    }
    // Every V0 router carries the SESSION_API_KEY dependency, /api/options/config (PUB) included (§2.1).
    const isV0 = path.startsWith('/api/') && !path.startsWith('/api/v1/');
    if (options.sessionApiKey && isV0 && ctx.req.headers['x-session-api-key'] !== options.sessionApiKey) {
      sendJson(ctx.res, 401, { detail: 'Unauthorized' });
      return true;
    }
    if (options.rateLimit ?? true) {
      const key = appMode === 'saas' ? (apiKey ?? 'anonymous') : (ctx.req.socket.remoteAddress ?? 'unknown');
      return limiter.apply(key, ctx.res);
    }
    return false;
  };

  const control = controlRoutes();
  const app = new SimServer({ kind: 'app', host, router, faults, log: requests, guard, control });
  await app.listen(options.port ?? 0);

  let online = true;
  const sim: Simulator = {
    get url() {
      return app.origin;
    },
    get port() {
      return app.port;
    },
    world,
    faults,
    requests,
    clearRequests: () => {
      requests.length = 0;
    },
    get isOnline() {
      return online;
    },
    async goOffline() {
      if (!online) return;
      online = false;
      world.setOnline(false);
      await app.stop();
      await Promise.all([...world.sandboxes.values()].map((s) => s.agent.server.stop()));
      for (const s of world.sandboxes.values()) s.agent.dropSockets();
    },
    async comeBack() {
      if (online) return;
      online = true;
      world.setOnline(true);
      await app.listen();
      await Promise.all(
        [...world.sandboxes.values()]
          .filter((s) => s.status === 'RUNNING')
          .map((s) => s.agent.server.listen()),
      );
    },
    setExecutionStatus(conversationId, status) {
      const record = world.conversations.get(hexOf(conversationId));
      const conversation = record && world.sandboxes.get(record.sandboxId)?.agent.get(record.id);
      if (!conversation) throw new Error(`No running V1 conversation ${conversationId}`);
      conversation.forceStatus(status);
    },
    failNextStart(at, detail) {
      world.failNextStart = { at, detail };
    },
    failNextSandbox() {
      world.failNextSandbox = true;
    },
    dropSockets() {
      for (const s of world.sandboxes.values()) s.agent.dropSockets();
    },
    rotateSessionKey(sandboxId) {
      const sandbox = world.sandboxes.get(sandboxId);
      if (!sandbox) throw new Error(`No sandbox ${sandboxId}`);
      const key = `${sandbox.agent.sessionApiKey ?? 'key'}-rotated-${Date.now().toString(36)}`;
      sandbox.agent.setSessionApiKey(key);
      return key;
    },
    seedConversation: (seed) => world.seedConversation(seed),
    async close() {
      scheduler.close();
      await app.stop();
      await Promise.all([...world.sandboxes.values()].map((s) => s.agent.close()));
      await rm(filesRoot, { recursive: true, force: true });
    },
  };

  /** `/_sim/*`: the same controls over HTTP for a standalone simulator (demo, browser tests). */
  function controlRoutes(): Router {
    const r = new Router();
    r.add('GET', '/_sim/requests', (c) => sendJson(c.res, 200, requests));
    r.add('DELETE', '/_sim/requests', (c) => {
      sim.clearRequests();
      sendJson(c.res, 200, { success: true });
    });
    r.add('POST', '/_sim/faults', async (c) => {
      const body = await readJson(c.req);
      if (!isRecord(body)) return sendJson(c.res, 422, { detail: 'expected an object' });
      const target = body.target === 'app' || body.target === 'agent' ? body.target : 'all';
      const num = (k: string): number | undefined => (typeof body[k] === 'number' ? body[k] : undefined);
      faults.set(target, {
        ...(num('errorRate') !== undefined ? { errorRate: num('errorRate')! } : {}),
        ...(num('latencyMs') !== undefined ? { latencyMs: num('latencyMs')! } : {}),
        ...(num('dropRate') !== undefined ? { dropRate: num('dropRate')! } : {}),
      });
      if (num('burst429')) faults.burst429(num('burst429')!, num('retryAfter') ?? 1);
      sendJson(c.res, 200, { success: true });
    });
    r.add('DELETE', '/_sim/faults', (c) => {
      faults.reset();
      sendJson(c.res, 200, { success: true });
    });
    r.add('POST', '/_sim/offline', async (c) => {
      const body = await readJson(c.req);
      const forMs = isRecord(body) && typeof body.forMs === 'number' ? body.forMs : 5000;
      sendJson(c.res, 200, { success: true, forMs });
      c.res.on('finish', () => {
        void sim.goOffline().then(() => setTimeout(() => void sim.comeBack(), forMs));
      });
    });
    r.add('POST', '/_sim/conversations/:id/status', async (c) => {
      const body = await readJson(c.req);
      const status = isRecord(body) ? body.execution_status : undefined;
      if (typeof status !== 'string') return sendJson(c.res, 422, { detail: 'execution_status required' });
      try {
        sim.setExecutionStatus(c.params.id ?? '', status as ExecutionStatus);
      } catch (error) {
        return sendJson(c.res, 404, { detail: (error as Error).message });
      }
      sendJson(c.res, 200, { success: true });
    });
    r.add('POST', '/_sim/sockets/drop', (c) => {
      sim.dropSockets();
      sendJson(c.res, 200, { success: true });
    });
    return r;
  }

  return sim;
}

export type { AppConversationRecord };
