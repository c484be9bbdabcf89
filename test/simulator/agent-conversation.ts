import { type AcpHost, acpPlan, acpProgressFrames, AcpToolCalls, type Step } from './agent-scripts';
import { branchTo, EventTree } from './event-tree';
import {
  actionEvent,
  conversationErrorEvent,
  type ExecutionStatus,
  fileEditorActionEvent,
  hookExecutionEvent,
  interruptEvent,
  isStateUpdate,
  messageEvent,
  messageText,
  observationEvent,
  orphanedActionError,
  pauseEvent,
  type SimEvent,
  stateUpdateEvent,
  systemPromptEvent,
  textContent,
  userRejectObservation,
  utcIso,
} from './events';
import { dashedOf } from './ids';
import type { Scheduler } from './scheduler';
import { versionAtLeast } from './version';

export interface ConfirmationPolicy {
  kind: string;
  [key: string]: unknown;
}

export type AgentKind = 'Agent' | 'ACPAgent';

/** Where the scripted agent reads and writes sandbox files (the agent server's SandboxFiles). */
export interface AgentFiles {
  writeText(sandboxPath: string, text: string): void;
  readText(sandboxPath: string): string | null;
}

export interface AgentConversationInit {
  id: string;
  /** Null until the first message titles it (conversations created on the agent server directly). */
  title: string | null;
  workingDir: string;
  llmModel: string;
  /** Agent-server release this conversation lives in: gates the event tree, ACP dedup, state fields. */
  version: string;
  agentKind?: AgentKind;
  confirmationPolicy?: ConfirmationPolicy;
  createdAt?: number;
  tags?: Record<string, string>;
  maxIterations?: number;
  stuckDetection?: boolean;
  autotitle?: boolean;
  files?: AgentFiles;
  /** A fork: its copied events (no new system prompt) and where its HEAD starts. */
  fork?: {
    events: SimEvent[];
    leafEventId: string | null;
    headIsEmpty: boolean;
    fromConversationId: string;
    fromEventId: string | null;
  };
  parentConversationId?: string | null;
}

const HOOK_COMMAND = '.openhands/hooks/check-tool.sh';
const HOOK_BLOCK_REASON = 'Blocked by .openhands/hooks/check-tool.sh: this tool call is not allowed here.';

/**
 * One conversation inside a simulated agent server: its event log, execution status and a scripted
 * agent. What the agent does is driven by markers in the user's message, so tests can reach every status
 * and event kind: `[confirm]` waits for confirmation, `[error]` ends in error, `[stuck]` in stuck, `[ask]`
 * ends idle with a question, `[slow]` runs 20 steps, `[steps=N]` runs N, `[write]` writes a file, `[hook]`
 * runs PreToolUse/PostToolUse hooks around each tool call, `[hook-block]` has the PreToolUse hook block
 * it, and `[acp]` makes the agent an ACP agent from then on (ACPToolCallEvent cards instead of actions);
 * anything else runs one command and finishes.
 */
export class AgentConversation {
  readonly id: string;
  title: string | null;
  readonly createdAt: number;
  updatedAt: number;
  executionStatus: ExecutionStatus = 'idle';
  confirmationPolicy: ConfirmationPolicy;
  tags: Record<string, string>;
  readonly events: SimEvent[] = [];
  readonly workingDir: string;
  readonly llmModel: string;
  agentKind: AgentKind;
  readonly maxIterations: number;
  readonly stuckDetection: boolean;
  readonly forkedFromConversationId: string | null;
  readonly forkedFromEventId: string | null;
  readonly parentConversationId: string | null;
  readonly subConversationIds: string[] = [];
  /** Hook-blocked action ids → reason (ConversationState.blocked_actions). */
  readonly blockedActions: Record<string, string> = {};
  lastUserMessageId: string | null = null;
  readonly tree = new EventTree();
  /** Called when the agent titles the conversation from its first message (the app server keeps a copy). */
  onTitle: ((title: string) => void) | undefined;
  /** Called on every status change. */
  onStatus: ((status: ExecutionStatus) => void) | undefined;

