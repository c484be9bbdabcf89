import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AgentServer } from './agent-server';
import type { AgentConversation } from './agent-conversation';
import { lastLlmCallAt, metricsSnapshot } from './conversation-stats';
import { textContent, utcIso } from './events';
import type { Faults, RequestLogEntry } from './faults';
import { base62, hexOf, newHexId } from './ids';
import type { LegacyConversation } from './legacy';
import type { Organisations } from './orgs';
import type { AppMode, SimulatorProfile } from './profile';
import { type RowQuirk, RowQuirks } from './row-quirks';
import type { Scheduler } from './scheduler';

export const SANDBOX_STATUSES = ['STARTING', 'RUNNING', 'PAUSED', 'ERROR', 'MISSING'] as const;
export type SandboxStatus = (typeof SANDBOX_STATUSES)[number];

export const START_TASK_STATUSES = [
  'WORKING',
  'WAITING_FOR_SANDBOX',
  'PREPARING_REPOSITORY',
  'RUNNING_SETUP_SCRIPT',
  'SETTING_UP_GIT_HOOKS',
  'SETTING_UP_SKILLS',
  'STARTING_CONVERSATION',
  'READY',
  'ERROR',
] as const;
export type StartTaskStatus = (typeof START_TASK_STATUSES)[number];

export interface Sandbox {
  id: string;
  createdByUserId: string | null;
  status: SandboxStatus;
  createdAt: number;
  agent: AgentServer;
  /** Forced failure of this sandbox's start (test control). */
  failStart?: boolean;
}

/** The app server's SQL row for a V1 conversation. */
export interface AppConversationRecord {
  id: string;
  sandboxId: string;
  createdByUserId: string | null;
  /** Cloud: the org that was effective when the conversation was created (null when self-hosted). */
  orgId: string | null;
  selectedRepository: string | null;
  selectedBranch: string | null;
  gitProvider: string | null;
  /** Null only after a current-profile PATCH clears it. */
  title: string | null;
  trigger: string | null;
  prNumber: number[];
  llmModel: string | null;
  /** Sharing flag (current profile; PATCH `{public}`). */
  public: boolean | null;
  parentId: string | null;
  subIds: string[];
  createdAt: number;
  updatedAt: number;
  /**
   * The agent-side conversation. The real app server keeps its own copy of the events (sent to it by
   * webhook); the simulator reads them from this object, which outlives a paused or deleted sandbox.
   */
  agent?: AgentConversation;
}

export interface StartTask {
  id: string;
  createdByUserId: string | null;
  status: StartTaskStatus;
  detail: string | null;
  appConversationId: string | null;
  sandboxId: string | null;
  agentServerUrl: string | null;
  request: Record<string, unknown>;
  /** The org its conversation will belong to (Cloud). */
  orgId: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface WorldOptions {
  profile: SimulatorProfile;
  /** Agent servers answer under `/runtime/<port>` (their root path) and every URL to them carries it. */
  agentPathPrefix?: boolean;
  appMode: AppMode;
  host: string;
  agentVersion: string;
  userId: string | null;
  filesRoot: string;
  faults: Faults;
  log: RequestLogEntry[];
  scheduler: Scheduler;
  maxSandboxes: number;
  /** Steps a start task waits for a sandbox before giving up (120 s on the real server). */
  sandboxTimeoutSteps: number;
  socketAuthTimeoutMs: number;
  /** Cloud organisations (current profile in SaaS mode only). */
  orgs: Organisations | undefined;
}

/** Everything the simulated deployment knows: sandboxes with their agent servers, V1 rows, start tasks, V0 conversations. */
export class World {
  readonly sandboxes = new Map<string, Sandbox>();
  readonly conversations = new Map<string, AppConversationRecord>();
  readonly tasks = new Map<string, StartTask>();
  readonly legacy = new Map<string, LegacyConversation>();
  /** Sandboxes whose next start fails; and start tasks that fail at a given step. */
  failNextSandbox = false;
  failNextStart: { at: StartTaskStatus; detail: string } | undefined;
  /** Test control: spoiled app-conversation rows (see row-quirks.ts). */
  readonly rowQuirks = new RowQuirks();
  private readonly taskListeners = new Set<(task: StartTask) => void>();
  private online = true;

  constructor(readonly options: WorldOptions) {}

  get current(): boolean {
    return this.options.profile === 'current';
  }

  get isOnline(): boolean {
    return this.online;
  }

  setOnline(online: boolean): void {
    this.online = online;
  }

