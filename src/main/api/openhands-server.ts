import { randomUUID } from 'node:crypto';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ConversationRef, ConversationSummary, StartProgress } from '../../shared/conversations';
import { START_TASK_STATUSES, type SandboxStatus } from '../../shared/openhands-enums';
import type { MessageKey } from '../../shared/i18n/translator';
import { type BackendKind, serverKind } from '../../shared/servers';
import { type Clock, systemClock } from '../clock';
import { t } from '../i18n';
import { consoleLogger, type Logger } from '../logger';
import {
  checkRemotePath,
  downloadFile,
  fileRouteForm,
  type FileRouteForm,
  type TransferProgress,
  uploadFile,
} from './file-transfer';
import { type AgentEvent } from './schemas/agent-server';
import type { BatchRow } from './schemas/lenient';
import { checkedAgentUrl } from './agent-address';
import { AgentBackendClient } from './agent-backend-client';
import { AgentServerClient, type EventSearch } from './agent-server-client';
import { isVersion, MIN_BACKEND_VERSION, versionAtLeast } from './agent-versions';
import { AppServerClient, checkTitle, type StartConversationRequest } from './app-server-client';
import { ApiError } from './errors';
import type { HttpClient } from './http-client';
import { legacyId, v1Id } from './ids';
import { CLOUD_BUDGET, RequestBudget, SELF_HOSTED_BUDGET } from './request-budget';
import type { AppConversation, LegacyEvent, StartTask } from './schemas/app-server';
import {
  summarizeAppConversation,
  summarizeBackendConversation,
  summarizeLegacyConversation,
} from './summaries';

export interface ServerConnection {
  id: string;
  baseUrl: string;
  /** Read from the keychain when a request needs it. */
  apiKey: () => Promise<string | undefined>;
  /** Cloud: the organisation this entry acts in (sent as `X-Org-Id`); none: the user's current one. */
  orgId?: () => string | null | undefined;
  /**
   * Hosts besides its own where the user allows this server's agent servers (agent-address.ts), read at
   * each check so a change applies at once; none: only the server's own host.
   */
  agentHosts?: () => readonly string[];
  /** What the entry was saved as: a bare agent server is asked as one first (it is checked either way). */
  kind?: () => BackendKind;
  /** Detection found the server to be of another kind than saved (an address that now serves another). */
  onKindDetected?: (kind: BackendKind) => void;
}

export interface Capabilities {
  appMode: 'oss' | 'saas' | 'unknown';
  v1: boolean;
  /**
   * A server from before April 2026 (no `/api/v1/web-client/config`): it still has the V0 routes, and its V1
   * API has no rename or delete of its own, so those go through V0 there.
   */
  legacyRoutes: boolean;
  /** A bare agent server: conversations live on it, no sandboxes, no start tasks (docs §4.11). */
  backend: BackendKind;
  /** The agent server's release (a bare agent server's own; null for app servers). */
  agentVersion: string | null;
  checkedAt: number;
}

export interface OpenHandsServerOptions {
  clock?: Clock;
  logger?: Logger;
  /** How often a start task is polled when `stream-start` is not usable. */
  startPollMs?: number;
  /** Give up following a start after this long (a sandbox wait alone can take 2 minutes). */
  startTimeoutMs?: number;
  /** A start stream silent for this long is dropped for polling (default 3 minutes). */
  startIdleTimeoutMs?: number;
}

const WALK_STEPS = START_TASK_STATUSES.length - 1; // ERROR is not a step

/** Why a conversation's agent cannot be reached, by the state of its sandbox (one whole sentence each). */
const SANDBOX_IS: Record<SandboxStatus | 'unknown', MessageKey> = {
  STARTING: 'serverErrors.sandboxStarting',
  RUNNING: 'serverErrors.sandboxRunning',
  PAUSED: 'serverErrors.sandboxPaused',
  ERROR: 'serverErrors.sandboxError',
  MISSING: 'serverErrors.sandboxMissing',
  unknown: 'serverErrors.sandboxUnknown',
};

/**
 * One configured OpenHands server: capability detection (V1 or legacy V0), per-conversation dispatch by
 * version, and the agent servers behind V1 conversations (their URLs and session keys stay in here).
 */
