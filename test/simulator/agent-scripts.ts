import {
  type AcpToolCall,
  acpToolCallEvent,
  finishActionEvent,
  finishObservationEvent,
  type SimEvent,
  streamingDeltaEvent,
} from './events';
import { newEventId } from './ids';

/** A step of the simulated agent's plan; 'stop' ends the loop (the step has set the new status). */
export interface Step {
  run: () => void | 'stop';
  /** The step that ends a run (reply, error, stuck): replaced when newer messages are waiting. */
  terminal?: boolean;
  /** Executes the action the previous step emitted: an interrupt drops it (the action is orphaned). */
  observes?: boolean;
}

/** What the ACP script needs from its conversation. */
export interface AcpHost {
  readonly workingDir: string;
  atLeast(min: string): boolean;
  /** Stores and publishes. */
  emit(event: SimEvent): void;
  /** Publishes without storing (streaming deltas). */
  publishLive(event: SimEvent): void;
  finish(): 'stop';
  writeText(sandboxPath: string, text: string): void;
  readText(sandboxPath: string): string | null;
}

interface Inflight {
  call: AcpToolCall;
  output: string;
  content: unknown[] | null;
}

/**
 * The ACP agent's tool-call cards. From 1.25.0 each call is persisted exactly twice (its start and its
 * first terminal status, which carries the whole output) and progress in between is accumulated
 * silently; before 1.25.0 every notification became an event carrying the output so far. Either way
 * each emission has a new event id and the same `tool_call_id`, and the last one wins.
 */
export class AcpToolCalls {
  private readonly inflight = new Map<string, Inflight>();

  constructor(private readonly host: AcpHost) {}

  private get deduped(): boolean {
    return this.host.atLeast('1.25.0');
  }

  start(call: AcpToolCall): void {
    this.inflight.set(call.toolCallId, { call, output: '', content: null });
    this.host.emit(acpToolCallEvent(call, 'pending', null, null));
  }

  progress(call: AcpToolCall, output: string, content: unknown[] | null = null): void {
    const state = this.inflight.get(call.toolCallId);
    if (!state) return;
    state.output += output;
    if (content) state.content = content;
    if (!this.deduped) this.host.emit(acpToolCallEvent(call, 'in_progress', state.output, state.content));
  }

  end(
    call: AcpToolCall,
    status: 'completed' | 'failed',
    output = '',
    content: unknown[] | null = null,
  ): void {
    const state = this.inflight.get(call.toolCallId);
    if (!state) return;
    this.inflight.delete(call.toolCallId);
    state.output += output;
    this.host.emit(acpToolCallEvent(call, status, state.output, content ?? state.content));
  }

  /** An aborted turn: every call still open gets a synthetic `failed` card (≥1.25.0). */
  cancelInflight(): void {
    if (!this.deduped) {
      this.inflight.clear();
      return;
    }
    for (const state of [...this.inflight.values()]) this.end(state.call, 'failed');
  }

  /** A successful turn closes leftovers as `completed` (≥1.25.0). */
  flushAsCompleted(): void {
    if (!this.deduped) {
      this.inflight.clear();
      return;
    }
    for (const state of [...this.inflight.values()]) this.end(state.call, 'completed');
  }
}

function toolCall(title: string, toolKind: string, rawInput: Record<string, unknown>): AcpToolCall {
  return { toolCallId: `toolu_${newEventId().replace(/-/g, '').slice(0, 24)}`, title, toolKind, rawInput };
}

const textBlock = (text: string): { type: 'content'; content: { type: 'text'; text: string } } => ({
  type: 'content',
  content: { type: 'text', text },
});

/**
 * One ACP turn (`[acp]`, or any message to an `ACPAgent`): read a file, run the tests with
 * `progressFrames` progress notifications, edit two files (which then show in the git routes), stream
 * the answer as live deltas, and close with the synthetic `finish` ActionEvent + ObservationEvent.
 * ACP agents emit no ActionEvent/ObservationEvent for their own tools.
 */
export function acpPlan(host: AcpHost, calls: AcpToolCalls, progressFrames: number, request: string): Step[] {
  const readme = `${host.workingDir}/README.md`;
  const notes = `${host.workingDir}/docs/acp-notes.md`;
  const read = toolCall('Read README.md', 'read', { file_path: readme });
  const test = toolCall('Run the tests', 'execute', { command: 'npm test' });
  const edit = toolCall('Edit README.md', 'edit', { file_path: readme });
  const answer = `Done. I read the README, ran the tests and updated the docs for: ${request.slice(0, 120)}`;
  const steps: Step[] = [
    { run: () => calls.start(read) },
    {
      run: () => {
        const text = host.readText(readme) ?? '';
        calls.end(read, 'completed', text, [textBlock(text)]);
      },
    },
    { run: () => calls.start(test) },
  ];
  for (let i = 1; i <= progressFrames; i++)
    steps.push({ run: () => calls.progress(test, `test ${i} of ${progressFrames} passed\n`) });
  steps.push(
    { run: () => calls.end(test, 'completed', `${progressFrames} passed, 0 failed\n`) },
    { run: () => calls.start(edit) },
    {
      run: () => {
        const before = host.readText(readme);
        const after = `${before ?? ''}\nUpdated by the ACP agent.\n`;
        const added = '# ACP notes\n\nWritten by the simulated ACP agent.\n';
        host.writeText(readme, after);
        host.writeText(notes, added);
        calls.end(edit, 'completed', '', [
          { type: 'diff', path: readme, oldText: before, newText: after },
          { type: 'diff', path: notes, oldText: null, newText: added },
        ]);
      },
    },
    {
      // ACP agents stream their answer (StreamingDeltaEvent, ≥1.18.1): live frames only, never stored.
      run: () => {
        if (!host.atLeast('1.18.1')) return;
        const words = answer.split(' ');
        const half = Math.ceil(words.length / 2);
        host.publishLive(streamingDeltaEvent(`${words.slice(0, half).join(' ')} `));
        host.publishLive(streamingDeltaEvent(words.slice(half).join(' ')));
      },
    },
    {
      terminal: true,
      run: () => {
        calls.flushAsCompleted();
        const action = finishActionEvent(answer);
        host.emit(action);
        host.emit(finishObservationEvent(action, answer));
        return host.finish();
      },
    },
  );
  return steps;
}

/** `progress` frame count for `[acp]`: `[steps=N]` sets it, `[slow]` makes it 20, else 3. */
export function acpProgressFrames(text: string): number {
  const m = /\[steps=(\d+)\]/.exec(text);
  if (m) return Math.max(1, Math.min(Number(m[1]), 500));
  return text.includes('[slow]') ? 20 : 3;
}
