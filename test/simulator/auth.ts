import type { IncomingMessage } from 'node:http';
import { type RouteContext, type Router, sendJson } from './http';
import type { SimulatorProfile } from './profile';

export interface AuthSettings {
  profile: SimulatorProfile;
  /** Cloud-style API key (Bearer). */
  apiKey: string | null;
  /** Self-hosted `SESSION_API_KEY`. */
  sessionApiKey: string | null;
  /** The app server's routes: the self-hosted check is a router dependency, so unknown paths skip it. */
  router: Router;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const raw = req.headers[name];
  return Array.isArray(raw) ? raw[0] : raw;
}

/** Cloud's auth-ignore list (E-MW). `/api/options/config` is still on it today although the route is gone. */
function cloudOpen(profile: SimulatorProfile, path: string): boolean {
  if (path === '/api/options/config') return true;
  return (
    profile === 'current' && (path === '/api/v1/web-client/config' || path.startsWith('/api/v1/webhooks/'))
  );
}

/**
 * Cloud credential lookup: the first header present is the key (a wrong Bearer does not fall back to the
 * others). Today's server also reads `X-Access-Token`, its OpenAPI security scheme.
 */
function offeredCloudKey(req: IncomingMessage, profile: SimulatorProfile): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  const session = header(req, 'x-session-api-key');
  if (session !== undefined) return session;
  return profile === 'current' ? header(req, 'x-access-token') : undefined;
}

/**
 * Which requests the self-hosted `SESSION_API_KEY` guards. Nov 2025: only the V0 routers (and
 * `/api/options/config`), never `/api/v1`. Today: every V1 router except web-client and webhooks;
 * the status routes (`/alive`, `/health`, `/ready`, `/server_info`) never.
 */
function sessionKeyGuards(settings: AuthSettings, method: string, path: string): boolean {
  if (settings.profile === 'legacy') return path.startsWith('/api/') && !path.startsWith('/api/v1/');
  if (
    !path.startsWith('/api/v1/') ||
    path === '/api/v1/web-client/config' ||
    path.startsWith('/api/v1/webhooks/')
  )
    return false;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return false;
  }
  return typeof settings.router.match(method, decoded) === 'object';
}

/** Answers 401 the way the imitated server does and returns true, or returns false to let the request on. */
export function checkAuth(settings: AuthSettings, ctx: RouteContext): boolean {
  const path = ctx.url.pathname;
  const { apiKey, sessionApiKey, profile } = settings;
  if (apiKey && (path.startsWith('/api') || path.startsWith('/mcp')) && !cloudOpen(profile, path)) {
    // Cloud: an unknown key is not an error of its own; it falls through to "no credentials".
    if (offeredCloudKey(ctx.req, profile) !== apiKey) {
      sendJson(ctx.res, 401, { error: 'NoCredentialsError' });
      return true;
    }
  }
  if (
    sessionApiKey &&
    sessionKeyGuards(settings, ctx.req.method ?? 'GET', path) &&
    header(ctx.req, 'x-session-api-key') !== sessionApiKey
  ) {
    sendJson(ctx.res, 401, { detail: 'Unauthorized' });
    return true;
  }
  return false;
}
