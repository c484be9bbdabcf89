import { z } from 'zod';
import { t } from '../i18n';
import { ApiError, errorForStatus } from './errors';
import { type HttpClient, type HttpRequest, type HttpResponse, label, retryAfterMs } from './http-client';
import { buildUrl, legacyId, sandboxId, v1Id } from './ids';
import type { RequestBudget } from './request-budget';
import {
  type AppConversation,
  appConversationPageSchema,
  appConversationSchema,
  type LegacyConversation,
  legacyConversationListSchema,
  legacyConversationResponseSchema,
  legacyConversationSchema,
  legacyEventPageSchema,
  legacyUploadSchema,
  type CurrentApiKey,
  currentApiKeySchema,
  type LegacyConfig,
  legacyConfigSchema,
  organizationPageSchema,
  type SandboxInfo,
  sandboxInfoSchema,
  type WebClientConfig,
  webClientConfigSchema,
  type StartTask,
  startTaskPageSchema,
  startTaskSchema,
  successSchema,
} from './schemas/app-server';
import { batch, type BatchRow } from './schemas/lenient';
import { agentEventPageSchema } from './schemas/agent-server';
import { readJsonArrayStream } from './json-array-stream';
import { postFiles, type TransferProgress } from './file-transfer';

/** The real server asserts `len(ids) < 100` on batch gets. */
export const MAX_BATCH_IDS = 99;

export interface AppServerTarget {
  baseUrl: string;
  /** Read from the keychain for each request; never stored on this object. */
  apiKey: () => Promise<string | undefined>;
  budget: RequestBudget;
  /** Cloud: the organisation this server entry acts in (`X-Org-Id`); none means the user's current one. */
  orgId?: () => string | null | undefined;
}

export interface StartConversationRequest {
  initialMessage?: string;
  selectedRepository?: string;
  selectedBranch?: string;
  gitProvider?: string;
  agentType?: 'default' | 'plan';
  sandboxId?: string;
  parentConversationId?: string;
  /** Bare agent servers: the absolute folder on the server the agent works in (required there). */
  workingDir?: string;
  /** Bare agent servers: a git worktree of `workingDir` for this conversation. */
  worktree?: boolean;
  /** Bare agent servers: one agent source, a saved agent profile or an LLM profile; none: its settings. */
  agentProfileId?: string;
  llmProfile?: string;
  /** Bare agent servers: the id to create it under (a resend then finds it instead of making another). */
  conversationId?: string;
}

/** A title as the servers accept it: 1 to 200 characters after trimming. */
export function checkTitle(title: string): string {
  const trimmed = title.trim();
  if (trimmed.length < 1 || trimmed.length > 200)
    throw new ApiError('bad-request', t('serverErrors.titleLength'));
  return trimmed;
}

export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** What `readAs` says when an answer does not have the expected shape (each a whole sentence naming the server). */
type UnexpectedAnswer =
  'serverErrors.notOpenHands' | 'serverErrors.unexpectedDeleteAnswer' | 'serverErrors.unknownEventsForm';

/** Everything the app server answers: V1 app conversations, start tasks, sandboxes, and the legacy V0 routes. */
export class AppServerClient {
  constructor(
    private readonly http: HttpClient,
    private readonly target: AppServerTarget,
  ) {}

  get server(): string {
    return label(this.target.baseUrl);
  }

  /**
   * One key serves both deployments: Cloud reads `Authorization: Bearer`, a self-hosted server with
   * SESSION_API_KEY reads `X-Session-API-Key` (and Cloud only looks there when no Bearer is sent).
   */
  private async headers(): Promise<Record<string, string>> {
    const key = await this.target.apiKey();
    const org = this.target.orgId?.();
    return {
      ...(key ? { authorization: `Bearer ${key}`, 'x-session-api-key': key } : {}),
      ...(org ? { 'x-org-id': org } : {}),
    };
  }

  private async request<S extends z.ZodType>(
    method: HttpRequest['method'],
    segments: string[],
    schema: S,
    options: {
      query?: Parameters<typeof buildUrl>[2];
      json?: unknown;
      body?: HttpRequest['body'];
      signal?: AbortSignal;
      acceptStatus?: number[];
    } = {},
  ): Promise<z.infer<S>> {
    return this.http.json(
      {
        method,
        url: buildUrl(this.target.baseUrl, segments, options.query),
        headers: await this.headers(),
        idempotent: method === 'GET',
        budget: this.target.budget,
        ...(options.json !== undefined ? { json: options.json } : {}),
        ...(options.body !== undefined ? { body: options.body } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.acceptStatus ? { acceptStatus: options.acceptStatus } : {}),
      },
      schema,
    );
  }

