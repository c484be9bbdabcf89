import { utcIso } from './events';
import type { Scheduler } from './scheduler';

export const LEGACY_STATUSES = ['STARTING', 'RUNNING', 'STOPPED', 'ARCHIVED', 'ERROR'] as const;
export type LegacyStatus = (typeof LEGACY_STATUSES)[number];

/** A V0 event: numeric ids, `action` or `observation` with `args`/`extras`. */
export type LegacyEvent = { id: number; timestamp: string; source: string; message: string } & Record<
  string,
  unknown
>;

const RUNTIME_WALK = [
  'STATUS$BUILDING_RUNTIME',
  'STATUS$STARTING_RUNTIME',
  'STATUS$RUNTIME_STARTED',
  'STATUS$SETTING_UP_WORKSPACE',
  'STATUS$READY',
] as const;

/**
 * A legacy (V0) conversation: an agent loop inside the app server with a runtime that walks through
 * the V0 runtime statuses. Message markers work as for V1 (`[error]`, `[ask]`, `[confirm]`).
 */
export class LegacyConversation {
  status: LegacyStatus = 'STOPPED';
  runtimeStatus: string | null = null;
  agentState = 'loading';
  readonly events: LegacyEvent[] = [];
  lastUpdatedAt: number;
  private pendingMessage: string | undefined;
  private generation = 0;

  constructor(
    readonly id: string,
    public title: string,
    readonly createdAt: number,
    readonly meta: {
      selectedRepository: string | null;
      selectedBranch: string | null;
      gitProvider: string | null;
      trigger: string | null;
    },
    private readonly scheduler: Scheduler,
  ) {
    this.lastUpdatedAt = createdAt;
  }

  info(): Record<string, unknown> {
    return {
      conversation_id: this.id,
      title: this.title,
      last_updated_at: utcIso(this.lastUpdatedAt),
      status: this.status,
      runtime_status: this.runtimeStatus,
      selected_repository: this.meta.selectedRepository,
      selected_branch: this.meta.selectedBranch,
      git_provider: this.meta.gitProvider,
      trigger: this.meta.trigger,
      num_connections: 0,
      url: `/api/conversations/${this.id}`,
      session_api_key: null,
      created_at: utcIso(this.createdAt),
      pr_number: [],
      conversation_version: 'V0',
      sub_conversation_ids: [],
    };
  }

  private push(event: Omit<LegacyEvent, 'id' | 'timestamp'>): LegacyEvent {
    const full = {
      id: this.events.length,
      timestamp: new Date().toISOString().replace('Z', ''),
      ...event,
    } as LegacyEvent;
    this.events.push(full);
    this.lastUpdatedAt = Date.now();
    return full;
  }

  private setAgentState(state: string): void {
    this.agentState = state;
    this.push({
      source: 'environment',
      message: '',
      observation: 'agent_state_changed',
      content: '',
      extras: { agent_state: state, reason: '' },
    });
  }

  /** STARTING through the runtime statuses to RUNNING; a queued first message then runs. */
  start(initialMessage?: string): void {
    if (this.status === 'RUNNING' || this.status === 'STARTING') return;
    if (initialMessage) this.pendingMessage = initialMessage;
    const generation = ++this.generation;
    this.status = 'STARTING';
    this.lastUpdatedAt = Date.now();
    void (async () => {
      for (const runtime of RUNTIME_WALK) {
        await this.scheduler.sleep();
        if (generation !== this.generation) return;
        this.runtimeStatus = runtime;
        this.lastUpdatedAt = Date.now();
      }
      this.status = 'RUNNING';
      this.setAgentState('awaiting_user_input');
      const message = this.pendingMessage;
      this.pendingMessage = undefined;
      if (message) this.message(message);
    })();
  }

  stop(): boolean {
    const wasRunning = this.status === 'RUNNING' || this.status === 'STARTING';
    this.generation++;
    this.status = 'STOPPED';
    this.runtimeStatus = 'STATUS$STOPPED';
    this.lastUpdatedAt = Date.now();
    return wasRunning;
  }

  /** A user message: the agent runs a command and answers, or ends as the markers ask. */
  message(text: string): void {
    this.push({
      source: 'user',
      message: text,
      action: 'message',
      args: { content: text, image_urls: [], file_urls: [], wait_for_response: false },
    });
    if (this.title.startsWith('Conversation ')) this.title = text.split('\n')[0]!.slice(0, 50);
    const generation = this.generation;
    this.setAgentState('running');
    void (async () => {
      await this.scheduler.sleep();
      if (generation !== this.generation) return;
      const action = this.push({
        source: 'agent',
        message: 'Running command: ls',
        action: 'run',
        args: { command: 'ls', thought: 'Let me look at the workspace.', blocking: false, is_input: false },
      });
      await this.scheduler.sleep();
      if (generation !== this.generation) return;
      this.push({
        source: 'agent',
        message: 'Command `ls` executed with exit code 0.',
        observation: 'run',
        content: 'README.md\nsrc\n',
        cause: action.id,
        extras: { command: 'ls', metadata: { exit_code: 0 } },
      });
      await this.scheduler.sleep();
      if (generation !== this.generation) return;
      const lower = text.toLowerCase();
      if (lower.includes('[error]')) {
        this.push({
          source: 'environment',
          message: 'Simulated agent error',
          observation: 'error',
          content: 'The simulated LLM rejected the request.',
          extras: {},
        });
        this.setAgentState('error');
        return;
      }
      if (lower.includes('[confirm]')) {
        this.setAgentState('awaiting_user_confirmation');
        return;
      }
      const reply = lower.includes('[ask]')
        ? 'Which file should I change?'
        : `Done. I handled: ${text.slice(0, 200)}`;
      this.push({
        source: 'agent',
        message: reply,
        action: 'message',
        args: { content: reply, wait_for_response: true },
      });
      this.setAgentState(lower.includes('[ask]') ? 'awaiting_user_input' : 'finished');
    })();
  }
}