  private plan: Step[] = [];
  /** Messages the agent has not started on yet: the next run reads them all at once. */
  private queued: string[] = [];
  private pending: SimEvent[] = [];
  private lastAction: SimEvent | undefined;
  /** The action emitted but not yet executed: an interrupt now orphans it. */
  private unobserved: SimEvent | undefined;
  private timer: NodeJS.Timeout | undefined;
  private frozen = false;
  private titled: boolean;
  private readonly version: string;
  private readonly files: AgentFiles | undefined;
  private readonly acpCalls: AcpToolCalls;
  private readonly subscribers = new Set<(event: SimEvent) => void>();

  constructor(
    init: AgentConversationInit,
    private readonly scheduler: Scheduler,
  ) {
    this.id = init.id;
    this.title = init.title;
    this.workingDir = init.workingDir;
    this.llmModel = init.llmModel;
    this.version = init.version;
    this.agentKind = init.agentKind ?? 'Agent';
    this.files = init.files;
    this.tags = init.tags ?? {};
    this.maxIterations = init.maxIterations ?? 500;
    this.stuckDetection = init.stuckDetection ?? true;
    this.titled = init.autotitle === false || (init.fork !== undefined && init.title !== null);
    this.forkedFromConversationId = init.fork?.fromConversationId ?? null;
    this.forkedFromEventId = init.fork?.fromEventId ?? null;
    this.parentConversationId = init.parentConversationId ?? null;
    this.createdAt = init.createdAt ?? Date.now();
    this.confirmationPolicy = init.confirmationPolicy ?? { kind: 'NeverConfirm' };
    this.acpCalls = new AcpToolCalls(this.acpHost());
    if (init.fork) {
      this.events.push(...init.fork.events);
      this.tree.leafEventId = init.fork.leafEventId;
      this.tree.headIsEmpty = init.fork.headIsEmpty;
    } else {
      this.emit(systemPromptEvent());
    }
    this.updatedAt = this.createdAt;
  }

