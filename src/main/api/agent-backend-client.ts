import { z } from 'zod';
import { t } from '../i18n';
import { ApiError, serverReason } from './errors';
import { type HttpClient, type HttpRequest, type HttpResponse, label } from './http-client';
import { buildUrl, v1Id } from './ids';
import { chunk, MAX_BATCH_IDS } from './app-server-client';
import type { RequestBudget } from './request-budget';
import {
  agentProfilesSchema,
  type BackendConversation,
  backendConversationBatchSchema,
  backendConversationPageSchema,
  backendConversationSchema,
  backendServerInfoSchema,
  backendSettingsSchema,
  encryptedSettingsSchema,
  homeSchema,
  initStateSchema,
  llmProfileSchema,
  llmProfilesSchema,
  subdirPageSchema,
  workspacesSchema,
} from './schemas/agent-backend';
import type { BatchRow } from './schemas/lenient';
import { sessionKeyHeader } from './session-key';
import { successSchema } from './schemas/app-server';

// A bare `openhands-agent-server` used as a backend (docs/openhands-api.md §4.11): the server's own key
// (`X-Session-API-Key`) opens everything, conversations are listed and created on the server itself, and
// there are no sandboxes or start tasks. The per-conversation routes (events, run, pause, files) are the
// same as behind an app server and go through AgentServerClient.

export interface AgentBackendTarget {
  /** Origin plus any path prefix the server is served under (`/runtime/8000`), no trailing slash. */
  baseUrl: string;
  /** The server's SESSION_API_KEY, read from the keychain for each request; none for an open server. */
  apiKey: () => Promise<string | undefined>;
  budget: RequestBudget;
}

/** Where the server's deferred init stands (≥1.29: `/api/*` answers 503 until `POST /api/init`). */
export type InitState = 'dormant' | 'initializing' | 'ready' | 'unknown';

export interface StartBackendConversation {
  /** Chosen by us so that sending the request twice creates one conversation (201, then 200). */
  conversationId: string;
  workingDir: string;
  worktree?: boolean;
  initialMessage?: string;
  /** Exactly one agent source; none: the server's saved settings. */
  agentProfileId?: string;
  llmProfile?: string;
}

/** Most folders read per page of a folder listing (the server's own limit). */
const FOLDER_PAGE = 100;

export class AgentBackendClient {
  constructor(
    private readonly http: HttpClient,
    private readonly target: AgentBackendTarget,
  ) {}

  get server(): string {
    return label(this.target.baseUrl);
  }

  get baseUrl(): string {
    return this.target.baseUrl;
  }

  /** The per-conversation URL, as an app server would give it in `conversation_url`. */
  conversationUrl(id: string): string {
    return buildUrl(this.target.baseUrl, ['api', 'conversations', v1Id(id)]);
  }

  apiKey(): Promise<string | undefined> {
    return this.target.apiKey();
  }

  private async request(
    method: HttpRequest['method'],
    segments: string[],
    options: {
      query?: Parameters<typeof buildUrl>[2];
      json?: unknown;
      signal?: AbortSignal;
      acceptStatus?: number[];
      auth?: boolean;
      idempotent?: boolean;
    } = {},
  ): Promise<HttpResponse> {
    const key = options.auth === false ? undefined : await this.target.apiKey();
    return this.http.send({
      method,
      url: buildUrl(this.target.baseUrl, segments, options.query),
      headers: sessionKeyHeader(key),
      idempotent: options.idempotent ?? method === 'GET',
      budget: this.target.budget,
      ...(options.json !== undefined ? { json: options.json } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.acceptStatus ? { acceptStatus: options.acceptStatus } : {}),
    });
  }

