import { newEventId } from './ids';

/** A V1 event as the agent server stores and sends it (`kind`, `id`, `timestamp`, `source` + kind fields). */
export type SimEvent = { kind: string; id: string; timestamp: string; source: string } & Record<
  string,
  unknown
>;

export const EXECUTION_STATUSES = [
  'idle',
  'running',
  'paused',
  'waiting_for_confirmation',
  'finished',
  'error',
  'stuck',
] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number] | 'deleting';

/** The `kind` filter of events search takes the fully qualified class path, not the short name. */
export const KIND_MODULES: Record<string, string> = {
  MessageEvent: 'openhands.sdk.event.llm_convertible.message',
  ActionEvent: 'openhands.sdk.event.llm_convertible.action',
  ObservationEvent: 'openhands.sdk.event.llm_convertible.observation',
  UserRejectObservation: 'openhands.sdk.event.llm_convertible.observation',
  AgentErrorEvent: 'openhands.sdk.event.llm_convertible.observation',
  SystemPromptEvent: 'openhands.sdk.event.llm_convertible.system',
  ConversationStateUpdateEvent: 'openhands.sdk.event.conversation_state',
  ConversationErrorEvent: 'openhands.sdk.event.conversation_error',
  PauseEvent: 'openhands.sdk.event.user_action',
  InterruptEvent: 'openhands.sdk.event.user_action',
  HookExecutionEvent: 'openhands.sdk.event.hook_execution',
  ACPToolCallEvent: 'openhands.sdk.event.acp_tool_call',
  StreamingDeltaEvent: 'openhands.sdk.event.streaming_delta',
};

/** `parent_id` of the first event after `navigate(null)`: an explicit new root of the event tree (≥1.31). */
export const ROOT_PARENT_ID = '__root__';

export function qualifiedKind(kind: string): string {
  const module = KIND_MODULES[kind];
  return module ? `${module}.${kind}` : kind;
}

let lastMicros = 0;

/**
 * `datetime.now().isoformat()`: server-local time with microseconds and no UTC offset. The simulated
 * server's local zone is UTC. Timestamps are kept strictly increasing so filters are deterministic.
 */
export function eventTimestamp(now = Date.now()): string {
  let micros = now * 1000;
  if (micros <= lastMicros) micros = lastMicros + 1;
  lastMicros = micros;
  const ms = Math.floor(micros / 1000);
  const iso = new Date(ms).toISOString(); // 2025-11-28T16:16:34.123Z
  const sub = String(micros % 1_000_000).padStart(6, '0');
  return `${iso.slice(0, 19)}.${sub}`;
}

/** Pydantic's rendering of a timezone-aware UTC datetime. */
export function utcIso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function base(kind: string, source: string): SimEvent {
  return { kind, id: newEventId(), timestamp: eventTimestamp(), source };
}

export function textContent(text: string): { type: 'text'; text: string } {
  return { type: 'text', text };
}

export function systemPromptEvent(): SimEvent {
  return {
    ...base('SystemPromptEvent', 'agent'),
    system_prompt: textContent('You are OpenHands agent, a helpful AI assistant (simulated).'),
    tools: [{ name: 'terminal' }, { name: 'file_editor' }, { name: 'task_tracker' }],
  };
}

export function messageEvent(
  source: 'user' | 'agent',
  content: unknown[],
  extra: Record<string, unknown> = {},
): SimEvent {
  return {
    ...base('MessageEvent', source),
    llm_message: { role: source === 'user' ? 'user' : 'assistant', content },
    activated_skills: [],
    extended_content: [],
    ...extra,
  };
}

export function actionEvent(command: string, thought: string, risk = 'LOW'): SimEvent {
  const toolCallId = `call_${newEventId().slice(0, 8)}`;
  const args = JSON.stringify({ command, is_input: false });
  return {
    ...base('ActionEvent', 'agent'),
    thought: [textContent(thought)],
    action: { kind: 'TerminalAction', command, is_input: false, timeout: null, reset: false },
    tool_name: 'terminal',
    tool_call_id: toolCallId,
    tool_call: { id: toolCallId, name: 'terminal', arguments: args, origin: 'completion' },
    llm_response_id: `chatcmpl-${newEventId().slice(0, 12)}`,
    security_risk: risk,
  };
}

export function observationEvent(action: SimEvent, output: string): SimEvent {
  const command = (action.action as { command?: string } | null)?.command ?? '';
  return {
    ...base('ObservationEvent', 'environment'),
    observation: {
      kind: 'TerminalObservation',
      content: [textContent(output)],
      command,
      exit_code: 0,
      is_error: false,
      timeout: false,
    },
    action_id: action.id,
    tool_name: action.tool_name,
    tool_call_id: action.tool_call_id,
  };
}

export function userRejectObservation(
  action: SimEvent,
  reason: string,
  rejectionSource: 'user' | 'hook' = 'user',
): SimEvent {
  return {
    ...base('UserRejectObservation', 'environment'),
    action_id: action.id,
    tool_name: action.tool_name,
    tool_call_id: action.tool_call_id,
    rejection_reason: reason,
    rejection_source: rejectionSource,
  };
}

/** The SDK's classification of an agent-side outcome (retry is what the user can do), ≥1.40. */
export const AGENT_OUTCOME_CLASSIFICATION = { kind: 'agent_action', retryable: true, user_action: 'retry' };

