import { z } from 'zod';
import type { MessageKey } from '../../shared/i18n/translator';
import { t } from '../i18n';
import { sessionKeyHeader } from './session-key';
import { ApiError, serverReason } from './errors';
import type { HttpClient, HttpRequest } from './http-client';
import { buildUrl, v1Id } from './ids';
import {
  type AgentEvent,
  agentEventPageSchema,
  conversationInfoSchema,
  type ConversationInfo,
  serverInfoSchema,
} from './schemas/agent-server';
import { successSchema } from './schemas/app-server';

/** Where one V1 conversation lives: its agent server and the key that opens it (from the app server). */
export interface AgentTarget {
  conversationId: string;
  /** `{agent}/api/conversations/{id}`, already rewritten to a reachable host (see `agentBaseUrl`). */
  conversationUrl: string;
  /** Empty for a bare agent server without a key (no header is sent then). */
  sessionApiKey: string;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '0.0.0.0', '[::1]', '::1']);

/**
 * Self-hosted sandboxes advertise `http://localhost:{port}`, which only works on the server's own machine.
 * Like the web UI (which keeps host:port of conversation_url), we keep the port but use the app server's
 * host when the app server itself is not on loopback. A relative URL is resolved against the app server.
 */
export function reachableConversationUrl(conversationUrl: string, appServerUrl: string): string {
  const app = new URL(appServerUrl);
  const url = new URL(conversationUrl, app);
  if (LOOPBACK.has(url.hostname) && !LOOPBACK.has(app.hostname)) url.hostname = app.hostname;
  return url.toString().replace(/\/+$/, '');
}

export interface EventSearch {
  pageId?: string;
  limit?: number;
  sortOrder?: 'TIMESTAMP' | 'TIMESTAMP_DESC';
  timestampGte?: string;
  timestampLt?: string;
  /** Short kind (e.g. "MessageEvent"): translated to the fully qualified name the filter needs. */
  kind?: string;
  source?: 'agent' | 'user' | 'environment';
  body?: string;
}

/** The `kind` filter needs the module path, although events carry the short class name (§9.19). */
const KIND_MODULES: Record<string, string> = {
  MessageEvent: 'openhands.sdk.event.llm_convertible.message',
  ActionEvent: 'openhands.sdk.event.llm_convertible.action',
  ObservationEvent: 'openhands.sdk.event.llm_convertible.observation',
  UserRejectObservation: 'openhands.sdk.event.llm_convertible.observation',
  AgentErrorEvent: 'openhands.sdk.event.llm_convertible.observation',
  SystemPromptEvent: 'openhands.sdk.event.llm_convertible.system',
  ConversationStateUpdateEvent: 'openhands.sdk.event.conversation_state',
  ConversationErrorEvent: 'openhands.sdk.event.conversation_error',
  PauseEvent: 'openhands.sdk.event.user_action',
};

export function qualifiedEventKind(kind: string): string {
  const module = KIND_MODULES[kind];
  return module ? `${module}.${kind}` : kind;
}

/** Calls on one conversation's agent server, authenticated with its `X-Session-API-Key`. */
export class AgentServerClient {
  constructor(
    private readonly http: HttpClient,
    readonly target: AgentTarget,
  ) {
    v1Id(target.conversationId);
  }

  /**
   * The agent server's base URL: its origin plus any path prefix it is served under (e.g. `/runtime/<port>`
   * behind a proxy, §4.1), i.e. `conversation_url` without `/api/conversations/<id>`.
   */
  get agentBase(): string {
    const url = new URL(this.target.conversationUrl);
    const at = url.pathname.indexOf('/api/conversations');
    const prefix = at > 0 ? url.pathname.slice(0, at).replace(/\/+$/, '') : '';
    return `${url.origin}${prefix}`;
  }