export class OpenHandsServer {
  readonly app: AppServerClient;
  readonly backend: AgentBackendClient;
  readonly budget: RequestBudget;
  private capabilities: Capabilities | undefined;
  private detecting: Promise<Capabilities> | undefined;
  private readonly agents = new Map<string, AgentServerClient>();
  private readonly fileForms = new Map<string, FileRouteForm | undefined>();
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(
    private readonly http: HttpClient,
    readonly connection: ServerConnection,
    private readonly options: OpenHandsServerOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? consoleLogger;
    // On the injected clock too, so tests and benchmarks on simulated time see the budget on it.
    this.budget = new RequestBudget(SELF_HOSTED_BUDGET, this.clock);
    this.app = new AppServerClient(http, {
      baseUrl: connection.baseUrl,
      apiKey: connection.apiKey,
      budget: this.budget,
      ...(connection.orgId ? { orgId: connection.orgId } : {}),
    });
    this.backend = new AgentBackendClient(http, {
      baseUrl: connection.baseUrl,
      apiKey: connection.apiKey,
      budget: this.budget,
    });
  }

  get id(): string {
    return this.connection.id;
  }

  /** App mode and V1 availability; Cloud gets Cloud's tighter request budget. Cached until `refresh`. */
  async detect(options: { refresh?: boolean; signal?: AbortSignal } = {}): Promise<Capabilities> {
    if (this.capabilities && !options.refresh) return this.capabilities;
    // Concurrent first calls share one detection.
    this.detecting ??= this.runDetection(options.signal).finally(() => {
      this.detecting = undefined;
    });
    return this.detecting;
  }

  /**
   * Today's servers first: one V1 search answers reachability, key and V1 together, and the web-client config
   * (no key) says the app mode. Without a V1 API the address may be a bare agent server (its `/server_info`
   * names it), asked first when the entry was saved as one; the V0 config route only after that, for
   * installs from before April 2026.
   */
  private async runDetection(signal?: AbortSignal): Promise<Capabilities> {
    const cloud = serverKind(this.connection.baseUrl) === 'cloud';
    if (cloud) this.budget.setLimits(CLOUD_BUDGET);
    const savedKind = this.connection.kind?.() ?? 'app-server';
    if (!cloud && savedKind === 'agent-server') {
      const backend = await this.detectBackend(signal);
      if (backend) return this.detected(backend);
    }
    const probe = await this.app.probeV1(signal);
    let appMode: Capabilities['appMode'];
    let legacyRoutes: boolean;
    if (probe) {
      const config = await this.app.webClientConfig(signal).catch(() => null);
      legacyRoutes = config === null && !cloud;
      appMode = cloud ? 'saas' : (config?.app_mode ?? 'oss');
    } else {
      let config: Awaited<ReturnType<AppServerClient['legacyConfig']>>;
      try {
        config = await this.app.legacyConfig(signal);
      } catch (error) {
        // Neither today's app server nor an old one: a bare agent server, or not OpenHands at all.
        const backend = !cloud && savedKind !== 'agent-server' ? await this.detectBackend(signal) : null;
        if (backend) return this.detected(backend);
        throw error;
      }
      this.logger.info(`server ${this.id}: V1 API not available, using the legacy V0 API`);
      legacyRoutes = true;
      appMode = config.APP_MODE;
    }
    this.budget.setLimits(appMode === 'saas' ? CLOUD_BUDGET : SELF_HOSTED_BUDGET);
    return this.detected({
      appMode,
      v1: probe !== null,
      legacyRoutes,
      backend: 'app-server',
      agentVersion: null,
      checkedAt: this.clock.now(),
    });
  }

  private detected(capabilities: Capabilities): Capabilities {
    this.capabilities = capabilities;
    if (capabilities.backend !== (this.connection.kind?.() ?? 'app-server')) {
      this.logger.info(`server ${this.id}: detected as ${capabilities.backend}`);
      this.connection.onKindDetected?.(capabilities.backend);
    }
    return capabilities;
  }

