import { type AppServerContext, orgScope } from './app-routes';
import {
  HttpError,
  isRecord,
  readJson,
  type RouteContext,
  type Router,
  sendJson,
  validationError,
} from './http';
import { dashedOf, hexOf, isUuid } from './ids';
import type { AppConversationRecord } from './world';

const PROVIDER_TYPES = [
  'github',
  'gitlab',
  'bitbucket',
  'bitbucket_data_center',
  'forgejo',
  'azure_devops',
  'enterprise_sso',
];

/** `WebClientConfig` (§3.7), the unauthenticated bootstrap call that replaced `/api/options/config`. */
export function webClientConfig(appMode: 'oss' | 'saas', overrides: Record<string, unknown> = {}): unknown {
  return {
    kind: 'WebClientConfig',
    app_mode: appMode,
    posthog_client_key: null,
    feature_flags: {
      enable_billing: false,
      hide_llm_settings: false,
      enable_jira: false,
      enable_jira_dc: false,
      enable_linear: false,
      hide_users_page: false,
      hide_billing_page: false,
      hide_integrations_page: false,
      hide_personal_workspaces: false,
      allow_user_llm_configuration: true,
      enable_acp: true,
      deployment_mode: appMode === 'saas' ? 'cloud' : null,
      enable_onboarding: false,
      enable_automations: true,
      enable_agent_canvas_banner: false,
    },
    providers_configured: [],
    maintenance_start_time: null,
    auth_url: null,
    recaptcha_site_key: null,
    faulty_models: [],
    error_message: null,
    // The injector's default ("start of 2026"); the UI compares it to decide whether a message is new.
    updated_at: '2026-01-01T00:00:00Z',
    github_app_slug: null,
    gitlab_enabled: false,
    provider_default_hosts: {},
    slack_enabled: false,
    email_enabled: false,
    email_change_enabled: false,
    acp_providers: [],
    ...overrides,
  };
}

/**
 * Validates an `AppConversationUpdateRequest` (as FastAPI does, before the handler runs) and returns what
 * applies it: only the fields present in the body change, and null clears one.
 */
function parseUpdate(body: unknown): (record: AppConversationRecord) => void {
  if (!isRecord(body))
    throw validationError(['body'], 'Input should be a valid dictionary', body, 'dict_type');
  const nullableString = (key: string): string | null | undefined => {
    if (!(key in body)) return undefined;
    const v = body[key];
    if (v !== null && typeof v !== 'string')
      throw validationError(['body', key], 'Input should be a valid string', v, 'string_type');
    return v;
  };
  const title = nullableString('title');
  const repository = nullableString('selected_repository');
  const branch = nullableString('selected_branch');
  const provider = nullableString('git_provider');
  if (provider && !PROVIDER_TYPES.includes(provider))
    throw validationError(
      ['body', 'git_provider'],
      `Input should be ${PROVIDER_TYPES.join(', ')}`,
      provider,
      'enum',
    );
  if ('public' in body && body.public !== null && typeof body.public !== 'boolean')
    throw validationError(['body', 'public'], 'Input should be a valid boolean', body.public, 'bool_type');
  const pub = 'public' in body ? (body.public as boolean | null) : undefined;
  return (record) => {
    if (title !== undefined) record.title = title;
    if (repository !== undefined) record.selectedRepository = repository;
    if (branch !== undefined) record.selectedBranch = branch;
    if (provider !== undefined) record.gitProvider = provider;
    if (pub !== undefined) record.public = pub;
  };
}

/** Content parts of `AppSendMessageRequest` (TextContent | ImageContent), at least one. */
function messageContent(raw: unknown): unknown[] {
  const ok =
    Array.isArray(raw) &&
    raw.length > 0 &&
    raw.every(
      (part) =>
        isRecord(part) &&
        ((part.type === 'text' && typeof part.text === 'string') ||
          (part.type === 'image' &&
            Array.isArray(part.image_urls) &&
            part.image_urls.every((u) => typeof u === 'string'))),
    );
  if (!ok) throw validationError(['body', 'content'], 'List should have at least 1 item', raw, 'too_short');
  return raw;
}

