import {
  actionEvent,
  conversationErrorEvent,
  type ExecutionStatus,
  messageEvent,
  messageText,
  observationEvent,
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

/** A step of the simulated agent's plan; 'stop' ends the loop (the step has set the new status). */
interface Step {
  run: () => void | 'stop';
  /** The step that ends a run (reply, error, stuck): replaced when newer messages are waiting. */
  terminal?: boolean;
}

export interface ConfirmationPolicy {
  kind: string;
  [key: string]: unknown;
}

export interface AgentConversationInit {
  id: string;
  title: string;
  workingDir: string;
  llmModel: string;
  confirmationPolicy?: ConfirmationPolicy;
  createdAt?: number;
}

/**
 * One conversation inside a simulated agent server: its event log, execution status and a scripted
 * agent. What the agent does is driven by markers in the user's message, so tests can reach every status:
 * `[confirm]` waits for confirmation, `[error]` ends in error, `[stuck]` in stuck, `[ask]` ends idle
 * with a question, `[slow]` runs 20 steps, `[steps=N]` runs N; anything else runs one command and finishes.
 */
export class AgentConversation {
  readonly id: string;
  title: string;
  readonly createdAt: number;
  updatedAt: number;
  executionStatus: ExecutionStatus = 'idle';
  confirmationPolicy: ConfirmationPolicy;
  tags: Record<string, string> = {};
  readonly events: SimEvent[] = [];
  readonly workingDir: string;
  readonly llmModel: string;
  /** Called when the agent titles the conversation from its first message (the app server keeps a copy). */
  onTitle: ((title: string) => void) | undefined;
  /** Called on every status change. */
  onStatus: ((status: ExecutionStatus) => void) | undefined;

  private plan: Step[] = [];
  /** Messages the agent has not started on yet: the next run reads them all at once. */
  private queued: string[] = [];
  private pending: SimEvent[] = [];
  private lastAction: SimEvent | undefined;
  private timer: NodeJS.Timeout | undefined;
  private frozen = false;
  private titled = false;
  private readonly subscribers = new Set<(event: SimEvent) => void>();

  constructor(
    init: AgentConversationInit,
    private readonly scheduler: Scheduler,
  ) {
    this.id = init.id;
    this.title = init.title;
    this.workingDir = init.workingDir;
    this.llmModel = init.llmModel;
    this.createdAt = init.createdAt ?? Date.now();
    this.updatedAt = this.createdAt;
    this.confirmationPolicy = init.confirmationPolicy ?? { kind: 'NeverConfirm' };
    this.emit(systemPromptEvent());
  }

  subscribe(listener: (event: SimEvent) => void): () => void {
    this.subscribers.add(listener);
    return () => this.subscribers.delete(listener);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Appends to the log (unless `store` is false, as for `full_state` snapshots) and publishes. */
  emit(event: SimEvent, store = true): void {
    if (store) this.events.push(event);
    for (const listener of this.subscribers) listener(event);
  }

  /** ConversationState as the `full_state` snapshot carries it. */
  state(): Record<string, unknown> {
    return {
      id: dashedOf(this.id),
      agent: {
        kind: 'Agent',
        llm: { model: this.llmModel, api_key: '**********', usage_id: 'agent' },
        tools: [{ name: 'terminal' }, { name: 'file_editor' }, { name: 'task_tracker' }],
        agent_context: { skills: [] },
      },
      workspace: { kind: 'LocalWorkspace', working_dir: this.workingDir },
      persistence_dir: `/workspace/conversations/${this.id}`,
      max_iterations: 500,
      stuck_detection: true,
      execution_status: this.executionStatus,
      confirmation_policy: this.confirmationPolicy,
      security_analyzer: null,
      activated_knowledge_skills: [],
      stats: { usage_to_metrics: {} },
      secret_registry: { secret_sources: {} },
    };
  }

  /** `ConversationInfo` from `GET /api/conversations/{id}`. */
  info(): Record<string, unknown> {
    return {
      ...this.state(),
      title: this.title,
      metrics: null,
      tags: this.tags,
      created_at: utcIso(this.createdAt),
      updated_at: utcIso(this.updatedAt),
    };
  }

  publishFullState(): void {
    this.emit(stateUpdateEvent('full_state', this.state()), false);
  }

  setStatus(status: ExecutionStatus): void {
    if (status === this.executionStatus) return;
    this.executionStatus = status;
    this.updatedAt = Date.now();
    this.emit(stateUpdateEvent('execution_status', status));
    this.onStatus?.(status);
  }

  /** `POST /events` and socket messages. `content` is already validated. */
  sendMessage(content: unknown[], run: boolean): void {
    const event = messageEvent('user', content);
    this.emit(event);
    this.updatedAt = Date.now();
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
    this.scheduler.cancel(this.timer);
    this.timer = undefined;
    this.emit(pauseEvent());
    this.setStatus('paused');
    this.publishFullState();
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
    this.plan = [];
    this.setStatus('idle');
    this.publishFullState();
  }

  /** Test control: put the conversation straight into a status, with the events that status implies. */
  forceStatus(status: ExecutionStatus): void {
    this.scheduler.cancel(this.timer);
    this.timer = undefined;
    this.plan = [];
    this.pending = [];
    if (status === 'waiting_for_confirmation') {
      const action = actionEvent('rm -rf build/', 'I need to clean the build folder.', 'HIGH');
      this.lastAction = action;
      this.pending = [action];
      this.emit(action);
      this.plan.push({ run: () => this.observe() });
    }
    if (status === 'error') this.emit(conversationErrorEvent('LLMError', 'Simulated failure of the run.'));
    if (status === 'running') this.plan.push(...this.planFor('[slow]'));
    this.setStatus(status);
    if (status === 'running') this.schedule();
  }

  /** The sandbox was paused: the process is frozen where it is. */
  freeze(): void {
    this.frozen = true;
    this.scheduler.cancel(this.timer);
    this.timer = undefined;
  }

  thaw(): void {
    this.frozen = false;
    this.schedule();
  }

  dispose(): void {
    this.freeze();
    this.subscribers.clear();
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

  private planFor(rawText: string): Step[] {
    const text = rawText.toLowerCase();
    const stepsMatch = /\[steps=(\d+)\]/.exec(text);
    const count = stepsMatch ? Math.min(Number(stepsMatch[1]), 500) : text.includes('[slow]') ? 20 : 1;
    const confirm = this.needsConfirmation(text);
    const steps: Step[] = [];
    for (let i = 0; i < count; i++) {
      steps.push({
        run: () => this.act(`echo step ${i + 1}`, `Step ${i + 1} of ${count}: running a command.`, confirm),
      });
      steps.push({ run: () => this.observe() });
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

  private act(command: string, thought: string, confirm: boolean): void | 'stop' {
    const action = actionEvent(command, thought, confirm ? 'MEDIUM' : 'LOW');
    this.lastAction = action;
    this.emit(action);
    if (!confirm) return;
    this.pending = [action];
    this.setStatus('waiting_for_confirmation');
    return 'stop';
  }

  private observe(): void {
    if (!this.lastAction) return;
    const command = (this.lastAction.action as { command: string }).command;
    this.emit(observationEvent(this.lastAction, `${command.replace(/^echo /, '')}\n`));
  }

  private reply(text: string, status: ExecutionStatus): 'stop' {
    this.emit(messageEvent('agent', [textContent(text)]));
    this.setStatus(status);
    return 'stop';
  }
}