  /**
   * A bare agent server, or null when the address is not one. One older than this app takes as a backend
   * fails detection with a sentence saying so (every request to it then fails with that sentence).
   */
  private async detectBackend(signal?: AbortSignal): Promise<Capabilities | null> {
    const info = await this.backend.serverInfo(signal).catch(() => null);
    if (!info) return null;
    if (!info.version || !isVersion(info.version) || !versionAtLeast(info.version, MIN_BACKEND_VERSION))
      throw new ApiError(
        'bad-request',
        t('serverErrors.agentServerTooOld', {
          server: this.app.server,
          version: info.version ?? '?',
          min: MIN_BACKEND_VERSION,
        }),
      );
    return {
      appMode: 'unknown',
      v1: true,
      legacyRoutes: false,
      backend: 'agent-server',
      agentVersion: info.version,
      checkedAt: this.clock.now(),
    };
  }

  /** Whether this server is a bare agent server (detected; cached after the first call). */
  async isBackend(signal?: AbortSignal): Promise<boolean> {
    return (await this.detect({ ...(signal ? { signal } : {}) })).backend === 'agent-server';
  }

  /** As last detected, without asking: a create can be sent again safely only on a bare agent server. */
  get knownBackend(): BackendKind | null {
    return this.capabilities?.backend ?? null;
  }

  // ---- listing ----

  async listConversations(
    query: { pageId?: string; titleContains?: string; limit?: number } = {},
    signal?: AbortSignal,
  ): Promise<{ items: ConversationSummary[]; nextPageId: string | null }> {
    const caps = await this.detect({ ...(signal ? { signal } : {}) });
    if (caps.backend === 'agent-server') {
      // The server has no title filter: the page is filtered here, as for V0.
      const page = await this.backend.search(query, signal);
      const title = query.titleContains?.toLowerCase();
      return {
        items: page.items
          .map((c) => summarizeBackendConversation(this.id, c))
          .filter((c) => !title || c.title.toLowerCase().includes(title)),
        nextPageId: page.next_page_id,
      };
    }
    if (caps.v1) {
      const page = await this.app.searchConversations(query, signal);
      return {
        items: page.items.map((c) => summarizeAppConversation(this.id, c)),
        nextPageId: page.next_page_id,
      };
    }
    const page = await this.app.listLegacy(query, signal);
    const title = query.titleContains?.toLowerCase();
    const items = page.results
      .map((c) => summarizeLegacyConversation(this.id, c))
      .filter((c) => !title || c.title.toLowerCase().includes(title));
    return { items, nextPageId: page.next_page_id };
  }

  /** Live state of V1 conversations in batches of ≤ 99 ids (one request per 99 conversations). */
  async getConversations(ids: string[], signal?: AbortSignal): Promise<BatchRow<ConversationSummary>[]> {
    ids.forEach((id) => v1Id(id)); // every id checked before anything is sent, detection included
    if (await this.isBackend(signal)) {
      const rows = await this.backend.getMany(ids, signal);
      return rows.map((row) => (row ? summarizeBackendConversation(this.id, row) : row));
    }
    const rows = await this.app.getConversations(ids, signal);
    rows.forEach((row) => row && this.remember(row));
    return rows.map((row) => (row ? summarizeAppConversation(this.id, row) : row));
  }

  // ---- creating ----