  /** A request whose 404 is an answer ("no such route" or "no such item"): `null` then, else the response. */
  private async sendOr404(
    method: HttpRequest['method'],
    segments: string[],
    query: Parameters<typeof buildUrl>[2] = {},
    signal?: AbortSignal,
  ): Promise<HttpResponse | null> {
    const result = await this.http.send({
      method,
      url: buildUrl(this.target.baseUrl, segments, query),
      headers: await this.headers(),
      idempotent: method === 'GET',
      budget: this.target.budget,
      acceptStatus: [404],
      ...(signal ? { signal } : {}),
    });
    return result.status === 404 ? null : result;
  }

  /** `body` read with `schema`, or an invalid-response saying (`unexpected`) what was not understood. */
  private readAs<S extends z.ZodType>(schema: S, body: unknown, unexpected: UnexpectedAnswer): z.infer<S> {
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new ApiError('invalid-response', t(unexpected, { server: this.server }));
    return parsed.data;
  }

  /** App mode and feature flags (no key needed); `null` on servers from before the route existed. */
  async webClientConfig(signal?: AbortSignal): Promise<WebClientConfig | null> {
    const result = await this.sendOr404('GET', ['api', 'v1', 'web-client', 'config'], {}, signal);
    const parsed = webClientConfigSchema.safeParse(result?.body);
    return parsed.success ? parsed.data : null;
  }

  /** The config route of servers from before April 2026 (V0 era); today's servers answer 404. */
  async legacyConfig(signal?: AbortSignal): Promise<LegacyConfig> {
    return this.request('GET', ['api', 'options', 'config'], legacyConfigSchema, { signal });
  }

  /**
   * One request that answers reachability, the key and V1 at once: the newest conversation. `null` when the
   * server has no V1 API (404: an old install with ENABLE_V1=0, or not an app server at all).
   */
  async probeV1(signal?: AbortSignal): Promise<{ newest: AppConversation | null } | null> {
    const result = await this.sendOr404(
      'GET',
      ['api', 'v1', 'app-conversations', 'search'],
      { limit: 1 },
      signal,
    );
    if (!result) return null;
    const page = this.readAs(appConversationPageSchema, result.body, 'serverErrors.notOpenHands');
    return { newest: page.items[0] ?? null };
  }

  /** Cloud: the key in use and the organisation it acts in. */
  async currentApiKey(signal?: AbortSignal): Promise<CurrentApiKey> {
    return this.request('GET', ['api', 'keys', 'current'], currentApiKeySchema, { signal });
  }

  /** Cloud: the organisations the user belongs to (first 100) and the current one. */
  async organizations(signal?: AbortSignal) {
    return this.request('GET', ['api', 'organizations'], organizationPageSchema, {
      query: { limit: 100 },
      signal,
    });
  }

  // ---- V1 ----

  static startBody(req: StartConversationRequest): Record<string, unknown> {
    return {
      ...(req.initialMessage
        ? {
            initial_message: {
              role: 'user',
              content: [{ type: 'text', text: req.initialMessage }],
              run: true,
            },
          }
        : {}),
      ...(req.selectedRepository ? { selected_repository: req.selectedRepository } : {}),
      ...(req.selectedBranch ? { selected_branch: req.selectedBranch } : {}),
      ...(req.gitProvider ? { git_provider: req.gitProvider } : {}),
      ...(req.sandboxId ? { sandbox_id: sandboxId(req.sandboxId) } : {}),
      ...(req.parentConversationId ? { parent_conversation_id: v1Id(req.parentConversationId) } : {}),
      agent_type: req.agentType ?? 'default',
    };
  }

  async startConversation(req: StartConversationRequest, signal?: AbortSignal): Promise<StartTask> {
    return this.request('POST', ['api', 'v1', 'app-conversations'], startTaskSchema, {
      json: AppServerClient.startBody(req),
      signal,
    });
  }

