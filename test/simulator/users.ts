import type { AppServerContext } from './app-routes';
import { HttpError, parseBool, type RouteContext, sendJson } from './http';

/** How pydantic dumps a `SecretStr` unless secrets are exposed. */
const MASK = '**********';
const LLM_KEY = 'sk-simulated-llm-key';

/** The settings part of `UserInfo` (the same flat fields in both profiles). */
function settings(llmApiKey: string): Record<string, unknown> {
  return {
    language: 'en',
    agent: 'CodeActAgent',
    max_iterations: null,
    security_analyzer: null,
    confirmation_mode: false,
    llm_model: 'litellm_proxy/claude-sonnet-4-5',
    llm_api_key: llmApiKey,
    llm_base_url: null,
    remote_runtime_resource_factor: 1,
    enable_default_condenser: true,
    enable_sound_notifications: false,
    enable_proactive_conversation_starters: false,
    enable_solvability_analysis: false,
    user_consents_to_analytics: null,
    sandbox_base_container_image: null,
    sandbox_runtime_container_image: null,
    mcp_config: null,
    search_api_key: null,
    sandbox_api_key: null,
    max_budget_per_task: null,
    condenser_max_size: null,
    email: null,
    email_verified: null,
    git_user_name: null,
    git_user_email: null,
    v1_enabled: true,
  };
}

/**
 * `?expose_secrets=true` needs the `X-Session-API-Key` of a running sandbox owned by the caller (M-USR);
 * self-hosted has no user id, so there it always ends in 401. Detail texts other than the last two are
 * the simulator's own (the notes do not quote them).
 */
function checkSecretsAccess(ctx: AppServerContext, c: RouteContext): void {
  const raw = c.req.headers['x-session-api-key'];
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (!key) throw new HttpError(401, { detail: 'X-Session-API-Key header is required' });
  const sandbox = [...ctx.world.sandboxes.values()].find((s) => s.agent.sessionApiKey === key);
  if (!sandbox) throw new HttpError(401, { detail: 'Invalid session API key' });
  if (sandbox.status !== 'RUNNING') throw new HttpError(401, { detail: 'Sandbox is not running' });
  if (!ctx.userId) throw new HttpError(401, { detail: 'Cannot determine authenticated user' });
}

/** `GET /api/v1/users/me`. */
export function userInfo(ctx: AppServerContext, c: RouteContext): void {
  // Nov 2025: built with expose_secrets=True, so the LLM key came back in clear text.
  if (!ctx.world.current) return sendJson(c.res, 200, { id: ctx.userId, ...settings(LLM_KEY) });
  // Today: masked unless explicitly exposed (§9.16).
  const expose = parseBool(c.query.get('expose_secrets'), false);
  if (expose) checkSecretsAccess(ctx, c);
  const body: Record<string, unknown> = { id: ctx.userId, ...settings(expose ? LLM_KEY : MASK) };
  if (ctx.orgs) {
    // Cloud overrides the route with SaasUserInfo: the effective org and the user's role in it.
    const org = ctx.orgs.effective(c.req);
    Object.assign(body, { org_id: org.id, org_name: org.name, role: 'owner', permissions: [] });
  }
  sendJson(c.res, 200, body);
}