  onTask(listener: (task: StartTask) => void): () => void {
    this.taskListeners.add(listener);
    return () => this.taskListeners.delete(listener);
  }

  // ---- sandboxes ----

  async createSandbox(): Promise<Sandbox> {
    const id = base62(16);
    const filesRoot = join(this.options.filesRoot, id);
    await mkdir(filesRoot, { recursive: true });
    const agent = new AgentServer({
      sandboxId: id,
      host: this.options.host,
      version: this.options.agentVersion,
      sessionApiKey: base62(32),
      filesRoot,
      faults: this.options.faults,
      log: this.options.log,
      scheduler: this.options.scheduler,
      socketAuthTimeoutMs: this.options.socketAuthTimeoutMs,
      ...(this.options.agentPathPrefix ? { pathPrefix: '/runtime/{port}' } : {}),
    });
    const sandbox: Sandbox = {
      id,
      createdByUserId: this.options.userId,
      status: 'STARTING',
      createdAt: Date.now(),
      agent,
    };
    if (this.failNextSandbox) {
      this.failNextSandbox = false;
      sandbox.failStart = true;
    }
    this.sandboxes.set(id, sandbox);
    await this.makeRoomFor(sandbox);
    this.boot(sandbox);
    return sandbox;
  }

  /** Docker keeps at most `maxSandboxes` running: the oldest others are paused to make room. */
  private async makeRoomFor(sandbox: Sandbox): Promise<void> {
    const running = [...this.sandboxes.values()]
      .filter((s) => s !== sandbox && (s.status === 'RUNNING' || s.status === 'STARTING'))
      .sort((a, b) => a.createdAt - b.createdAt);
    while (running.length > this.options.maxSandboxes - 1) {
      const oldest = running.shift()!;
      await this.pauseSandbox(oldest.id);
    }
  }

  private boot(sandbox: Sandbox): void {
    sandbox.status = 'STARTING';
    this.options.scheduler.after(this.options.scheduler.stepMs * 2, () => {
      if (sandbox.status !== 'STARTING') return;
      if (sandbox.failStart) {
        sandbox.status = 'ERROR';
        return;
      }
      void (this.online ? sandbox.agent.resume() : Promise.resolve()).then(() => {
        if (sandbox.status === 'STARTING') sandbox.status = 'RUNNING';
      });
    });
  }

  async pauseSandbox(id: string): Promise<boolean> {
    const sandbox = this.sandboxes.get(id);
    if (!sandbox) return false;
    if (sandbox.status === 'RUNNING' || sandbox.status === 'STARTING') {
      sandbox.status = 'PAUSED';
      await sandbox.agent.suspend();
    }
    return true;
  }

  async resumeSandbox(id: string): Promise<boolean> {
    const sandbox = this.sandboxes.get(id);
    if (!sandbox) return false;
    if (sandbox.status === 'PAUSED' || sandbox.status === 'ERROR') {
      await this.makeRoomFor(sandbox);
      this.boot(sandbox);
    }
    return true;
  }

  async deleteSandbox(id: string): Promise<boolean> {
    const sandbox = this.sandboxes.get(id);
    if (!sandbox) return false;
    this.sandboxes.delete(id);
    await sandbox.agent.close();
    return true;
  }

  /** Sandbox API's `session_api_key` and `exposed_urls` exist only while it runs. */
  sandboxInfo(sandbox: Sandbox): Record<string, unknown> {
    const running = sandbox.status === 'RUNNING';
    const port = sandbox.agent.server.port;
    return {
      id: sandbox.id,
      created_by_user_id: sandbox.createdByUserId,
      sandbox_spec_id: 'ghcr.io/openhands/agent-server:5f62cee-python',
      status: sandbox.status,
      session_api_key: running ? sandbox.agent.sessionApiKey : null,
      exposed_urls: running
        ? [
            { name: 'AGENT_SERVER', url: sandbox.agent.baseUrl, port },
            { name: 'VSCODE', url: `http://${this.options.host}:${port + 1}`, port: port + 1 },
          ]
        : null,
      created_at: utcIso(sandbox.createdAt),
      // Today's server explains a sandbox's state (the pod or scheduling reason); null when there is none.
      ...(this.current
        ? { status_detail: sandbox.status === 'ERROR' ? 'Sandbox failed to start' : null }
        : {}),
    };
  }

  // ---- V1 conversations ----

