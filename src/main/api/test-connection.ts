// Test connection: what works, or what is wrong and what to do, in the app's language (catalog area `connection`;
// the errors it passes on are worded by `apiErrors`).
import type { ApiErrorInfo } from '../../shared/api-errors';
import { t } from '../i18n';
import { ApiError, isApiError } from './errors';
import { label } from './http-client';
import type { OpenHandsServer } from './openhands-server';
import { serverKind } from '../../shared/servers';
import { isVersion, MIN_BACKEND_VERSION, versionAtLeast } from './agent-versions';
import { serverInfoSchema } from './schemas/agent-server';
import { checkedAgentUrl } from './agent-address';

/** What "Test connection" found, in words a user can act on. */
export interface ConnectionReport {
  ok: boolean;
  reachable: boolean;
  authenticated: boolean | null;
  appMode: 'oss' | 'saas' | 'unknown' | null;
  v1Available: boolean | null;
  agentServerVersion: string | null;
  /** What the address turned out to be (null: could not tell). */
  serverKind: 'cloud' | 'self-hosted' | 'agent-server' | null;
  /** Cloud: the user's organisations; null elsewhere or when they could not be read. */
  organizations: { id: string; name: string; personal: boolean }[] | null;
  /** Cloud: the organisation the key acts in now (the entry's own choice, else the user's current one). */
  currentOrgId: string | null;
  /** One sentence: what works, or what is wrong and what to do. */
  summary: string;
  problem: ApiErrorInfo | null;
}

/** What to say when the key was refused, for Cloud or a self-hosted SESSION_API_KEY. */
function keyRefused(cloud: boolean, host: string, hasKey: boolean): string {
  if (cloud) return hasKey ? t('connection.keyRefusedCloud') : t('connection.keyNeededCloud');
  return hasKey ? t('connection.keyMismatch', { host }) : t('connection.keyNeeded', { host });
}

/**
 * The most a Test connection may take, retries included: well inside the page's own 30 s wait for any
 * bridge call (BRIDGE_CALL_TIMEOUT_MS), so the user reads our answer, not "the app did not answer".
 */
export const TEST_CONNECTION_LIMIT_MS = 20_000;

/** What a failure says, without the class name `String(error)` would put first ("TypeError: …"). */
function problemOf(error: unknown): ApiErrorInfo {
  if (isApiError(error)) return error.toInfo();
  return { kind: 'offline', message: error instanceof Error ? error.message : String(error) };
}

/** Fills in a failed report and returns it. */
function failed(report: ConnectionReport, error: unknown, summary: string): ConnectionReport {
  report.problem = problemOf(error);
  report.summary = summary;
  return report;
}

/** An error's message for a summary sentence. */
function messageOf(error: unknown): string {
  return problemOf(error).message;
}

/**
 * Today's servers first (openhands-api.md §2, §3): one V1 search answers reachability, the key and V1 at
 * once. Only when there is no V1 API is the server asked the V0 way (`/api/options/config`, the V0 list), for
 * installs from before April 2026. A bare agent server is checked as one (§10.2). Bounded by `limitMs` in all.
 */
export async function testConnection(
  server: OpenHandsServer,
  hasKey: boolean,
  signal?: AbortSignal,
  limitMs = TEST_CONNECTION_LIMIT_MS,
): Promise<ConnectionReport> {
  const bounded = withLimit(signal, limitMs);
  const report = await checkConnection(server, hasKey, bounded);
  // Cut short by the limit (not by the caller): say so, rather than whatever the cut-off step reported.
  if (report.ok || !bounded.aborted || signal?.aborted) return report;
  const host = label(server.connection.baseUrl);
  const seconds = Math.round(limitMs / 1000);
  return {
    ...report,
    summary: t('connection.timedOut', { host, seconds }),
    problem: { kind: 'timeout', message: t('apiErrors.timeout', { server: host, seconds }) },
  };
}

