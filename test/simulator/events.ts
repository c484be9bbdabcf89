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
};

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

export function userRejectObservation(action: SimEvent, reason: string): SimEvent {
  return {
    ...base('UserRejectObservation', 'environment'),
    action_id: action.id,
    tool_name: action.tool_name,
    tool_call_id: action.tool_call_id,
    rejection_reason: reason,
    rejection_source: 'user',
  };
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