  /**
   * Creates a conversation and follows it until it can be used. V1: the start task's steps are reported
   * through `onProgress` (streamed; polled if the stream breaks). V0: one call.
   */
  async createConversation(
    request: StartConversationRequest,
    onProgress: (progress: StartProgress) => void = () => undefined,
    signal?: AbortSignal,
  ): Promise<ConversationRef> {
    const caps = await this.detect({ ...(signal ? { signal } : {}) });
    if (caps.backend === 'agent-server') return this.createOnBackend(request, signal);
    if (!caps.v1) {
      const id = await this.app.createLegacy(
        {
          ...(request.initialMessage ? { initialMessage: request.initialMessage } : {}),
          ...(request.selectedRepository ? { repository: request.selectedRepository } : {}),
          ...(request.selectedBranch ? { branch: request.selectedBranch } : {}),
        },
        signal,
      );
      return { serverId: this.id, id, version: 'V0' };
    }
    const started = this.clock.now();
    // A failed start keeps the step it stopped at (the bar does not fall back to 0).
    let lastStep = 0;
    const report = (task: StartTask): void => {
      const index = (START_TASK_STATUSES as readonly string[]).indexOf(task.status);
      if (task.status !== 'ERROR' && index >= 0) lastStep = index + 1;
      onProgress({
        taskId: task.id,
        status: task.status,
        step: lastStep,
        totalSteps: WALK_STEPS,
        detail: task.detail,
        elapsedMs: this.clock.now() - started,
      });
    };
    let last: StartTask | undefined;
    try {
      last = await this.app.streamStart(
        request,
        (task) => {
          last = task;
          report(task);
        },
        {
          ...(signal ? { signal } : {}),
          timeoutMs: this.options.startTimeoutMs ?? 10 * 60_000,
          ...(this.options.startIdleTimeoutMs ? { idleTimeoutMs: this.options.startIdleTimeoutMs } : {}),
        },
      );
    } catch (error) {
      // Cancelled, or nothing came back (we cannot know whether the server started anything): the caller decides.
      if (!last || (error instanceof ApiError && error.kind === 'aborted'))
        throw error instanceof ApiError
          ? error
          : new ApiError('offline', t('serverErrors.startBrokeOff', { server: this.app.server }));
      this.logger.warn(
        `server ${this.id}: start stream broke (${(error as Error).message}); polling the start task`,
      );
      last = await this.pollStartTask(last, report, started, signal);
    }
    return this.finishStart(last);
  }

  /**
   * A bare agent server answers a create at once (no start task), with the conversation it made in the
   * working directory the user picked on it. The id is ours (`conversationId`), so a resend is harmless.
   */
  private async createOnBackend(
    request: StartConversationRequest,
    signal?: AbortSignal,
  ): Promise<ConversationRef> {
    const workingDir = request.workingDir?.trim();
    if (!workingDir || !workingDir.startsWith('/'))
      throw new ApiError('bad-request', t('serverErrors.workingDirRequired', { server: this.app.server }));
    const conversationId = request.conversationId ?? randomUUID();
    const info = await this.backend.create(
      {
        conversationId,
        workingDir,
        ...(request.worktree ? { worktree: true } : {}),
        ...(request.initialMessage ? { initialMessage: request.initialMessage } : {}),
        ...(request.agentProfileId ? { agentProfileId: request.agentProfileId } : {}),
        ...(request.llmProfile ? { llmProfile: request.llmProfile } : {}),
      },
      signal,
    );
    return { serverId: this.id, id: v1Id(info.id), version: 'V1' };
  }

  private async pollStartTask(
    task: StartTask,
    report: (task: StartTask) => void,
    started: number,
    signal?: AbortSignal,
  ): Promise<StartTask> {
    let current = task;
    const timeout = this.options.startTimeoutMs ?? 10 * 60_000;
    while (current.status !== 'READY' && current.status !== 'ERROR') {
      if (this.clock.now() - started > timeout)
        throw new ApiError(
          'timeout',
          t('serverErrors.startTimeout', { count: Math.round(timeout / 60_000) }),
        );
      try {
        await this.clock.sleep(this.options.startPollMs ?? 1000, signal);
      } catch {
        throw new ApiError('aborted', t('serverErrors.startFollowCancelled'));
      }
      const [next] = await this.app.getStartTasks([current.id], signal);
      if (next === undefined) continue; // an unreadable row: ask again on the next poll
      if (!next) throw new ApiError('not-found', t('serverErrors.startTaskGone'));
      if (next.status !== current.status || next.detail !== current.detail) report(next);
      current = next;
    }
    return current;
  }

  private finishStart(task: StartTask): ConversationRef {
    if (task.status === 'ERROR' || !task.app_conversation_id)
      throw new ApiError(
        'server-error',
        task.detail != null
          ? t('serverErrors.startFailed', { reason: task.detail })
          : t('serverErrors.startFailedNoReason'),
      );
    return { serverId: this.id, id: v1Id(task.app_conversation_id), version: 'V1' };
  }