  /** The running agent-side conversation, if its sandbox is up and answering. */
  live(record: AppConversationRecord): AgentConversation | undefined {
    const sandbox = this.sandboxes.get(record.sandboxId);
    if (!sandbox || sandbox.status !== 'RUNNING' || !sandbox.agent.server.isListening) return undefined;
    return sandbox.agent.get(record.id);
  }

  /**
   * `updated_at` as the app server stores it. Current profile: every stats webhook (one per LLM call)
   * bumps it too, not only status and title changes (§7).
   */
  updatedAt(record: AppConversationRecord): number {
    const lastCall = this.current && record.agent ? lastLlmCallAt(record.agent.events) : undefined;
    return Math.max(record.updatedAt, lastCall ?? 0);
  }

  appConversation(record: AppConversationRecord): Record<string, unknown> {
    const row = this.legacyAppConversation(record);
    if (!this.current) return row;
    return {
      ...row,
      updated_at: utcIso(this.updatedAt(record)),
      agent_kind: 'openhands',
      metrics: metricsSnapshot(record.agent?.events ?? [], record.llmModel),
      public: record.public,
      tags: {},
      // Cloud's OpenAPI adds these two projections; both are null for a plain OpenHands agent.
      ...(this.options.appMode === 'saas' ? { acp_server: null, launched_agent_profile: null } : {}),
    };
  }

  /** The Nov-2025 AppConversation (legacy profile), also the base of today's. */
  private legacyAppConversation(record: AppConversationRecord): Record<string, unknown> {
    const sandbox = this.sandboxes.get(record.sandboxId);
    const live = this.live(record);
    const running = sandbox?.status === 'RUNNING';
    return {
      id: record.id,
      created_by_user_id: record.createdByUserId,
      sandbox_id: record.sandboxId,
      selected_repository: record.selectedRepository,
      selected_branch: record.selectedBranch,
      git_provider: record.gitProvider,
      title: record.title,
      trigger: record.trigger,
      pr_number: record.prNumber,
      llm_model: record.llmModel,
      metrics: null,
      parent_conversation_id: record.parentId,
      sub_conversation_ids: record.subIds,
      created_at: utcIso(record.createdAt),
      updated_at: utcIso(record.updatedAt),
      sandbox_status: sandbox?.status ?? 'MISSING',
      execution_status: live?.executionStatus ?? null,
      conversation_url: running && sandbox ? `${sandbox.agent.baseUrl}/api/conversations/${record.id}` : null,
      session_api_key: running && sandbox ? sandbox.agent.sessionApiKey : null,
    };
  }

  taskJson(task: StartTask): Record<string, unknown> {
    return {
      id: task.id,
      created_by_user_id: task.createdByUserId,
      status: task.status,
      detail: task.detail,
      app_conversation_id: task.appConversationId,
      sandbox_id: task.sandboxId,
      agent_server_url: task.agentServerUrl,
      request: task.request,
      created_at: utcIso(task.createdAt),
      updated_at: utcIso(task.updatedAt),
    };
  }

  /** `POST /api/v1/app-conversations`: the task comes back WORKING; the rest runs in the background. */
  startConversation(request: Record<string, unknown>, orgId: string | null = null): StartTask {
    const now = Date.now();
    const task: StartTask = {
      id: newHexId(),
      createdByUserId: this.options.userId,
      status: 'WORKING',
      detail: null,
      appConversationId: null,
      sandboxId: null,
      agentServerUrl: null,
      request,
      orgId,
      createdAt: now,
      updatedAt: now,
    };
    this.tasks.set(task.id, task);
    void this.walk(task).catch((error: unknown) => {
      this.setTask(task, { status: 'ERROR', detail: error instanceof Error ? error.message : String(error) });
    });
    return task;
  }

  private setTask(task: StartTask, patch: Partial<StartTask>): void {
    Object.assign(task, patch, { updatedAt: Date.now() });
    for (const listener of this.taskListeners) listener(task);
  }

  private async step(task: StartTask, status: StartTaskStatus): Promise<void> {
    await this.options.scheduler.sleep();
    if (!this.tasks.has(task.id)) throw new Error('Start task was deleted');
    const failure = this.failNextStart;
    if (failure && failure.at === status) {
      this.failNextStart = undefined;
      throw new Error(failure.detail);
    }
    this.setTask(task, { status });
  }