async function checkConnection(
  server: OpenHandsServer,
  hasKey: boolean,
  signal: AbortSignal,
): Promise<ConnectionReport> {
  const host = label(server.connection.baseUrl);
  const cloudHost = serverKind(server.connection.baseUrl) === 'cloud';
  const report: ConnectionReport = {
    ok: false,
    reachable: false,
    authenticated: null,
    appMode: null,
    v1Available: null,
    agentServerVersion: null,
    serverKind: null,
    organizations: null,
    currentOrgId: null,
    summary: '',
    problem: null,
  };
  const fail = (error: unknown, summary: string): ConnectionReport => failed(report, error, summary);
  const notOpenHands = (error: unknown): ConnectionReport =>
    fail(error, t('connection.notOpenHands', { host }));

  let probe: Awaited<ReturnType<typeof server.app.probeV1>>;
  try {
    probe = await server.app.probeV1(signal);
    report.reachable = true;
  } catch (error) {
    if (!isApiError(error)) return fail(error, t('connection.notChecked', { host }));
    if (error.kind === 'offline' || error.kind === 'timeout')
      return fail(error, t('connection.unreachable', { host, message: error.message }));
    if (error.kind === 'aborted') return fail(error, t('connection.cancelled'));
    // Nothing was sent: the key could not be read on this computer.
    if (error.kind === 'keychain') return fail(error, error.message);
    report.reachable = true;
    const agent = await agentServerCheck(server, host, hasKey, report, signal);
    if (agent) return agent;
    if (error.kind === 'unauthorized') {
      // Cloud by its host, or any server that says it runs as SaaS (enterprise installs on their own host).
      const config = await server.app.webClientConfig(signal).catch(() => null);
      const cloud = cloudHost || config?.app_mode === 'saas';
      report.authenticated = false;
      report.appMode = cloud ? 'saas' : 'oss';
      return fail(error, keyRefused(cloud, host, hasKey));
    }
    if (error.kind === 'forbidden')
      return fail(error, t('connection.forbidden', { host: cloudHost ? 'OpenHands Cloud' : host }));
    // A redirect's own message says where to and what to do (errors.ts).
    if (error.status !== undefined && error.status >= 300 && error.status < 400)
      return fail(error, error.message);
    if (error.kind === 'invalid-response' || error.kind === 'not-found') return notOpenHands(error);
    return fail(error, t('connection.answeredError', { host, message: error.message }));
  }

  if (probe === null) {
    const agent = await agentServerCheck(server, host, hasKey, report, signal);
    if (agent) return agent;
    const legacy = await legacyCheck(server, host, hasKey, report, signal);
    if (legacy) return legacy;
  } else report.authenticated = true;

  try {
    const caps = await server.detect({ refresh: true, ...(signal ? { signal } : {}) });
    report.v1Available = caps.v1;
    report.appMode = caps.appMode;
  } catch (error) {
    return fail(error, t('connection.capabilitiesUnreadable', { host, message: messageOf(error) }));
  }

  report.serverKind = report.appMode === 'saas' ? 'cloud' : 'self-hosted';
  if (report.v1Available) report.agentServerVersion = await agentVersion(server, signal);
  if (report.appMode === 'saas' && report.v1Available) await readOrganizations(server, report, signal);
  report.ok = true;
  report.summary = connectedSummary(
    report.appMode === 'saas',
    host,
    report.v1Available,
    report.agentServerVersion,
  );
  return report;
}

/**
 * "Connected to …": Cloud or self-hosted, V1 (with the running agent server's release when known) or V0 only.
 * One whole sentence per case: the parts go in a different order in other languages.
 */
function connectedSummary(cloud: boolean, host: string, v1: boolean | null, agent: string | null): string {
  if (!v1)
    return cloud ? t('connection.connectedCloudLegacy') : t('connection.connectedSelfHostedLegacy', { host });
  if (agent)
    return cloud
      ? t('connection.connectedCloudAgent', { version: agent })
      : t('connection.connectedSelfHostedAgent', { host, version: agent });
  return cloud ? t('connection.connectedCloud') : t('connection.connectedSelfHosted', { host });
}

/**
 * A bare agent server (its `/server_info` names it): recent enough, started, initialised, and the key
 * right? Returns the finished report (ok or not), or null when the address is not an agent server.
 */