/** The conversation routes today's app server added: PATCH, DELETE and send-message (§3.1). */
export function addCurrentConversationRoutes(r: Router, ctx: AppServerContext): void {
  const { world } = ctx;
  const visibleRecord = (c: RouteContext, id: string): AppConversationRecord | undefined => {
    const { visible } = orgScope(ctx, c);
    const rec = world.conversations.get(hexOf(id));
    return rec && visible(rec) ? rec : undefined;
  };

  // No rename on the agent server and no updated_at bump: the row is re-saved with its old updated_at (§9.6).
  r.add('PATCH', '/api/v1/app-conversations/:id', async (c) => {
    const apply = parseUpdate(await readJson(c.req));
    const id = c.params.id ?? '';
    // `UUID(conversation_id)` is not caught: a malformed id is a plain 500.
    if (!isUuid(id)) throw new Error(`badly formed hexadecimal UUID string: ${id}`);
    const record = visibleRecord(c, id);
    if (!record) throw new HttpError(404, { detail: 'unknown_app_conversation' });
    apply(record);
    sendJson(c.res, 200, world.appConversation(record));
  });

  r.add('DELETE', '/api/v1/app-conversations/:id', async (c) => {
    const id = c.params.id ?? '';
    if (!isUuid(id)) throw new HttpError(400, { detail: 'Invalid conversation ID format' });
    const record = visibleRecord(c, id);
    if (!record) throw new HttpError(404, { detail: 'Conversation not found' });
    await world.deleteAppConversation(record);
    sendJson(c.res, 200, { success: true });
  });

  // A thin proxy: the message goes to the conversation's agent server over HTTP, `run` defaulting to true.
  r.add('POST', '/api/v1/app-conversations/:id/send-message', async (c) => {
    const id = c.params.id ?? '';
    if (!isUuid(id))
      throw validationError(['path', 'conversation_id'], 'Input should be a valid UUID', id, 'uuid_parsing');
    const body = await readJson(c.req);
    if (!isRecord(body)) throw validationError(['body'], 'Field required', body, 'missing');
    const role = body.role ?? 'user';
    if (role !== 'user')
      throw validationError(['body', 'role'], "Input should be 'user'", role, 'literal_error');
    const content = messageContent(body.content);
    if (body.run !== undefined && typeof body.run !== 'boolean')
      throw validationError(['body', 'run'], 'Input should be a valid boolean', body.run, 'bool_type');
    const run = body.run ?? true;

    const record = visibleRecord(c, id);
    if (!record) throw new HttpError(404, { detail: `Conversation ${dashedOf(id)} not found` });
    // A deleted sandbox shows as MISSING in the simulator, so it is the archived case.
    const sandbox = world.sandboxes.get(record.sandboxId);
    const status = sandbox?.status ?? 'MISSING';
    if (status === 'MISSING')
      throw new HttpError(410, { detail: 'Conversation is archived. The sandbox no longer exists.' });
    if (status === 'ERROR')
      throw new HttpError(503, { detail: 'Sandbox is in an error state and cannot accept messages.' });
    if (!sandbox || status !== 'RUNNING')
      throw new HttpError(409, {
        detail: `Sandbox is ${status}. Use POST /api/v1/sandboxes/${record.sandboxId}/resume to resume it first.`,
      });
    const key = sandbox.agent.sessionApiKey;
    let upstream: Response;
    try {
      upstream = await fetch(`${sandbox.agent.url}/api/conversations/${record.id}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { 'X-Session-API-Key': key } : {}) },
        body: JSON.stringify({ role, content, run }),
        signal: AbortSignal.timeout(30_000),
      });
      await upstream.arrayBuffer();
    } catch {
      throw new HttpError(502, { detail: 'Failed to reach agent server.' });
    }
    if (!upstream.ok) throw new HttpError(502, { detail: `Agent server error: ${upstream.status}` });
    sendJson(c.res, 200, { success: true, sandbox_status: status, message: null });
  });
}