  private async walk(task: StartTask): Promise<void> {
    const req = task.request;
    const str = (key: string): string | null => (typeof req[key] === 'string' ? req[key] : null);
    let parent: AppConversationRecord | undefined;
    const parentId = str('parent_conversation_id');
    if (parentId) {
      parent = this.conversations.get(hexOf(parentId));
      if (!parent) throw new Error(`Parent conversation not found: ${parentId}`);
    }

    await this.step(task, 'WAITING_FOR_SANDBOX');
    const sandboxId = parent?.sandboxId ?? str('sandbox_id');
    let sandbox = sandboxId ? this.sandboxes.get(sandboxId) : undefined;
    if (sandboxId && !sandbox) throw new Error(`Sandbox not found: ${sandboxId}`);
    if (sandbox) await this.resumeSandbox(sandbox.id);
    else sandbox = await this.createSandbox();
    this.setTask(task, { sandboxId: sandbox.id });
    // Like the real wait loop, a sandbox that fails is only noticed when the wait times out.
    for (let waited = 0; sandbox.status !== 'RUNNING'; waited++) {
      if (waited >= this.options.sandboxTimeoutSteps)
        throw new Error(`Sandbox failed to start: ${sandbox.id}`);
      await this.options.scheduler.sleep();
    }

    await this.step(task, 'PREPARING_REPOSITORY');
    await this.step(task, 'RUNNING_SETUP_SCRIPT');
    await this.step(task, 'SETTING_UP_GIT_HOOKS');
    await this.step(task, 'SETTING_UP_SKILLS');
    await this.step(task, 'STARTING_CONVERSATION');
    this.setTask(task, { agentServerUrl: sandbox.agent.baseUrl });

    const id = hexOf(str('conversation_id') ?? newHexId());
    const now = Date.now();
    const record: AppConversationRecord = {
      id,
      sandboxId: sandbox.id,
      createdByUserId: this.options.userId,
      orgId: task.orgId,
      selectedRepository: parent?.selectedRepository ?? str('selected_repository'),
      selectedBranch: parent?.selectedBranch ?? str('selected_branch'),
      gitProvider: parent?.gitProvider ?? str('git_provider'),
      // The request's title is accepted but not stored.
      title: `Conversation ${id}`,
      trigger: str('trigger'),
      prNumber: Array.isArray(req.pr_number)
        ? req.pr_number.filter((n): n is number => typeof n === 'number')
        : [],
      llmModel: parent?.llmModel ?? str('llm_model') ?? 'litellm_proxy/claude-sonnet-4-5',
      public: typeof req.public === 'boolean' ? req.public : null,
      parentId: parent?.id ?? null,
      subIds: [],
      createdAt: now,
      updatedAt: now,
    };
    const conversation = this.attachAgentConversation(record, sandbox);
    this.conversations.set(id, record);
    parent?.subIds.push(id);
    await this.options.scheduler.sleep();
    this.setTask(task, { status: 'READY', appConversationId: id });

    const initial = req.initial_message as { content?: unknown } | null | undefined;
    if (initial && Array.isArray(initial.content)) conversation.sendMessage(initial.content, true);
  }

  /** Creates the agent-side conversation and keeps the app row's title and updated_at in step with it. */
  attachAgentConversation(record: AppConversationRecord, sandbox: Sandbox): AgentConversation {
    const conversation = sandbox.agent.create({
      id: record.id,
      title: record.title ?? undefined,
      llmModel: record.llmModel ?? undefined,
    });
    record.agent = conversation;
    conversation.onTitle = (title) => {
      record.title = title;
      record.updatedAt = Date.now();
    };
    conversation.onStatus = () => {
      record.updatedAt = Date.now();
    };
    return conversation;
  }

  /** V1 delete through the V0 route: sub-conversations, the agent copy, the row, its start tasks, then the sandbox. */
  async deleteConversation(id: string): Promise<boolean> {
    const record = this.conversations.get(hexOf(id));
    if (!record) return false;
    for (const sub of record.subIds) await this.deleteConversation(sub);
    this.sandboxes.get(record.sandboxId)?.agent.remove(record.id);
    this.conversations.delete(record.id);
    for (const [taskId, task] of this.tasks)
      if (task.appConversationId === record.id) this.tasks.delete(taskId);
    // The sandbox goes too, in the background, whoever else uses it (§5.1, §9.1).
    const sandboxId = record.sandboxId;
    this.options.scheduler.after(this.options.scheduler.stepMs, () => void this.deleteSandbox(sandboxId));
    return true;
  }