  // ---- agent servers (V1) ----

  /**
   * The agent client for a row, or why there is none: undefined (no running sandbox) or the ApiError of an
   * invalid agent address (agent-address.ts), which is never kept, so nothing is sent there. Listings call
   * this for every row and must not fail for one bad address; `agent` throws it for that conversation.
   */
  private remember(row: AppConversation): AgentServerClient | ApiError | undefined {
    const id = v1Id(row.id);
    if (!row.conversation_url || !row.session_api_key) {
      this.agents.delete(id);
      return undefined;
    }
    let conversationUrl: string;
    try {
      conversationUrl = checkedAgentUrl(
        row.conversation_url,
        this.connection.baseUrl,
        this.connection.agentHosts?.(),
      );
    } catch (error) {
      this.agents.delete(id);
      if (!(error instanceof ApiError)) throw error;
      this.logger.warn(`${this.app.server}: conversation ${id.slice(0, 8)}: ${error.message}`);
      return error;
    }
    const client = new AgentServerClient(this.http, {
      conversationId: id,
      conversationUrl,
      sessionApiKey: row.session_api_key,
    });
    this.agents.set(id, client);
    return client;
  }

  /** The agent server of a V1 conversation; `sandbox-not-running` when its sandbox has no session key. */
  async agent(
    conversationId: string,
    options: { refresh?: boolean; signal?: AbortSignal } = {},
  ): Promise<AgentServerClient> {
    const id = v1Id(conversationId);
    const cached = this.agents.get(id);
    if (cached && !options.refresh) return cached;
    if (await this.isBackend(options.signal)) {
      // The server itself is the conversation's agent server, opened with the server's own key.
      const client = new AgentServerClient(this.http, {
        conversationId: id,
        conversationUrl: this.backend.conversationUrl(id),
        sessionApiKey: (await this.backend.apiKey()) ?? '',
      });
      this.agents.set(id, client);
      return client;
    }
    const row = await this.readConversation(id, options.signal);
    const client = this.remember(row);
    if (client instanceof ApiError) throw client;
    if (!client)
      throw new ApiError(
        'sandbox-not-running',
        t(row.sandbox_status ? SANDBOX_IS[row.sandbox_status] : 'serverErrors.sandboxNotRunningYet'),
      );
    return client;
  }

  /** Runs `fn` against the agent; a 401 means the session key changed, so it is fetched again once. */
  async withAgent<T>(
    conversationId: string,
    fn: (agent: AgentServerClient) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    const agent = await this.agent(conversationId, { ...(signal ? { signal } : {}) });
    try {
      return await fn(agent);
    } catch (error) {
      if (!(error instanceof ApiError) || (error.kind !== 'unauthorized' && error.kind !== 'offline'))
        throw error;
      const fresh = await this.agent(conversationId, { refresh: true, ...(signal ? { signal } : {}) });
      if (
        fresh.target.sessionApiKey === agent.target.sessionApiKey &&
        fresh.target.conversationUrl === agent.target.conversationUrl
      )
        throw error;
      return fn(fresh);
    }
  }

  // ---- conversation actions, dispatched by version ----

  async sendMessage(ref: ConversationRef, text: string, signal?: AbortSignal): Promise<void> {
    if (!text.trim()) throw new ApiError('bad-request', t('serverErrors.emptyMessage'));
    if (ref.version === 'V0') return this.app.legacyMessage(ref.id, text, signal);
    return this.withAgent(
      ref.id,
      (a) => a.sendMessage(text, { run: true, ...(signal ? { signal } : {}) }),
      signal,
    );
  }

  async pauseAgent(ref: ConversationRef, signal?: AbortSignal): Promise<void> {
    if (ref.version === 'V0') return this.app.stopLegacy(ref.id, signal);
    return this.withAgent(ref.id, (a) => a.pause(signal), signal);
  }

  async resumeAgent(ref: ConversationRef, signal?: AbortSignal): Promise<void> {
    if (ref.version === 'V0') return this.app.startLegacy(ref.id, signal);
    return this.withAgent(ref.id, (a) => a.run(signal), signal);
  }