  private call<S extends z.ZodType>(
    method: HttpRequest['method'],
    url: string,
    schema: S,
    options: { json?: unknown; signal?: AbortSignal; timeoutMs?: number } = {},
  ): Promise<z.infer<S>> {
    return this.http.json(
      {
        method,
        url,
        headers: sessionKeyHeader(this.target.sessionApiKey),
        idempotent: method === 'GET',
        ...(options.json !== undefined ? { json: options.json } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      },
      schema,
    );
  }

  private url(segments: string[], query?: Parameters<typeof buildUrl>[2]): string {
    return buildUrl(this.target.conversationUrl, segments, query);
  }

  info(signal?: AbortSignal): Promise<ConversationInfo> {
    return this.call('GET', this.url([]), conversationInfoSchema, { signal });
  }

  /** `run` defaults to false on the server (the message would just sit there); we ask for it explicitly. */
  async sendMessage(text: string, options: { run?: boolean; signal?: AbortSignal } = {}): Promise<void> {
    await this.call('POST', this.url(['events']), successSchema, {
      json: { role: 'user', content: [{ type: 'text', text }], run: options.run ?? true },
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  searchEvents(
    search: EventSearch = {},
    signal?: AbortSignal,
  ): Promise<{ items: AgentEvent[]; next_page_id: string | null }> {
    return this.call(
      'GET',
      this.url(['events', 'search'], {
        page_id: search.pageId,
        limit: Math.min(100, Math.max(1, search.limit ?? 100)),
        sort_order: search.sortOrder,
        timestamp__gte: search.timestampGte,
        timestamp__lt: search.timestampLt,
        kind: search.kind ? qualifiedEventKind(search.kind) : undefined,
        source: search.source,
        body: search.body,
      }),
      agentEventPageSchema,
      { signal },
    );
  }

  /**
   * Every event matching `search`, following the cursor. The cursor is inclusive (the next page starts AT
   * `next_page_id`), so an event id already seen is skipped rather than duplicated.
   */
  async allEvents(
    search: Omit<EventSearch, 'pageId'> = {},
    options: { maxPages?: number; signal?: AbortSignal } = {},
  ): Promise<AgentEvent[]> {
    const out: AgentEvent[] = [];
    const seen = new Set<string>();
    let pageId: string | undefined;
    for (let page = 0; page < (options.maxPages ?? 1000); page++) {
      const res = await this.searchEvents({ ...search, ...(pageId ? { pageId } : {}) }, options.signal);
      for (const event of res.items) {
        if (seen.has(event.id)) continue;
        seen.add(event.id);
        out.push(event);
      }
      if (!res.next_page_id || res.next_page_id === pageId) break;
      pageId = res.next_page_id;
    }
    return out;
  }

  countEvents(signal?: AbortSignal): Promise<number> {
    return this.call('GET', this.url(['events', 'count']), z.number().int().nonnegative(), { signal });
  }

  async pause(signal?: AbortSignal): Promise<void> {
    await this.call('POST', this.url(['pause']), successSchema, { signal });
  }

  /**
   * Stops the agent at once, mid-LLM-call (`/interrupt`, agent server ≥ 1.23: an InterruptEvent and `paused`).
   * Older agent servers have no such route (404): they are paused instead, which waits for the current step.
   */
  async interrupt(signal?: AbortSignal): Promise<'interrupted' | 'paused'> {
    try {
      await this.call('POST', this.url(['interrupt']), successSchema, { signal });
      return 'interrupted';
    } catch (error) {
      if (!(error instanceof ApiError && error.kind === 'not-found')) throw error;
      await this.pause(signal);
      return 'paused';
    }
  }

  /**
   * Starts or continues the agent. Older servers (1.3.0) block until the run ends, so the timeout is long;
   * the status arrives over the socket or the poller meanwhile.
   *
   * A 409 does not always mean "already running": right after a pause the previous run is still finishing
   * its step (tens of seconds with a real LLM) and refuses a new one although the status already reads
   * paused, and a 409 with `retryable: true` means the conversation's credentials are still being
   * activated. Only a 409 while the conversation reads `running` counts as done; any other 409 is thrown as
   * a `conflict` for the caller to retry (the outbox does, with backoff and a bound), so a resume is never
   * silently dropped.
   */
  async run(signal?: AbortSignal): Promise<void> {
    const url = this.url(['run']);
    const res = await this.http.send({
      method: 'POST',
      url,
      headers: sessionKeyHeader(this.target.sessionApiKey),
      idempotent: false,
      acceptStatus: [409],
      timeoutMs: 30 * 60_000,
      ...(signal ? { signal } : {}),
    });
    if (res.status !== 409) {
      if (!successSchema.safeParse(res.body).success)
        throw new ApiError(
          'invalid-response',
          t('serverErrors.unreadableResponse', { host: new URL(url).host }),
          {
            status: res.status,
          },
        );
      return;
    }
    // The server's words are shown to the user; our key never is, should the server echo it.
    const key = this.target.sessionApiKey;
    const said = serverReason(res.body);
    const reason = key && said ? said.split(key).join('***') : said;
    const body: unknown = res.body;
    const retryable =
      typeof body === 'object' && body !== null && (body as { retryable?: unknown }).retryable === true;
    // One whole sentence with the server's reason, another without (no fragments glued together).
    const conflict = (plain: MessageKey, withReason: MessageKey): ApiError =>
      new ApiError('conflict', reason ? t(withReason, { reason }) : t(plain), {
        status: 409,
        ...(reason ? { serverDetail: reason } : {}),
      });
    if (retryable)
      throw conflict('serverErrors.credentialsActivating', 'serverErrors.credentialsActivatingBecause');
    if ((await this.info(signal)).execution_status === 'running') return;
    throw conflict('serverErrors.previousStep', 'serverErrors.previousStepBecause');
  }

  async respondToConfirmation(accept: boolean, reason?: string, signal?: AbortSignal): Promise<void> {
    await this.call('POST', this.url(['events', 'respond_to_confirmation']), successSchema, {
      json: { accept, ...(reason ? { reason } : {}) },
      signal,
      timeoutMs: 30 * 60_000,
    });
  }

  /** `GET {agent}/server_info` (no auth needed): the agent-server release, which decides some routes. */
  async serverVersion(signal?: AbortSignal): Promise<string | undefined> {
    const info = await this.call('GET', buildUrl(this.agentBase, ['server_info']), serverInfoSchema, {
      signal,
    });
    return info.version;
  }
}
