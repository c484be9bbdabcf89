import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppServerContext, addV1Routes } from './app-routes';
import { checkAuth } from './auth';
import { addCloudRoutes } from './cloud-routes';
import { addCurrentConversationRoutes, webClientConfig } from './current-routes';
import { addEventRoutes } from './event-routes';
import { type ExecutionStatus } from './events';
import { Faults, type RequestLogEntry } from './faults';
import { isRecord, readJson, type RouteContext, Router, sendJson } from './http';
import { hexOf } from './ids';
import { addLegacyRoutes } from './legacy-routes';
import { Organisations, type OrgSpec } from './orgs';
import { DEFAULT_AGENT_VERSIONS, type SimulatorProfile } from './profile';
import { RateLimiter } from './rate-limit';
import { parseRowQuirkSettings, type RowQuirkSettings, type RowQuirks } from './row-quirks';
import { Scheduler } from './scheduler';
import { SimServer } from './sim-server';
import { type AppConversationRecord, type StartTaskStatus, World } from './world';

export { DEFAULT_AGENT_VERSIONS, type SimulatorProfile };
export type { OrgSpec, RowQuirkSettings };
export type { RowQuirk, QuirkField } from './row-quirks';

/**
 * The Cloud user of the current profile: a UUID like Keycloak's, which is also the id of the personal
 * org. (The legacy profile keeps its Nov-2025 stand-in `user-1`.)
 */
export const CLOUD_USER_ID = '6a1f3c2e-8b4d-4e5f-9a7b-0c1d2e3f4a5b';

export interface SimulatorOptions {
  /** Agent servers behind a path prefix (`/runtime/<port>/…`, as a proxy serves them); URLs carry it. */
  agentPathPrefix?: boolean;
  /** Default 'current' (see SimulatorProfile). */
  profile?: SimulatorProfile;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /**
   * Cloud-style key: every `/api` and `/mcp` call needs it as `Authorization: Bearer <key>` (or
   * `X-Session-API-Key`, or today also `X-Access-Token`), except `/api/options/config` and, today,
   * `/api/v1/web-client/config` and `/api/v1/webhooks/*`.
   */
  apiKey?: string | null;
  /**
   * Self-hosted `SESSION_API_KEY` (`X-Session-API-Key`). Current: guards every `/api/v1` route except
   * web-client config and webhooks. Legacy: guards the V0 routes only, as the Nov-2025 server did.
   */
  sessionApiKey?: string | null;
  /**
   * Cloud organisations of the user (current profile, SaaS mode). Default: one personal org whose id is
   * CLOUD_USER_ID. An org is personal when its id is the user's id; the first one is the current org.
   */
  orgs?: OrgSpec[];
  /** Current profile: fields replacing those of `GET /api/v1/web-client/config` (e.g. `error_message`). */
  webClientConfig?: Record<string, unknown>;
  /** Defaults to 'saas' when `apiKey` is set, else 'oss'. */
  appMode?: 'oss' | 'saas';
  /** false: the V1 router is not mounted (`ENABLE_V1=0`); `/api/v1/*` answers 404. */
  v1Enabled?: boolean;
  /** The real per-IP (self-hosted) or per-user (Cloud) limits; on by default. */
  rateLimit?: boolean;
  /** Agent-server release imitated by every sandbox (default: the profile's, DEFAULT_AGENT_VERSIONS). */
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
  readonly profile: SimulatorProfile;
  /** The user conversations and sandboxes belong to: null self-hosted, CLOUD_USER_ID (legacy `user-1`) on Cloud. */
  readonly userId: string | null;
  /** Cloud organisations (current profile, SaaS mode only). */
  readonly orgs: Organisations | undefined;
  /** Spoiled app-conversation rows and pages for tolerance tests (see row-quirks.ts). */
  readonly rowQuirks: RowQuirks;
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

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const profile = options.profile ?? 'current';
  const legacy = profile === 'legacy';
  const host = options.host ?? '127.0.0.1';
  const apiKey = options.apiKey ?? null;
  const appMode = options.appMode ?? (apiKey ? 'saas' : 'oss');
  const v1Enabled = options.v1Enabled ?? true;
  const filesRoot = await mkdtemp(join(tmpdir(), 'openhands-sim-'));
  const faults = new Faults(options.seed ?? 1);
  const requests: RequestLogEntry[] = [];
  const scheduler = new Scheduler(options.stepMs ?? 400);
  const userId = appMode === 'saas' ? (legacy ? 'user-1' : CLOUD_USER_ID) : null;
  // Organisations are an enterprise feature of today's Cloud; the Nov-2025 server had none.
  const orgs = appMode === 'saas' && !legacy ? new Organisations(CLOUD_USER_ID, options.orgs) : undefined;
  const world = new World({
    profile,
    appMode,
    host,
    agentVersion: options.agentVersion ?? DEFAULT_AGENT_VERSIONS[profile],
    userId,
    filesRoot,
    faults,
    log: requests,
    scheduler,
    maxSandboxes: options.maxSandboxes ?? 5,
    sandboxTimeoutSteps: options.sandboxTimeoutSteps ?? 10,
    socketAuthTimeoutMs: options.socketAuthTimeoutMs ?? 10_000,
    orgs,
    ...(options.agentPathPrefix ? { agentPathPrefix: true } : {}),
  });
  const limiter = new RateLimiter(appMode);
  const context: AppServerContext = { world, userId, orgs };

  const router = new Router();
  if (legacy)
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
  // The status router of today's server has /ready too (its body is not in the notes: the /health string).
  if (!legacy) router.add('GET', '/ready', (c) => sendJson(c.res, 200, 'OK'));
  router.add('GET', '/server_info', (c) => sendJson(c.res, 200, { version: 'simulator', app_mode: appMode }));
  if (v1Enabled) {
    if (!legacy)
      router.add('GET', '/api/v1/web-client/config', (c) =>
        sendJson(c.res, 200, webClientConfig(appMode, options.webClientConfig)),
      );
    addV1Routes(router, context);
    if (!legacy) {
      addCurrentConversationRoutes(router, context);
      addEventRoutes(router, context);
    }
  }
  if (orgs) addCloudRoutes(router, context, orgs);
  if (legacy) addLegacyRoutes(router, world, scheduler, filesRoot);

  const authSettings = { profile, apiKey, sessionApiKey: options.sessionApiKey ?? null, router };
  const guard = async (ctx: RouteContext): Promise<boolean> => {
    if (checkAuth(authSettings, ctx)) return true;
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
    profile,
    userId,
    orgs,
    rowQuirks: world.rowQuirks,
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
    // Body: RowQuirkSettings, or a RowQuirk plus `conversation_id` for one conversation's rows.
    r.add('POST', '/_sim/row-quirks', async (c) => {
      const body = await readJson(c.req);
      const quirks = isRecord(body) ? parseRowQuirkSettings(body) : undefined;
      if (!isRecord(body) || !quirks) return sendJson(c.res, 422, { detail: 'expected RowQuirkSettings' });
      if (typeof body.conversation_id === 'string')
        world.rowQuirks.forConversation(body.conversation_id, quirks);
      else world.rowQuirks.set(quirks);
      sendJson(c.res, 200, { success: true });
    });
    r.add('DELETE', '/_sim/row-quirks', (c) => {
      world.rowQuirks.reset();
      sendJson(c.res, 200, { success: true });
    });
    return r;
  }

  return sim;
}

export type { AppConversationRecord };