  async respondToConfirmation(
    ref: ConversationRef,
    accept: boolean,
    reason?: string,
    signal?: AbortSignal,
  ): Promise<void> {
    if (ref.version === 'V0') throw new ApiError('bad-request', t('serverErrors.confirmationNeedsV1'));
    return this.withAgent(ref.id, (a) => a.respondToConfirmation(accept, reason, signal), signal);
  }

  /**
   * Stop: the agent is interrupted at once (mid-step, `/interrupt`; `/pause` on older agents), then its
   * sandbox is paused so it frees the server's resources and can be resumed later. V0: the conversation stops.
   */
  async stop(ref: ConversationRef, signal?: AbortSignal): Promise<void> {
    if (ref.version === 'V0') return this.app.stopLegacy(ref.id, signal);
    // No sandbox on a bare agent server: stopping is interrupting the agent.
    v1Id(ref.id);
    if (await this.isBackend(signal)) {
      await this.withAgent(ref.id, (a) => a.interrupt(signal), signal);
      return;
    }
    try {
      await this.withAgent(ref.id, (a) => a.interrupt(signal), signal);
    } catch (error) {
      // No running agent to interrupt (sandbox already paused, or gone): pausing the sandbox is all there is.
      if (
        !(error instanceof ApiError) ||
        !['sandbox-not-running', 'offline', 'not-found'].includes(error.kind)
      )
        throw error;
    }
    await this.pauseSandbox(ref, signal);
  }

  /** V1: pause/resume the sandbox (frees the server's resources); V0: stop/start the conversation. */
  async pauseSandbox(ref: ConversationRef, signal?: AbortSignal): Promise<void> {
    if (ref.version === 'V0') return this.app.stopLegacy(ref.id, signal);
    const sandbox = await this.sandboxOf(ref.id, signal);
    this.agents.delete(v1Id(ref.id));
    return this.app.pauseSandbox(sandbox, signal);
  }

  async resumeSandbox(ref: ConversationRef, signal?: AbortSignal): Promise<void> {
    if (ref.version === 'V0') return this.app.startLegacy(ref.id, signal);
    return this.app.resumeSandbox(await this.sandboxOf(ref.id, signal), signal);
  }

  /**
   * Resumes a V1 conversation's sandbox (paused by the user, or by the server itself to make room: it keeps
   * only a few running) and waits until its agent answers, so a message can be delivered to it. Polls the
   * conversation's row, slowly (at most one app-server read every few seconds), for up to `timeoutMs`
   * (default: as long as a start may take); `sandbox-not-running` when it does not come back in time.
   */
  async resumeSandboxAndWait(
    ref: ConversationRef,
    signal?: AbortSignal,
    options: { timeoutMs?: number } = {},
  ): Promise<AgentServerClient> {
    const id = v1Id(ref.id);
    if (await this.isBackend(signal)) return this.agent(id, { ...(signal ? { signal } : {}) });
    const first = await this.readConversation(id, signal);
    if (!first.sandbox_id)
      throw new ApiError('sandbox-not-running', t('serverErrors.sandboxNoneYet', { id: id.slice(0, 8) }));
    // A sandbox already starting comes up by itself; asking again would only cost a request.
    if (first.sandbox_status !== 'RUNNING' && first.sandbox_status !== 'STARTING')
      await this.app.resumeSandbox(first.sandbox_id, signal);
    const waitMs = options.timeoutMs ?? this.options.startTimeoutMs ?? 10 * 60_000;
    const deadline = this.clock.now() + waitMs;
    let delayMs = 250;
    for (;;) {
      const row = await this.readConversation(id, signal);
      const client = row.sandbox_status === 'RUNNING' ? this.remember(row) : undefined;
      // An invalid agent address will not become valid by waiting.
      if (client instanceof ApiError) throw client;
      if (client) {
        try {
          await client.info(signal);
          return client;
        } catch (error) {
          // The row says RUNNING a moment before the agent's port accepts connections.
          if (!(error instanceof ApiError) || (error.kind !== 'offline' && error.kind !== 'timeout'))
            throw error;
        }
      }
      if (row.sandbox_status === 'ERROR' || row.sandbox_status === 'MISSING')
        throw new ApiError(
          'sandbox-not-running',
          t(
            row.sandbox_status === 'ERROR'
              ? 'serverErrors.sandboxResumeError'
              : 'serverErrors.sandboxResumeMissing',
          ),
        );
      if (this.clock.now() >= deadline)
        throw new ApiError(
          'sandbox-not-running',
          t('serverErrors.sandboxResumeTimeout', { minutes: Math.max(1, Math.round(waitMs / 60_000)) }),
        );
      try {
        await this.clock.sleep(delayMs, signal);
      } catch {
        throw new ApiError('aborted', t('serverErrors.requestCancelled'));
      }
      delayMs = Math.min(3000, delayMs * 2);
    }
  }