  /**
   * `stream-start`: one request that reports every start step as it happens. Resolves with the last task
   * (READY or ERROR); rejects if the stream breaks, so the caller can fall back to polling.
   */
  async streamStart(
    req: StartConversationRequest,
    onTask: (task: StartTask) => void,
    options: { signal?: AbortSignal; idleTimeoutMs?: number; timeoutMs?: number } = {},
  ): Promise<StartTask> {
    const { signal } = options;
    try {
      await this.target.budget.acquire(signal);
    } catch {
      throw new ApiError('aborted', t('serverErrors.startCancelled'));
    }
    // The stream may be quiet while a sandbox boots (the server waits up to 2 minutes), so the idle limit
    // is generous; a server that never answers at all still ends in 'timeout'.
    const idleMs = options.idleTimeoutMs ?? 180_000;
    const totalMs = options.timeoutMs ?? 10 * 60_000;
    const controller = new AbortController();
    let timedOut: string | undefined;
    const expire = (why: string) => () => {
      timedOut = why;
      controller.abort(new Error(why));
    };
    let idle = setTimeout(expire('idle'), idleMs);
    const total = setTimeout(expire('total'), totalMs);
    const onAbort = (): void => controller.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const failure = (error: unknown): ApiError => {
      if (error instanceof ApiError) return error;
      if (signal?.aborted) return new ApiError('aborted', t('serverErrors.startCancelled'), { cause: error });
      if (timedOut)
        return new ApiError('timeout', t('serverErrors.startStoppedReporting', { server: this.server }), {
          cause: error,
        });
      return new ApiError(
        'offline',
        t('serverErrors.startBrokeOffBecause', { server: this.server, reason: (error as Error).message }),
        { cause: error },
      );
    };
    try {
      const response = await fetch(
        buildUrl(this.target.baseUrl, ['api', 'v1', 'app-conversations', 'stream-start']),
        {
          method: 'POST',
          headers: {
            ...(await this.headers()),
            'content-type': 'application/json',
            accept: 'application/json',
          },
          body: JSON.stringify(AppServerClient.startBody(req)),
          redirect: 'manual',
          signal: controller.signal,
        },
      );
      if (!response.ok || !response.body) {
        const text = await response.text().catch(() => '');
        let body: unknown = text;
        try {
          body = JSON.parse(text) as unknown;
        } catch {
          // keep the text
        }
        const wait =
          response.status === 429 ? (retryAfterMs(response.headers, Date.now()) ?? 1000) : undefined;
        if (wait !== undefined) this.target.budget.blockFor(wait);
        throw errorForStatus(response.status, body, this.server, wait, {
          location: response.headers.get('location'),
          requestUrl: response.url || this.target.baseUrl,
        });
      }
      let last: StartTask | undefined;
      await readJsonArrayStream(response.body, (element) => {
        clearTimeout(idle);
        idle = setTimeout(expire('idle'), idleMs);
        const parsed = startTaskSchema.safeParse(element);
        if (!parsed.success)
          throw new ApiError(
            'invalid-response',
            t('serverErrors.startTaskUnreadable', { server: this.server }),
          );
        last = parsed.data;
        onTask(parsed.data);
      });
      if (!last)
        throw new ApiError('invalid-response', t('serverErrors.startTaskNone', { server: this.server }));
      return last;
    } catch (error) {
      throw failure(error);
    } finally {
      clearTimeout(idle);
      clearTimeout(total);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Batch get of start tasks, chunked to the server's 99-id limit; nulls for unknown ids, in order. */
  async getStartTasks(ids: string[], signal?: AbortSignal): Promise<BatchRow<StartTask>[]> {
    const clean = ids.map((id) => v1Id(id, 'start task id'));
    const parts = await Promise.all(
      chunk(clean, MAX_BATCH_IDS).map((part) =>
        this.request(
          'GET',
          ['api', 'v1', 'app-conversations', 'start-tasks'],
          batch(startTaskSchema, 'start task'),
          {
            query: { ids: part },
            signal,
          },
        ),
      ),
    );
    return parts.flat();
  }

  async searchStartTasks(
    query: { createdAfter?: Date; limit?: number; pageId?: string },
    signal?: AbortSignal,
  ) {
    return this.request(
      'GET',
      ['api', 'v1', 'app-conversations', 'start-tasks', 'search'],
      startTaskPageSchema,
      {
        query: {
          created_at__gte: query.createdAfter?.toISOString(),
          limit: query.limit ?? 100,
          page_id: query.pageId,
        },
        signal,
      },
    );
  }

  async searchConversations(
    query: { titleContains?: string; pageId?: string; limit?: number; updatedAfter?: Date },
    signal?: AbortSignal,
  ) {
    return this.request('GET', ['api', 'v1', 'app-conversations', 'search'], appConversationPageSchema, {
      query: {
        title__contains: query.titleContains || undefined,
        page_id: query.pageId,
        limit: query.limit ?? 100,
        updated_at__gte: query.updatedAfter?.toISOString(),
      },
      signal,
    });
  }

  async countConversations(query: { titleContains?: string } = {}, signal?: AbortSignal): Promise<number> {
    return this.request('GET', ['api', 'v1', 'app-conversations', 'count'], z.number().int().nonnegative(), {
      query: { title__contains: query.titleContains || undefined },
      signal,
    });
  }

  /**
   * Batch get of conversations (live status included), chunked to 99 ids per request; `null` for unknown ids,
   * `undefined` for a row too malformed to read.
   */
  async getConversations(ids: string[], signal?: AbortSignal): Promise<BatchRow<AppConversation>[]> {
    const clean = ids.map((id) => v1Id(id));
    const parts = await Promise.all(
      chunk(clean, MAX_BATCH_IDS).map((part) =>
        this.request(
          'GET',
          ['api', 'v1', 'app-conversations'],
          batch(appConversationSchema, 'conversation'),
          {
            query: { ids: part },
            signal,
          },
        ),
      ),
    );
    return parts.flat();
  }

  async getSandboxes(ids: string[], signal?: AbortSignal): Promise<BatchRow<SandboxInfo>[]> {
    const clean = ids.map((id) => sandboxId(id));
    const parts = await Promise.all(
      chunk(clean, MAX_BATCH_IDS).map((part) =>
        this.request('GET', ['api', 'v1', 'sandboxes'], batch(sandboxInfoSchema, 'sandbox'), {
          query: { id: part },
          signal,
        }),
      ),
    );
    return parts.flat();
  }

  async searchSandboxes(limit = 10, signal?: AbortSignal) {
    return this.request(
      'GET',
      ['api', 'v1', 'sandboxes', 'search'],
      z.object({ items: z.array(sandboxInfoSchema), next_page_id: z.string().nullable() }),
      {
        query: { limit },
        signal,
      },
    );
  }

  async pauseSandbox(id: string, signal?: AbortSignal): Promise<void> {
    await this.request('POST', ['api', 'v1', 'sandboxes', sandboxId(id), 'pause'], successSchema, { signal });
  }

  async resumeSandbox(id: string, signal?: AbortSignal): Promise<void> {
    await this.request('POST', ['api', 'v1', 'sandboxes', sandboxId(id), 'resume'], successSchema, {
      signal,
    });
  }

  /** The route reads the id from `?sandbox_id=` (server bug), so it goes in both places. */
  async deleteSandbox(id: string, signal?: AbortSignal): Promise<void> {
    const clean = sandboxId(id);
    await this.request('DELETE', ['api', 'v1', 'sandboxes', clean], successSchema, {
      query: { sandbox_id: clean },
      signal,
    });
  }

  // ---- V0 (legacy) routes; rename and delete serve V1 conversations too ----

  async listLegacy(query: { pageId?: string; limit?: number } = {}, signal?: AbortSignal) {
    return this.request('GET', ['api', 'conversations'], legacyConversationListSchema, {
      query: { page_id: query.pageId, limit: query.limit ?? 20 },
      signal,
    });
  }

  /** `null` when the server does not know the id (it answers 200 null, not 404). */
  async getLegacy(id: string, signal?: AbortSignal): Promise<LegacyConversation | null> {
    return this.request('GET', ['api', 'conversations', legacyId(id)], legacyConversationSchema.nullable(), {
      signal,
    });
  }

  async createLegacy(
    req: { initialMessage?: string; repository?: string; branch?: string },
    signal?: AbortSignal,
  ): Promise<string> {
    const res = await this.request('POST', ['api', 'conversations'], legacyConversationResponseSchema, {
      json: {
        ...(req.initialMessage ? { initial_user_msg: req.initialMessage } : {}),
        ...(req.repository ? { repository: req.repository } : {}),
        ...(req.branch ? { selected_branch: req.branch } : {}),
      },
      signal,
    });
    return legacyId(res.conversation_id);
  }

  async startLegacy(id: string, signal?: AbortSignal): Promise<void> {
    await this.request(
      'POST',
      ['api', 'conversations', legacyId(id), 'start'],
      legacyConversationResponseSchema,
      { json: {}, signal },
    );
  }

  async stopLegacy(id: string, signal?: AbortSignal): Promise<void> {
    await this.request(
      'POST',
      ['api', 'conversations', legacyId(id), 'stop'],
      legacyConversationResponseSchema,
      { signal },
    );
  }

  /** V1 rename (`PATCH /api/v1/app-conversations/{id}`, since the V0 removal the only route). */
  async rename(id: string, title: string, signal?: AbortSignal): Promise<void> {
    await this.request('PATCH', ['api', 'v1', 'app-conversations', v1Id(id)], appConversationSchema, {
      json: { title: checkTitle(title) },
      signal,
    });
  }

  /** V1 delete: also its sub-conversations, start tasks and (when unshared) sandbox. False if unknown. */
  async deleteConversation(id: string, signal?: AbortSignal): Promise<boolean> {
    const result = await this.sendOr404('DELETE', ['api', 'v1', 'app-conversations', v1Id(id)], {}, signal);
    if (!result) return false;
    return this.readAs(successSchema, result.body, 'serverErrors.unexpectedDeleteAnswer').success;
  }

  /**
   * The app server's own copy of a V1 conversation's events (`/api/v1/conversation/{id}/events/search`):
   * readable while the sandbox is paused. Offset paging; `null` when the server has no such route.
   */
  async searchAppEvents(
    id: string,
    query: { pageId?: string; limit?: number; desc?: boolean; before?: string } = {},
    signal?: AbortSignal,
  ) {
    const result = await this.sendOr404(
      'GET',
      ['api', 'v1', 'conversation', v1Id(id), 'events', 'search'],
      {
        page_id: query.pageId,
        limit: Math.min(100, query.limit ?? 100),
        sort_order: query.desc ? 'TIMESTAMP_DESC' : 'TIMESTAMP',
        timestamp__lt: query.before,
      },
      signal,
    );
    if (!result) return null;
    return this.readAs(agentEventPageSchema, result.body, 'serverErrors.unknownEventsForm');
  }

  /** V0 rename (servers from before April 2026); it also handled V1 ids there. */
  async renameLegacy(id: string, title: string, signal?: AbortSignal): Promise<void> {
    await this.request('PATCH', ['api', 'conversations', legacyId(id)], z.boolean(), {
      json: { title: checkTitle(title) },
      signal,
    });
  }

  /** V0 delete (servers from before April 2026). False if unknown. */
  async deleteLegacy(id: string, signal?: AbortSignal): Promise<boolean> {
    return this.request('DELETE', ['api', 'conversations', legacyId(id)], z.boolean(), { signal });
  }

  async legacyEvents(id: string, query: { startId?: number; limit?: number } = {}, signal?: AbortSignal) {
    return this.request('GET', ['api', 'conversations', legacyId(id), 'events'], legacyEventPageSchema, {
      query: { start_id: query.startId ?? 0, limit: Math.min(100, query.limit ?? 100) },
      signal,
    });
  }

  async legacyMessage(id: string, text: string, signal?: AbortSignal): Promise<void> {
    await this.request('POST', ['api', 'conversations', legacyId(id), 'message'], successSchema, {
      json: { message: text },
      signal,
    });
  }

  /** V0 upload (field `files`), streamed from disk. Returns the paths the server stored the files at. */
  async legacyUpload(
    id: string,
    files: { localPath: string; filename: string }[],
    options: { onProgress?: (p: TransferProgress) => void; signal?: AbortSignal } = {},
  ): Promise<string[]> {
    await this.target.budget.acquire(options.signal);
    const body = await postFiles({
      url: buildUrl(this.target.baseUrl, ['api', 'conversations', legacyId(id), 'upload-files']),
      headers: await this.headers(),
      files: files.map((f) => ({ field: 'files', ...f })),
      ...options,
    });
    const parsed = legacyUploadSchema.safeParse(body);
    if (!parsed.success)
      throw new ApiError(
        'invalid-response',
        t('serverErrors.unexpectedUploadAnswer', { server: this.server }),
      );
    return parsed.data.uploaded_files;
  }
}