/** The synthetic error the run loop writes for an action that an interrupt left without an observation. */
export function orphanedActionError(action: SimEvent, classified: boolean): SimEvent {
  return {
    ...base('AgentErrorEvent', 'agent'),
    tool_name: action.tool_name,
    tool_call_id: action.tool_call_id,
    error: 'Tool call interrupted before completion. The conversation was paused.',
    ...(classified ? { classification: AGENT_OUTCOME_CLASSIFICATION } : {}),
  };
}

export function interruptEvent(): SimEvent {
  return base('InterruptEvent', 'user');
}

export interface HookExecution {
  hookEventType: 'PreToolUse' | 'PostToolUse';
  hookCommand: string;
  action: SimEvent;
  blocked: boolean;
  reason: string | null;
}

/** A hook run. Exit code 2 is the hooks' "block" convention, which also counts as not successful. */
export function hookExecutionEvent(h: HookExecution): SimEvent {
  return {
    ...base('HookExecutionEvent', 'hook'),
    hook_event_type: h.hookEventType,
    hook_command: h.hookCommand,
    tool_name: h.action.tool_name,
    success: !h.blocked,
    blocked: h.blocked,
    exit_code: h.blocked ? 2 : 0,
    stdout: h.blocked ? '' : `${h.hookEventType} ok\n`,
    stderr: h.blocked ? `${h.reason ?? 'Blocked by hook'}\n` : '',
    reason: h.reason,
    additional_context: null,
    error: null,
    action_id: h.action.id,
    message_id: null,
    hook_input: null,
  };
}

export type AcpToolStatus = 'pending' | 'in_progress' | 'completed' | 'failed';

export interface AcpToolCall {
  toolCallId: string;
  title: string;
  toolKind: string;
  rawInput: Record<string, unknown>;
}

/** One ACP tool-call notification: a new event id each time, the same `tool_call_id` (the grouping key). */
export function acpToolCallEvent(
  call: AcpToolCall,
  status: AcpToolStatus,
  rawOutput: unknown,
  content: unknown[] | null,
): SimEvent {
  return {
    ...base('ACPToolCallEvent', 'agent'),
    tool_call_id: call.toolCallId,
    title: call.title,
    status,
    tool_kind: call.toolKind,
    raw_input: call.rawInput,
    raw_output: rawOutput,
    content,
    is_error: status === 'failed',
  };
}

/** Live-only token stream chunk (never stored, never replayed). */
export function streamingDeltaEvent(content: string): SimEvent {
  return { ...base('StreamingDeltaEvent', 'agent'), content, reasoning_content: null };
}

/** The synthetic FinishAction that closes every ACP turn, and its observation. */
export function finishActionEvent(message: string): SimEvent {
  const toolCallId = newEventId();
  return {
    ...base('ActionEvent', 'agent'),
    thought: [],
    reasoning_content: null,
    thinking_blocks: [],
    action: { kind: 'FinishAction', message },
    tool_name: 'finish',
    tool_call_id: toolCallId,
    tool_call: {
      id: toolCallId,
      name: 'finish',
      arguments: JSON.stringify({ message }),
      origin: 'completion',
    },
    llm_response_id: newEventId(),
    security_risk: 'UNKNOWN',
  };
}

export function finishObservationEvent(action: SimEvent, message: string): SimEvent {
  return {
    ...base('ObservationEvent', 'environment'),
    observation: { kind: 'FinishObservation', content: [textContent(message)], is_error: false },
    action_id: action.id,
    tool_name: 'finish',
    tool_call_id: action.tool_call_id,
  };
}

/** A file_editor `create` action (the scripted agent writing a file). */
export function fileEditorActionEvent(path: string, fileText: string, thought: string): SimEvent {
  const toolCallId = `call_${newEventId().slice(0, 8)}`;
  const args = { command: 'create', path, file_text: fileText };
  return {
    ...base('ActionEvent', 'agent'),
    thought: [textContent(thought)],
    action: { kind: 'FileEditorAction', ...args },
    tool_name: 'file_editor',
    tool_call_id: toolCallId,
    tool_call: { id: toolCallId, name: 'file_editor', arguments: JSON.stringify(args), origin: 'completion' },
    llm_response_id: `chatcmpl-${newEventId().slice(0, 12)}`,
    security_risk: 'LOW',
  };
}

export function isStateUpdate(event: SimEvent): boolean {
  return event.kind === 'ConversationStateUpdateEvent';
}

export function stateUpdateEvent(key: string, value: unknown): SimEvent {
  return { ...base('ConversationStateUpdateEvent', 'environment'), key, value };
}

export function conversationErrorEvent(code: string, detail: string): SimEvent {
  return { ...base('ConversationErrorEvent', 'environment'), code, detail };
}

export function pauseEvent(): SimEvent {
  return base('PauseEvent', 'user');
}

export function serverErrorEvent(code: string, detail: string): SimEvent {
  return { ...base('ServerErrorEvent', 'environment'), code, detail };
}

/** The text of a MessageEvent, for the events search `body` filter and auto-titles. */
export function messageText(event: SimEvent): string {
  const msg = event.llm_message as { content?: unknown[] } | undefined;
  const parts = Array.isArray(msg?.content) ? msg.content : [];
  return parts
    .map((p) => (typeof p === 'object' && p !== null && 'text' in p ? String(p.text) : ''))
    .join('\n');
}

/** Server → client frames are dumped with `exclude_none=True`: drop null fields, recursively. */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = withoutNulls(v);
    return out;
  }
  return value;
}