  /**
   * Current profile: `DELETE /api/v1/app-conversations/{id}`. Sub-conversations, the agent-server copy
   * (only if its sandbox runs and no other conversation shares it), the row and its start tasks go now;
   * the sandbox goes in the background, and only if no conversation references it any more.
   */
  async deleteAppConversation(record: AppConversationRecord): Promise<void> {
    for (const subId of [...record.subIds]) {
      const sub = this.conversations.get(subId);
      if (sub) await this.deleteAppConversation(sub);
    }
    const sandboxId = record.sandboxId;
    const sandbox = this.sandboxes.get(sandboxId);
    if (sandbox?.status === 'RUNNING' && this.conversationsIn(sandboxId) <= 1)
      sandbox.agent.remove(record.id);
    this.conversations.delete(record.id);
    const parent = record.parentId ? this.conversations.get(record.parentId) : undefined;
    if (parent) parent.subIds = parent.subIds.filter((id) => id !== record.id);
    for (const [taskId, task] of this.tasks)
      if (task.appConversationId === record.id) this.tasks.delete(taskId);
    this.options.scheduler.after(this.options.scheduler.stepMs, () => {
      if (this.conversationsIn(sandboxId) === 0) void this.deleteSandbox(sandboxId);
    });
  }

  private conversationsIn(sandboxId: string): number {
    return [...this.conversations.values()].filter((c) => c.sandboxId === sandboxId).length;
  }

  /** Test control and demo seeding: a V1 conversation that exists already, in a given state. */
  async seedConversation(seed: {
    title?: string;
    messages?: string[];
    sandboxStatus?: 'RUNNING' | 'PAUSED';
    createdAt?: number;
    selectedRepository?: string;
    /** Cloud: the org it belongs to (default: the user's current org). */
    orgId?: string;
    /** Spoils its rows in search and batch get (see row-quirks.ts). */
    rowQuirk?: RowQuirk;
  }): Promise<AppConversationRecord> {
    const sandbox = await this.createSandbox();
    await this.options.scheduler.sleep(2.5);
    while (sandbox.status === 'STARTING') await this.options.scheduler.sleep();
    const record = this.seededRecord(
      sandbox,
      seed.createdAt ?? Date.now(),
      seed.title,
      seed.selectedRepository,
    );
    if (seed.orgId !== undefined) {
      const org = this.options.orgs?.find(seed.orgId);
      if (!org) throw new Error(`simulator: ${seed.orgId} is not one of the user's orgs`);
      record.orgId = org.id;
    }
    if (seed.rowQuirk) this.rowQuirks.forConversation(record.id, seed.rowQuirk);
    const conversation = this.attachAgentConversation(record, sandbox);
    this.conversations.set(record.id, record);
    for (const text of seed.messages ?? []) conversation.sendMessage([textContent(text)], true);
    if (seed.title) conversation.setTitle(seed.title);
    if (seed.sandboxStatus === 'PAUSED') await this.pauseSandbox(sandbox.id);
    return record;
  }

  /**
   * Test control for scale: `count` V1 conversations sharing `perSandbox` per running sandbox (the real
   * server lets conversations share a sandbox), idle, created one second apart (newest last).
   */
  async seedMany(count: number, perSandbox = 100): Promise<AppConversationRecord[]> {
    const records: AppConversationRecord[] = [];
    const start = Date.now() - count * 1000;
    for (let i = 0; i < count; i += perSandbox) {
      const sandbox = await this.createSandbox();
      sandbox.status = 'RUNNING';
      await sandbox.agent.resume();
      for (let j = i; j < Math.min(count, i + perSandbox); j++) {
        const record = this.seededRecord(sandbox, start + j * 1000, `Seeded conversation ${j + 1}`);
        this.attachAgentConversation(record, sandbox);
        this.conversations.set(record.id, record);
        records.push(record);
      }
    }
    return records;
  }

  private seededRecord(
    sandbox: Sandbox,
    createdAt: number,
    title?: string,
    repository?: string,
  ): AppConversationRecord {
    const id = newHexId();
    return {
      id,
      sandboxId: sandbox.id,
      createdByUserId: this.options.userId,
      orgId: this.options.orgs?.currentOrgId ?? null,
      selectedRepository: repository ?? null,
      selectedBranch: repository ? 'main' : null,
      gitProvider: repository ? 'github' : null,
      title: title ?? `Conversation ${id}`,
      trigger: 'gui',
      prNumber: [],
      llmModel: 'litellm_proxy/claude-sonnet-4-5',
      public: null,
      parentId: null,
      subIds: [],
      createdAt,
      updatedAt: createdAt,
    };
  }
}