async function agentServerCheck(
  server: OpenHandsServer,
  host: string,
  hasKey: boolean,
  report: ConnectionReport,
  signal: AbortSignal,
): Promise<ConnectionReport | null> {
  const info = await server.backend.serverInfo(signal).catch(() => null);
  if (!info) return null;
  const fail = (error: unknown, summary: string): ConnectionReport => failed(report, error, summary);
  const version = info.version ?? '?';
  report.reachable = true;
  report.serverKind = 'agent-server';
  report.agentServerVersion = info.version;
  report.appMode = null;
  if (!info.version || !isVersion(info.version) || !versionAtLeast(info.version, MIN_BACKEND_VERSION)) {
    const summary = t('connection.agentTooOld', { host, version, min: MIN_BACKEND_VERSION });
    return fail(new ApiError('bad-request', summary), summary);
  }
  try {
    if (!(await server.backend.ready(signal))) {
      const summary = t('connection.agentStarting', { host, version });
      return fail(new ApiError('server-error', summary, { status: 503 }), summary);
    }
    await server.backend.count(signal);
  } catch (error) {
    if (!isApiError(error)) return fail(error, t('connection.notChecked', { host }));
    if (error.kind === 'aborted') return fail(error, t('connection.cancelled'));
    if (error.kind === 'keychain') return fail(error, error.message);
    if (error.kind === 'unauthorized') {
      report.authenticated = false;
      return fail(
        error,
        hasKey ? t('connection.agentKeyMismatch', { host }) : t('connection.agentKeyNeeded', { host }),
      );
    }
    if (error.status === 503) {
      // Deferred init (≥1.29): the key was right (auth comes first), the server waits for POST /api/init.
      const state = await server.backend.initState(signal).catch(() => 'unknown' as const);
      report.authenticated = true;
      if (state === 'dormant' || state === 'initializing')
        return fail(error, t('connection.agentNotInitialised', { host, version }));
      return fail(error, t('connection.agentStarting', { host, version }));
    }
    if (error.kind === 'offline' || error.kind === 'timeout')
      return fail(error, t('connection.unreachable', { host, message: error.message }));
    return fail(error, t('connection.answeredError', { host, message: error.message }));
  }
  report.authenticated = true;
  try {
    await server.detect({ refresh: true, signal });
  } catch (error) {
    return fail(error, t('connection.capabilitiesUnreadable', { host, message: messageOf(error) }));
  }
  report.v1Available = true;
  report.ok = true;
  report.summary = t('connection.connectedAgentServer', { host, version });
  return report;
}

/**
 * A server without V1: an install from before April 2026 with V1 turned off answers the V0 config and list;
 * anything else is not OpenHands. Returns the failed report, or null when the V0 server works with this key.
 */
async function legacyCheck(
  server: OpenHandsServer,
  host: string,
  hasKey: boolean,
  report: ConnectionReport,
  signal?: AbortSignal,
): Promise<ConnectionReport | null> {
  const fail = (error: unknown, summary: string): ConnectionReport => failed(report, error, summary);
  try {
    const config = await server.app.legacyConfig(signal);
    report.appMode = config.APP_MODE;
  } catch (error) {
    if (isApiError(error) && error.kind === 'unauthorized') {
      // A V0 server with SESSION_API_KEY guards even its config route.
      report.authenticated = false;
      report.appMode = 'oss';
      return fail(error, keyRefused(false, host, hasKey));
    }
    return fail(error, t('connection.notOpenHands', { host }));
  }
  try {
    await server.app.listLegacy({ limit: 1 }, signal);
    report.authenticated = true;
    return null;
  } catch (error) {
    if (isApiError(error) && error.kind === 'unauthorized') {
      report.authenticated = false;
      return fail(error, keyRefused(report.appMode === 'saas', host, hasKey));
    }
    return fail(error, t('connection.listingFailed', { host, message: messageOf(error) }));
  }
}

/**
 * Cloud: which organisation the key acts in (`/api/keys/current`) and which the user could pick
 * (`/api/organizations`). Best effort: a key that cannot list organisations still connects.
 */
async function readOrganizations(
  server: OpenHandsServer,
  report: ConnectionReport,
  signal?: AbortSignal,
): Promise<void> {
  const [key, orgs] = await Promise.all([
    server.app.currentApiKey(signal).catch(() => null),
    server.app.organizations(signal).catch(() => null),
  ]);
  report.currentOrgId = key?.org_id || orgs?.current_org_id || null;
  report.organizations = orgs
    ? orgs.items.map((o) => ({ id: o.id, name: o.name, personal: o.is_personal }))
    : null;
}

/** The release of a running sandbox's agent server, when one is running (`/server_info` needs no key). */
async function agentVersion(server: OpenHandsServer, signal?: AbortSignal): Promise<string | null> {
  try {
    const sandboxes = await server.app.searchSandboxes(10, signal);
    const running = sandboxes.items.find(
      (s) => s.status === 'RUNNING' && s.exposed_urls?.some((u) => u.name === 'AGENT_SERVER'),
    );
    const url = running?.exposed_urls?.find((u) => u.name === 'AGENT_SERVER')?.url;
    if (!url) return null;
    // The same check as a conversation's agent (agent-address.ts): an invalid address throws, nothing is fetched.
    const origin = new URL(checkedAgentUrl(url, server.connection.baseUrl, server.connection.agentHosts?.()))
      .origin;
    const res = await fetch(`${origin}/server_info`, {
      signal: withLimit(signal, 5000),
      redirect: 'error',
    });
    const info = serverInfoSchema.safeParse(await res.json());
    return info.success ? (info.data.version ?? null) : null;
  } catch {
    return null;
  }
}

/** The caller's signal, and at most `ms` more. */
function withLimit(signal: AbortSignal | undefined, ms: number): AbortSignal {
  const own = AbortSignal.timeout(ms);
  return signal ? AbortSignal.any([signal, own]) : own;
}