  /** `body` read with `schema`, or an invalid-response naming the server. */
  private read<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
    const parsed = schema.safeParse(body);
    if (!parsed.success)
      throw new ApiError('invalid-response', t('serverErrors.notOpenHands', { server: this.server }));
    return parsed.data;
  }

  private async get<S extends z.ZodType>(
    segments: string[],
    schema: S,
    query: Parameters<typeof buildUrl>[2] = {},
    signal?: AbortSignal,
  ): Promise<z.infer<S>> {
    const res = await this.request('GET', segments, { query, ...(signal ? { signal } : {}) });
    return this.read(schema, res.body);
  }

  /** A route older servers lack: its answer, or `fallback` on 404. */
  private async getOr<S extends z.ZodType, F>(
    segments: string[],
    schema: S,
    fallback: F,
    signal?: AbortSignal,
  ): Promise<z.infer<S> | F> {
    const res = await this.request('GET', segments, { acceptStatus: [404], ...(signal ? { signal } : {}) });
    return res.status === 404 ? fallback : this.read(schema, res.body);
  }

  // ---- what the server is ----

  /**
   * `GET /server_info` (no key): an agent server names itself ("OpenHands Agent Server") and its release;
   * `null` when the address answers something else (an app server's SPA, another service).
   */
  async serverInfo(signal?: AbortSignal): Promise<{ title: string | null; version: string | null } | null> {
    const res = await this.request('GET', ['server_info'], {
      auth: false,
      acceptStatus: [404, 405],
      ...(signal ? { signal } : {}),
    });
    if (res.status !== 200) return null;
    const info = backendServerInfoSchema.safeParse(res.body);
    if (!info.success || typeof res.body !== 'object') return null;
    const title = info.data.title ?? null;
    const version = info.data.version ?? null;
    // App servers answer /server_info too (their status router): only the agent server calls itself so.
    if (!title || !/agent server/i.test(title)) return null;
    return { title, version };
  }

  /** `GET /ready` (no key): 503 while tools and VSCode start. */
  async ready(signal?: AbortSignal): Promise<boolean> {
    const res = await this.request('GET', ['ready'], {
      auth: false,
      acceptStatus: [404, 503],
      idempotent: false,
      ...(signal ? { signal } : {}),
    });
    // Releases before /ready (1.11.2) are ready when they answer.
    return res.status !== 503;
  }

  /** `GET /api/init` (no key): 'unknown' on servers without deferred init. */
  async initState(signal?: AbortSignal): Promise<InitState> {
    const res = await this.request('GET', ['api', 'init'], {
      auth: false,
      acceptStatus: [401, 404, 405],
      ...(signal ? { signal } : {}),
    });
    if (res.status !== 200) return 'unknown';
    const parsed = initStateSchema.safeParse(res.body);
    if (!parsed.success) return 'unknown';
    const state = parsed.data.state;
    return state === 'dormant' || state === 'initializing' || state === 'ready' ? state : 'unknown';
  }

  /** How many conversations the server holds: the cheapest request that proves the key. */
  async count(signal?: AbortSignal): Promise<number> {
    return this.get(['api', 'conversations', 'count'], z.number().int().nonnegative(), {}, signal);
  }

  // ---- conversations ----

  /** One page, most recently updated first; the cursor is sent back as it came (hex, §9.48). */
  search(
    query: { pageId?: string; limit?: number } = {},
    signal?: AbortSignal,
  ): Promise<{ items: BackendConversation[]; next_page_id: string | null }> {
    return this.get(
      ['api', 'conversations', 'search'],
      backendConversationPageSchema,
      {
        limit: Math.min(100, Math.max(1, query.limit ?? 100)),
        sort_order: 'UPDATED_AT_DESC',
        ...(query.pageId ? { page_id: query.pageId } : {}),
      },
      signal,
    );
  }

  /** Live rows by id, in order, ≤ 99 per request (the server asserts fewer than 100). */
  async getMany(ids: string[], signal?: AbortSignal): Promise<BatchRow<BackendConversation>[]> {
    const checked = ids.map((id) => v1Id(id));
    const pages = await Promise.all(
      chunk(checked, MAX_BATCH_IDS).map(async (part) => {
        const rows = await this.get(
          ['api', 'conversations'],
          backendConversationBatchSchema,
          { ids: part },
          signal,
        );
        // A server answering fewer rows than asked: the missing ones are unreadable, not gone.
        return part.map((_, i) => rows[i]);
      }),
    );
    return pages.flat();
  }

  /**
   * `POST /api/conversations`: answers at once with the conversation (no start task). Safe to send again:
   * the id is ours, and a second request for it answers the same conversation (200) instead of a new one.
   */
  async create(request: StartBackendConversation, signal?: AbortSignal): Promise<BackendConversation> {
    const body: Record<string, unknown> = {
      conversation_id: request.conversationId,
      workspace: { kind: 'LocalWorkspace', working_dir: request.workingDir },
      ...(request.worktree ? { worktree: true } : {}),
      ...(request.initialMessage
        ? {
            initial_message: {
              role: 'user',
              content: [{ type: 'text', text: request.initialMessage }],
              run: true,
            },
          }
        : {}),
      ...(request.agentProfileId
        ? { agent_profile_id: request.agentProfileId }
        : { agent_settings: await this.agentSettings(request.llmProfile, signal), secrets_encrypted: true }),
    };
    const res = await this.request('POST', ['api', 'conversations'], {
      json: body,
      idempotent: true,
      ...(signal ? { signal } : {}),
    });
    return this.read(backendConversationSchema, res.body);
  }

  /** `PATCH /api/conversations/{id}` `{title}`; the server answers `{success:false}` for an unknown id. */
  async rename(id: string, title: string, signal?: AbortSignal): Promise<void> {
    const res = await this.request('PATCH', ['api', 'conversations', v1Id(id)], {
      json: { title },
      ...(signal ? { signal } : {}),
    });
    const answer = this.read(successSchema, res.body);
    if (!answer.success)
      throw new ApiError(
        'not-found',
        t('serverErrors.noConversation', { server: this.server, id: v1Id(id).slice(0, 8) }),
      );
  }

  /** `DELETE /api/conversations/{id}`: false when the server has no such conversation (it answers 400). */
  async delete(id: string, signal?: AbortSignal): Promise<boolean> {
    const res = await this.request('DELETE', ['api', 'conversations', v1Id(id)], {
      acceptStatus: [400, 404],
      ...(signal ? { signal } : {}),
    });
    if (res.status === 400 || res.status === 404) return false;
    this.read(successSchema, res.body);
    return true;
  }

  // ---- where a conversation can run, and with what ----

  home(signal?: AbortSignal) {
    return this.get(['api', 'file', 'home'], homeSchema, {}, signal);
  }

  /** One page of a folder's sub-folders (directories only, case-insensitive order). */
  async subdirs(path: string, pageId?: string, signal?: AbortSignal) {
    const res = await this.request('GET', ['api', 'file', 'search_subdirs'], {
      query: { path, limit: FOLDER_PAGE, ...(pageId ? { page_id: pageId } : {}) },
      acceptStatus: [400, 403, 404],
      ...(signal ? { signal } : {}),
    });
    if (res.status !== 200)
      throw new ApiError(
        res.status === 403 ? 'forbidden' : res.status === 404 ? 'not-found' : 'bad-request',
        t('serverErrors.folderUnreadable', {
          server: this.server,
          path: path.slice(0, 200),
          reason: serverReason(res.body) ?? String(res.status),
        }),
        { status: res.status },
      );
    return this.read(subdirPageSchema, res.body);
  }

  /** The server's saved workspaces (≥1.23; none before). */
  async workspaces(signal?: AbortSignal) {
    const list = await this.getOr(['api', 'workspaces'], workspacesSchema, null, signal);
    return list?.workspaces ?? [];
  }

  /** LLM profiles saved on the server (≥1.22; none before). */
  llmProfiles(signal?: AbortSignal) {
    return this.getOr(['api', 'profiles'], llmProfilesSchema, { profiles: [], active_profile: null }, signal);
  }

  /** Agent profiles saved on the server (≥1.29; none before). */
  agentProfiles(signal?: AbortSignal) {
    return this.getOr(
      ['api', 'agent-profiles'],
      agentProfilesSchema,
      { profiles: [], active_agent_profile_id: null },
      signal,
    );
  }

  /**
   * The agent settings a conversation starts with when no agent profile is picked: the server's saved ones,
   * with the LLM of `llmProfile` when one is picked (as OpenHands' own app starts them). Secrets come
   * encrypted by the server (`X-Expose-Secrets: encrypted`) and go back with `secrets_encrypted`, so no
   * LLM key is ever readable here; none of it is kept.
   */
  private async agentSettings(llmProfile: string | undefined, signal?: AbortSignal) {
    const encrypted = { 'x-expose-secrets': 'encrypted' };
    const settings = await this.getWith(['api', 'settings'], encryptedSettingsSchema, encrypted, signal);
    const agentSettings: Record<string, unknown> = { ...(settings.agent_settings ?? {}) };
    if (llmProfile) {
      const profile = await this.getWith(
        ['api', 'profiles', llmProfile],
        llmProfileSchema,
        encrypted,
        signal,
      );
      agentSettings.llm = profile.config;
    }
    return agentSettings;
  }

  private async getWith<S extends z.ZodType>(
    segments: string[],
    schema: S,
    headers: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<z.infer<S>> {
    const key = await this.target.apiKey();
    const res = await this.http.send({
      method: 'GET',
      url: buildUrl(this.target.baseUrl, segments),
      headers: { ...sessionKeyHeader(key), ...headers },
      idempotent: true,
      budget: this.target.budget,
      ...(signal ? { signal } : {}),
    });
    return this.read(schema, res.body);
  }

  /** The model of the server's saved settings, when it has any (null: none, or an older server). */
  async settingsModel(signal?: AbortSignal): Promise<string | null> {
    const settings = await this.getOr(['api', 'settings'], backendSettingsSchema, null, signal);
    return settings?.agent_settings?.llm?.model ?? null;
  }
}