  private async sandboxOf(id: string, signal?: AbortSignal): Promise<string> {
    v1Id(id);
    if (await this.isBackend(signal))
      throw new ApiError('bad-request', t('serverErrors.noSandboxes', { server: this.app.server }));
    const row = await this.readConversation(id, signal);
    if (!row.sandbox_id)
      throw new ApiError('sandbox-not-running', t('serverErrors.sandboxNoneYet', { id: id.slice(0, 8) }));
    return row.sandbox_id;
  }

  /** One conversation's row: `not-found` when the server has none, `invalid-response` when it is unreadable. */
  private async readConversation(id: string, signal?: AbortSignal): Promise<AppConversation> {
    const [row] = await this.app.getConversations([id], signal);
    if (row === undefined)
      throw new ApiError(
        'invalid-response',
        t('serverErrors.unreadableRow', { server: this.app.server, id: id.slice(0, 8) }),
      );
    if (!row)
      throw new ApiError(
        'not-found',
        t('serverErrors.noConversation', { server: this.app.server, id: id.slice(0, 8) }),
      );
    return row;
  }

  /** V1 routes on today's servers; the V0 routes on older ones (they handled V1 ids too). */
  async rename(ref: ConversationRef, title: string, signal?: AbortSignal): Promise<void> {
    const id = ref.version === 'V1' ? v1Id(ref.id) : legacyId(ref.id); // checked before any request
    if (ref.version === 'V1' && (await this.isBackend(signal)))
      return this.backend.rename(id, checkTitle(title), signal);
    if (await this.usesLegacyRoutes(ref, signal)) return this.app.renameLegacy(id, title, signal);
    return this.app.rename(id, title, signal);
  }

  async delete(ref: ConversationRef, signal?: AbortSignal): Promise<boolean> {
    const id = ref.version === 'V1' ? v1Id(ref.id) : legacyId(ref.id);
    this.agents.delete(id);
    if (ref.version === 'V1' && (await this.isBackend(signal))) return this.backend.delete(id, signal);
    if (await this.usesLegacyRoutes(ref, signal)) return this.app.deleteLegacy(id, signal);
    return this.app.deleteConversation(id, signal);
  }

  private async usesLegacyRoutes(ref: ConversationRef, signal?: AbortSignal): Promise<boolean> {
    if (ref.version === 'V0') return true;
    return (await this.detect({ ...(signal ? { signal } : {}) })).legacyRoutes;
  }

  /** One page of events. V1: agent-server search (cursor inclusive); V0: numeric ids from `start_id`. */
  async events(
    ref: ConversationRef,
    query: EventSearch & { startId?: number } = {},
    signal?: AbortSignal,
  ): Promise<{ items: (AgentEvent | LegacyEvent)[]; nextPageId: string | null }> {
    if (ref.version === 'V0') {
      const startId = query.startId ?? (query.pageId !== undefined ? Number(query.pageId) : undefined);
      if (startId !== undefined && (!Number.isInteger(startId) || startId < 0))
        throw new ApiError(
          'bad-request',
          t('serverErrors.notAnEventPage', { page: String(query.pageId).slice(0, 20) }),
        );
      const page = await this.app.legacyEvents(
        ref.id,
        {
          ...(startId !== undefined ? { startId } : {}),
          ...(query.limit ? { limit: query.limit } : {}),
        },
        signal,
      );
      const lastId = page.events.at(-1)?.id;
      return {
        items: page.events,
        nextPageId: page.has_more && lastId !== undefined ? String(lastId + 1) : null,
      };
    }
    const page = await this.withAgent(ref.id, (a) => a.searchEvents(query, signal), signal);
    return { items: page.items, nextPageId: page.next_page_id };
  }