  subscribe(listener: (event: SimEvent) => void): () => void {
    this.subscribers.add(listener);
    return () => this.subscribers.delete(listener);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  private atLeast(min: string): boolean {
    return versionAtLeast(this.version, min);
  }

  /** The event tree (`parent_id`, `leaf_event_id`, navigate, fork from an event) exists from 1.31.0. */
  get hasEventTree(): boolean {
    return this.atLeast('1.31.0');
  }

  /**
   * Appends to the log (unless `store` is false, as for `full_state` snapshots), stamping `parent_id`
   * on ≥1.31, and publishes. `updated_at` moves with every stored event except state updates.
   */
  emit(event: SimEvent, store = true): void {
    if (store) {
      if (this.hasEventTree) this.tree.stamp(event);
      this.events.push(event);
      if (!isStateUpdate(event)) this.updatedAt = Date.now();
    }
    this.publish(event);
  }

  private publish(event: SimEvent): void {
    for (const listener of this.subscribers) listener(event);
  }

  /**
   * A hook event goes out before the event it describes. The SDK stamps the described event first and
   * sends the hook's socket frame before stamping it, so: the live frame has no `parent_id`, the stored
   * copy is a sibling of `target` under the same parent (off the active path), and HEAD ends on `target`.
   */
  private emitWithHook(hook: SimEvent, target: SimEvent): void {
    const live = { ...hook };
    if (this.hasEventTree) hook.parent_id = this.tree.nextParent();
    this.events.push(hook);
    this.updatedAt = Date.now();
    this.publish(live);
    this.emit(target);
  }

  private agentJson(): Record<string, unknown> {
    const llm = { model: this.llmModel, api_key: '**********', usage_id: 'agent' };
    if (this.agentKind === 'ACPAgent')
      return {
        kind: 'ACPAgent',
        acp_command: ['npx', '-y', '@agentclientprotocol/claude-agent-acp'],
        acp_args: [],
        acp_server: 'claude-code',
        acp_model: null,
        llm,
        agent_context: { skills: [] },
      };
    return {
      kind: 'Agent',
      llm,
      tools: [{ name: 'terminal' }, { name: 'file_editor' }, { name: 'task_tracker' }],
      agent_context: { skills: [] },
    };
  }

  /** The ConversationState fields both `full_state` and ConversationInfo carry, by release. */
  private stateFields(): Record<string, unknown> {
    const fields: Record<string, unknown> = {
      id: dashedOf(this.id),
      agent: this.agentJson(),
      workspace: { kind: 'LocalWorkspace', working_dir: this.workingDir },
      persistence_dir: `/workspace/conversations/${this.id}`,
      max_iterations: this.maxIterations,
      stuck_detection: this.stuckDetection,
      execution_status: this.executionStatus,
      confirmation_policy: this.confirmationPolicy,
      security_analyzer: null,
      activated_knowledge_skills: [],
    };
    if (this.atLeast('1.18.0')) fields.invoked_skills = [];
    if (this.atLeast('1.12.0')) {
      fields.blocked_actions = { ...this.blockedActions };
      fields.blocked_messages = {};
      fields.last_user_message_id = this.lastUserMessageId;
    }
    if (this.hasEventTree) fields.leaf_event_id = this.tree.leafEventId;
    fields.stats = { usage_to_metrics: {} };
    fields.secret_registry = { secret_sources: {} };
    if (this.atLeast('1.12.0')) fields.agent_state = {};
    if (this.atLeast('1.13.0')) fields.hook_config = null;
    return fields;
  }

  /** ConversationState as the `full_state` snapshot carries it. */
  state(): Record<string, unknown> {
    const state = this.stateFields();
    if (this.atLeast('1.34.0')) state.activated_path_rules = [];
    if (this.hasEventTree) state.head_is_empty = this.tree.headIsEmpty;
    return state;
  }

  /** `ConversationInfo` from `GET /api/conversations/{id}` (§4.4). */
  info(): Record<string, unknown> {
    const info: Record<string, unknown> = {
      ...this.stateFields(),
      title: this.title,
      metrics: null,
      created_at: utcIso(this.createdAt),
      updated_at: utcIso(this.updatedAt),
    };
    if (this.atLeast('1.16.0')) info.tags = this.tags;
    if (this.atLeast('1.18.0')) info.forked_from_conversation_id = this.forkedFromConversationId;
    if (this.hasEventTree) info.forked_from_event_id = this.forkedFromEventId;
    if (this.atLeast('1.37.1')) {
      info.parent_conversation_id = this.parentConversationId ? dashedOf(this.parentConversationId) : null;
      info.sub_conversation_ids = this.subConversationIds.map(dashedOf);
    }
    if (this.atLeast('1.24.0')) {
      const acp = this.agentKind === 'ACPAgent';
      info.current_model_id = acp ? 'default' : null;
      info.available_models = acp
        ? [
            { model_id: 'default', name: 'Default', description: 'The ACP server default model' },
            { model_id: 'opus', name: 'Opus', description: null },
          ]
        : [];
      info.supports_runtime_model_switch = acp;
    }
    if (this.atLeast('1.28.0')) info.client_tools = [];
    if (this.atLeast('1.29.0')) info.launched_agent_profile = null;
    return info;
  }

  publishFullState(): void {
    this.emit(stateUpdateEvent('full_state', this.state()), false);
  }

  setStatus(status: ExecutionStatus): void {
    if (status === this.executionStatus) return;
    this.executionStatus = status;
    this.emit(stateUpdateEvent('execution_status', status));
    this.onStatus?.(status);
  }

  /** `POST /events` and socket messages. `content` is already validated. */
  sendMessage(content: unknown[], run: boolean): void {
    const event = messageEvent('user', content);
    this.emit(event);
    this.lastUserMessageId = event.id;
    const text = messageText(event);
    if (!this.titled && text.trim()) {
      this.titled = true;
      this.setTitle(text.trim().split('\n')[0]!.slice(0, 50));
    }
    if (this.executionStatus === 'finished' || this.executionStatus === 'stuck') this.setStatus('idle');
    this.queued.push(text);
    if (!run || this.executionStatus === 'waiting_for_confirmation') return;
    if (this.executionStatus !== 'running') this.setStatus('running');
    this.schedule();
  }

  setTitle(title: string): void {
    this.title = title;
    this.updatedAt = Date.now();
    this.onTitle?.(title);
  }

  /** `POST /run`: 'conflict' maps to HEAD's 409. */
  run(): 'ok' | 'conflict' {
    switch (this.executionStatus) {
      case 'running':
        return 'conflict';
      case 'finished':
        return 'ok';
      case 'waiting_for_confirmation':
        this.respond(true, '');
        return 'ok';
      default:
        if (this.plan.length === 0 && this.queued.length === 0)
          this.plan.push({
            run: () => this.reply('Continuing where I left off. All done.', 'finished'),
            terminal: true,
          });
        this.setStatus('running');
        this.schedule();
        return 'ok';
    }
  }

  /** `POST /pause`: only idle and running become paused; anything else is a no-op. */
  pause(): void {
    if (this.executionStatus !== 'idle' && this.executionStatus !== 'running') return;
    this.cancelTimer();
    this.emit(pauseEvent());
    this.setStatus('paused');
    this.publishFullState();
  }

  /** Is a run in progress that an interrupt can cancel (the server's async run task)? */
  private get hasActiveRun(): boolean {
    return this.executionStatus === 'running' && !this.frozen;
  }

  /**
   * `POST /interrupt` (≥1.23.0): cancels the run mid-step. Open ACP tool calls are failed (≥1.25.0), an
   * action that has no observation gets a synthetic AgentErrorEvent, then `paused` with an
   * InterruptEvent and a `full_state` snapshot. The interrupted turn is dropped. Without an active run
   * it is a plain pause (PauseEvent, and only from idle/running).
   */
  interrupt(): 'interrupted' | 'paused' {
    if (!this.hasActiveRun) {
      this.pause();
      return 'paused';
    }
    this.cancelTimer();
    this.acpCalls.cancelInflight();
    if (this.unobserved) this.emit(orphanedActionError(this.unobserved, this.atLeast('1.40.0')));
    this.unobserved = undefined;
    this.plan = [];
    this.setStatus('paused');
    this.emit(interruptEvent());
    this.publishFullState();
    return 'interrupted';
  }

  respond(accept: boolean, reason: string): void {
    if (this.executionStatus !== 'waiting_for_confirmation') return;
    if (accept) {
      this.pending = [];
      this.setStatus('running');
      this.schedule();
      return;
    }
    for (const action of this.pending)
      this.emit(userRejectObservation(action, reason || 'User rejected the action.'));
    this.pending = [];
    this.unobserved = undefined;
    this.plan = [];
    this.setStatus('idle');
    this.publishFullState();
  }

  /** `POST /navigate` (≥1.31.0): HEAD moves in place; nothing is stored or pushed. */
  navigate(eventId: string | null): 'ok' | 'unknown_event' {
    if (eventId !== null && !this.events.some((e) => e.id === eventId)) return 'unknown_event';
    this.tree.navigate(eventId);
    return 'ok';
  }

  /** Deep copies of the events a fork takes: the branch root → `fromEventId`, or the whole log. */
  forkEvents(fromEventId: string | undefined): SimEvent[] | undefined {
    if (fromEventId === undefined) return structuredClone(this.events);
    if (!this.events.some((e) => e.id === fromEventId)) return undefined;
    return structuredClone(branchTo(this.events, fromEventId));
  }

  /** Test control: put the conversation straight into a status, with the events that status implies. */
  forceStatus(status: ExecutionStatus): void {
    this.cancelTimer();
    this.plan = [];
    this.pending = [];
    this.unobserved = undefined;
    if (status === 'waiting_for_confirmation') {
      const action = actionEvent('rm -rf build/', 'I need to clean the build folder.', 'HIGH');
      this.lastAction = action;
      this.pending = [action];
      this.emit(action);
      this.plan.push({ run: () => this.observe(false), observes: true });
    }
    if (status === 'error') this.emit(conversationErrorEvent('LLMError', 'Simulated failure of the run.'));
    if (status === 'running') this.plan.push(...this.planFor('[slow]'));
    this.setStatus(status);
    if (status === 'running') this.schedule();
  }

  /** The sandbox was paused: the process is frozen where it is. */
  freeze(): void {
    this.frozen = true;
    this.cancelTimer();
  }

  thaw(): void {
    this.frozen = false;
    this.schedule();
  }

  dispose(): void {
    this.freeze();
    this.subscribers.clear();
  }

  private cancelTimer(): void {
    this.scheduler.cancel(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.timer || this.frozen || this.executionStatus !== 'running') return;
    this.timer = this.scheduler.after(this.scheduler.stepMs, () => {
      this.timer = undefined;
      this.step();
    });
  }

  private step(): void {
    if (this.frozen || this.executionStatus !== 'running') return;
    // Messages that arrived meanwhile replace the end of the current run: one agent turn reads them all.
    if (this.queued.length > 0 && (this.plan.length === 0 || this.plan[0]?.terminal)) {
      this.plan = this.planFor(this.queued.join('\n'));
      this.queued = [];
    }
    const next = this.plan.shift() ?? { run: () => this.reply('All done.', 'finished'), terminal: true };
    const result = next.run();
    if (result === 'stop') {
      this.publishFullState();
      return;
    }
    this.schedule();
  }

  private needsConfirmation(text: string): boolean {
    return text.includes('[confirm]') || this.confirmationPolicy.kind === 'AlwaysConfirm';
  }

  private acpHost(): AcpHost {
    return {
      workingDir: this.workingDir,
      atLeast: (min) => this.atLeast(min),
      emit: (event) => this.emit(event),
      publishLive: (event) => this.emit(event, false),
      finish: () => {
        this.setStatus('finished');
        return 'stop';
      },
      writeText: (path, text) => this.files?.writeText(path, text),
      readText: (path) => this.files?.readText(path) ?? null,
    };
  }

  private planFor(rawText: string): Step[] {
    const text = rawText.toLowerCase();
    // ACPToolCallEvent exists from 1.12.0: older servers ignore the marker.
    if (text.includes('[acp]') && this.atLeast('1.12.0')) this.agentKind = 'ACPAgent';
    if (this.agentKind === 'ACPAgent')
      return acpPlan(this.acpHost(), this.acpCalls, acpProgressFrames(text), rawText);
    const stepsMatch = /\[steps=(\d+)\]/.exec(text);
    const count = stepsMatch ? Math.min(Number(stepsMatch[1]), 500) : text.includes('[slow]') ? 20 : 1;
    const confirm = this.needsConfirmation(text);
    const hooks = this.hookMode(text);
    const steps: Step[] = [];
    for (let i = 0; i < count; i++) {
      steps.push({
        run: () =>
          this.act(
            actionEvent(
              `echo step ${i + 1}`,
              `Step ${i + 1} of ${count}: running a command.`,
              confirm ? 'MEDIUM' : 'LOW',
            ),
            confirm,
            hooks,
          ),
      });
      steps.push({ run: () => this.observe(hooks !== 'none'), observes: true });
    }
    if (text.includes('[write]')) {
      const path = `${this.workingDir}/NOTES.md`;
      const body = `# Notes\n\nWritten by the simulated agent for: ${rawText.slice(0, 120)}\n`;
      steps.push({
        run: () => this.act(fileEditorActionEvent(path, body, `I will write ${path}.`), confirm, hooks),
      });
      steps.push({ run: () => this.observe(hooks !== 'none'), observes: true });
    }
    let end: () => 'stop';
    if (text.includes('[error]')) {
      end = () => {
        this.emit(conversationErrorEvent('LLMBadRequestError', 'The simulated LLM rejected the request.'));
        this.setStatus('error');
        return 'stop';
      };
    } else if (text.includes('[stuck]')) {
      end = () => {
        this.setStatus('stuck');
        return 'stop';
      };
    } else if (text.includes('[ask]')) {
      end = () => this.reply('Which file should I change? Please tell me and I will continue.', 'idle');
    } else {
      end = () => this.reply(`Done. I handled: ${rawText.slice(0, 200)}`, 'finished');
    }
    steps.push({ run: end, terminal: true });
    return steps;
  }

  /** `[hook-block]` / `[hook]`; HookExecutionEvent exists from 1.13.0, so older servers ignore them. */
  private hookMode(text: string): 'none' | 'run' | 'block' {
    if (!this.atLeast('1.13.0')) return 'none';
    if (text.includes('[hook-block]')) return 'block';
    return text.includes('[hook]') ? 'run' : 'none';
  }

  /** Emits an action (after its PreToolUse hook, if hooks run); a blocked action is rejected next step. */
  private act(action: SimEvent, confirm: boolean, hooks: 'none' | 'run' | 'block'): void | 'stop' {
    this.lastAction = action;
    this.unobserved = action;
    if (hooks === 'none') this.emit(action);
    else {
      const blocked = hooks === 'block';
      const hook = hookExecutionEvent({
        hookEventType: 'PreToolUse',
        hookCommand: HOOK_COMMAND,
        action,
        blocked,
        reason: blocked ? HOOK_BLOCK_REASON : null,
      });
      if (blocked) this.blockedActions[action.id] = HOOK_BLOCK_REASON;
      this.emitWithHook(hook, action);
    }
    if (!confirm) return;
    this.pending = [action];
    this.setStatus('waiting_for_confirmation');
    return 'stop';
  }

  /** Executes the last action: its observation (after a PostToolUse hook), or the hook's rejection. */
  private observe(hooks: boolean): void {
    const action = this.lastAction;
    if (!action) return;
    this.unobserved = undefined;
    if (this.blockedActions[action.id] !== undefined) {
      this.emit(userRejectObservation(action, this.blockedActions[action.id]!, 'hook'));
      return;
    }
    const observation = this.execute(action);
    if (!hooks) return this.emit(observation);
    const hook = hookExecutionEvent({
      hookEventType: 'PostToolUse',
      hookCommand: HOOK_COMMAND,
      action,
      blocked: false,
      reason: null,
    });
    this.emitWithHook(hook, observation);
  }

  private execute(action: SimEvent): SimEvent {
    const act = action.action as { kind?: string; command?: string; path?: string; file_text?: string };
    if (act.kind === 'FileEditorAction' && act.path !== undefined) {
      const existed = this.files?.readText(act.path) ?? null;
      this.files?.writeText(act.path, act.file_text ?? '');
      return {
        ...observationEvent(action, ''),
        observation: {
          kind: 'FileEditorObservation',
          command: 'create',
          path: act.path,
          prev_exist: existed !== null,
          old_content: existed,
          new_content: act.file_text ?? '',
          content: [textContent(`File created successfully at: ${act.path}`)],
          is_error: false,
        },
      };
    }
    return observationEvent(action, `${(act.command ?? '').replace(/^echo /, '')}\n`);
  }

  private reply(text: string, status: ExecutionStatus): 'stop' {
    this.emit(messageEvent('agent', [textContent(text)]));
    this.setStatus(status);
    return 'stop';
  }
}
