import type { ApiErrorInfo } from '../../shared/api-errors';
import { isApiError } from './errors';
import { label } from './http-client';
import type { OpenHandsServer } from './openhands-server';
import { serverInfoSchema } from './schemas/agent-server';
import { reachableConversationUrl } from './agent-server-client';

/** What "Test connection" found, in words a user can act on. */
export interface ConnectionReport {
  ok: boolean;
  reachable: boolean;
  authenticated: boolean | null;
  appMode: 'oss' | 'saas' | 'unknown' | null;
  v1Available: boolean | null;
  agentServerVersion: string | null;
  /** One sentence: what works, or what is wrong and what to do. */
  summary: string;
  problem: ApiErrorInfo | null;
}

function kindOfServer(mode: ConnectionReport['appMode']): string {
  return mode === 'saas' ? 'OpenHands Cloud' : 'this self-hosted OpenHands server';
}

/**
 * Reachability, then what the server is (app mode), then whether the key works (a V0 route: both Cloud and
 * a self-hosted SESSION_API_KEY protect those), then V1 availability and, if a sandbox runs, its agent version.
 */
export async function testConnection(
  server: OpenHandsServer,
  hasKey: boolean,
  signal?: AbortSignal,
): Promise<ConnectionReport> {
  const host = label(server.connection.baseUrl);
  const report: ConnectionReport = {
    ok: false,
    reachable: false,
    authenticated: null,
    appMode: null,
    v1Available: null,
    agentServerVersion: null,
    summary: '',
    problem: null,
  };
  const fail = (error: unknown, summary: string): ConnectionReport => {
    report.problem = isApiError(error) ? error.toInfo() : { kind: 'offline', message: String(error) };
    report.summary = summary;
    return report;
  };

  try {
    const config = await server.app.config(signal);
    report.reachable = true;
    report.appMode = config.APP_MODE;
  } catch (error) {
    if (!isApiError(error)) return fail(error, `${host} could not be checked.`);
    if (error.kind === 'offline' || error.kind === 'timeout')
      return fail(
        error,
        `Could not reach ${host}: ${error.message} Check the URL and that the server is running.`,
      );
    if (error.kind === 'aborted') return fail(error, 'The check was cancelled.');
    report.reachable = true;
    // An agent (sandbox) server also answers 401 on /api/*; it says who it is on /server_info.
    if (error.kind === 'unauthorized' && (await isAgentServer(server.connection.baseUrl, signal))) {
      report.appMode = null;
      return fail(
        error,
        `${host} is a sandbox's agent server and does not look like an OpenHands server you can add: use the app server's URL (self-hosted default: port 3000).`,
      );
    }
    // A self-hosted server with SESSION_API_KEY guards even its config route.
    if (error.kind === 'unauthorized') {
      report.authenticated = false;
      report.appMode = 'oss';
      return fail(
        error,
        hasKey
          ? `${host} is protected by SESSION_API_KEY and the key you entered does not match it.`
          : `${host} is protected by SESSION_API_KEY: enter that value as this server's API key.`,
      );
    }
    if (error.kind === 'not-found' || error.kind === 'invalid-response')
      return fail(
        error,
        `${host} answered, but it does not look like an OpenHands server (no /api/options/config).`,
      );
    return fail(error, `${host} answered with an error: ${error.message}`);
  }

  try {
    await server.app.listLegacy({ limit: 1 }, signal);
    report.authenticated = true;
  } catch (error) {
    if (isApiError(error) && error.kind === 'unauthorized') {
      report.authenticated = false;
      const cloud = report.appMode === 'saas';
      return fail(
        error,
        cloud
          ? hasKey
            ? 'OpenHands Cloud did not accept this API key: it may be mistyped, expired or revoked. Create a new one in the Cloud settings.'
            : 'OpenHands Cloud needs an API key: create one in the Cloud settings and add it to this server.'
          : hasKey
            ? `${host} is protected by SESSION_API_KEY and the key you entered does not match it.`
            : `${host} is protected by SESSION_API_KEY: enter that value as this server's API key.`,
      );
    }
    if (isApiError(error) && error.kind === 'forbidden')
      return fail(
        error,
        `${kindOfServer(report.appMode)} recognised the key but refused access (for Cloud: verify your email and accept the terms in the web app).`,
      );
    return fail(
      error,
      `${host} is reachable but listing conversations failed: ${isApiError(error) ? error.message : String(error)}`,
    );
  }

  try {
    const caps = await server.detect({ refresh: true, ...(signal ? { signal } : {}) });
    report.v1Available = caps.v1;
  } catch (error) {
    return fail(
      error,
      `${host} is reachable but its capabilities could not be read: ${isApiError(error) ? error.message : String(error)}`,
    );
  }

  if (report.v1Available) report.agentServerVersion = await agentVersion(server, signal);
  report.ok = true;
  const api = report.v1Available ? 'V1 API' : 'legacy V0 API only';
  const agent = report.agentServerVersion ? `, agent server ${report.agentServerVersion}` : '';
  report.summary = `Connected to ${report.appMode === 'saas' ? 'OpenHands Cloud' : `self-hosted OpenHands at ${host}`} (${api}${agent}).`;
  return report;
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
    const origin = new URL(reachableConversationUrl(url, server.connection.baseUrl)).origin;
    const res = await fetch(`${origin}/server_info`, {
      signal: signal ?? AbortSignal.timeout(5000),
      redirect: 'error',
    });
    const info = serverInfoSchema.safeParse(await res.json());
    return info.success ? (info.data.version ?? null) : null;
  } catch {
    return null;
  }
}

async function isAgentServer(baseUrl: string, signal?: AbortSignal): Promise<boolean> {
  try {
    const res = await fetch(new URL('/server_info', baseUrl), {
      signal: signal ?? AbortSignal.timeout(5000),
      redirect: 'error',
    });
    const body = (await res.json()) as { title?: unknown };
    return typeof body.title === 'string' && /agent server/i.test(body.title);
  } catch {
    return false;
  }
}