  /**
   * A page of a V1 conversation's events from the app server's own copy (readable while its sandbox is
   * paused), in the agent-server search's terms; `null` when the server has no such route (older installs).
   */
  async appServerEvents(
    ref: ConversationRef,
    search: EventSearch,
  ): Promise<{ items: AgentEvent[]; next_page_id: string | null } | null> {
    if (ref.version !== 'V1' || this.knownBackend === 'agent-server') return null;
    return this.app.searchAppEvents(ref.id, {
      ...(search.pageId ? { pageId: search.pageId } : {}),
      ...(search.limit ? { limit: search.limit } : {}),
      desc: search.sortOrder === 'TIMESTAMP_DESC',
      ...(search.timestampLt ? { before: search.timestampLt } : {}),
    });
  }

  private async fileForm(agent: AgentServerClient, signal?: AbortSignal): Promise<FileRouteForm | undefined> {
    const origin = agent.agentBase;
    if (!this.fileForms.has(origin)) {
      const version = await agent.serverVersion(signal).catch(() => undefined);
      this.fileForms.set(origin, fileRouteForm(version));
    }
    return this.fileForms.get(origin);
  }

  /** Streams a local file into the conversation's workspace (V1 agent server). */
  async upload(
    ref: ConversationRef,
    localPath: string,
    remotePath: string,
    options: { onProgress?: (p: TransferProgress) => void; signal?: AbortSignal } = {},
  ): Promise<void> {
    checkRemotePath(remotePath);
    if (ref.version === 'V0') {
      // The V0 route decodes uploads as UTF-8, which corrupts binaries (§9.9): refuse rather than damage them.
      if (await looksBinary(localPath))
        throw new ApiError(
          'bad-request',
          t('serverErrors.binaryLegacyUpload', { name: basename(localPath) }),
        );
      await this.app.legacyUpload(ref.id, [{ localPath, filename: basename(remotePath) }], options);
      return;
    }
    await this.withAgent(
      ref.id,
      async (agent) => {
        const known = await this.fileForm(agent, options.signal);
        const attempt = (form: FileRouteForm): Promise<void> =>
          uploadFile({
            agentBase: agent.agentBase,
            sessionApiKey: agent.target.sessionApiKey,
            remotePath,
            localPath,
            form,
            ...options,
          });
        if (known) return attempt(known);
        // Unknown release: the query form first (every current server), then the older path form.
        try {
          await attempt('query');
          this.fileForms.set(agent.agentBase, 'query');
        } catch (error) {
          if (!(error instanceof ApiError && error.kind === 'not-found')) throw error;
          await attempt('path');
          this.fileForms.set(agent.agentBase, 'path');
        }
      },
      options.signal,
    );
  }

  async download(
    ref: ConversationRef,
    remotePath: string,
    localPath: string,
    options: { onProgress?: (p: TransferProgress) => void; signal?: AbortSignal } = {},
  ): Promise<{ bytes: number }> {
    checkRemotePath(remotePath);
    if (ref.version === 'V0') throw new ApiError('bad-request', t('serverErrors.downloadsNeedV1'));
    return this.withAgent(
      ref.id,
      async (agent) => {
        const form = (await this.fileForm(agent, options.signal)) ?? 'query';
        return downloadFile({
          agentBase: agent.agentBase,
          sessionApiKey: agent.target.sessionApiKey,
          remotePath,
          localPath,
          form,
          ...options,
        });
      },
      options.signal,
    );
  }
}

/** A NUL byte in the first 8 KiB: the usual test for "not text". */
async function looksBinary(path: string): Promise<boolean> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return false;
  try {
    const buffer = Buffer.alloc(8192);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).includes(0);
  } finally {
    await handle.close();
  }
}
