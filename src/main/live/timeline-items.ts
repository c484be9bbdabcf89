// Agent events (V1) and legacy events (V0) → the timeline's plain items (src/shared/timeline.ts). Events
// that are bookkeeping (system prompt, state updates, condensation) are left out; kinds this build does not
// know still show, by name, so a newer server never makes the timeline go blank.
import { TIMELINE_TEXT_MAX, type TimelineItem, type TimelineKind } from '../../shared/timeline';

type Loose = Record<string, unknown>;

const HIDDEN_V1_KINDS = new Set([
  'SystemPromptEvent',
  'ConversationStateUpdateEvent',
  'Condensation',
  'CondensationRequest',
  'CondensationSummaryEvent',
  'TokenEvent',
  'StreamingDeltaEvent',
]);

function isObject(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** The text parts of an SDK content list (`[{type: 'text', text}]`), joined; images become a note. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => {
      if (!isObject(part)) return '';
      if (typeof part.text === 'string') return part.text;
      if (part.type === 'image') return '[image]';
      return '';
    })
    .filter((t) => t.length > 0)
    .join('\n');
}

function cut(text: string): { text: string; truncated: boolean } {
  return text.length > TIMELINE_TEXT_MAX
    ? { text: text.slice(0, TIMELINE_TEXT_MAX), truncated: true }
    : { text, truncated: false };
}

function item(
  base: { id: string; timestamp: string; source: string },
  kind: TimelineKind,
  fields: {
    title?: string;
    text?: string;
    thought?: string | null;
    actionId?: string | null;
    risk?: string | null;
  },
): TimelineItem {
  return {
    id: base.id,
    kind,
    source: base.source,
    timestamp: base.timestamp,
    title: (fields.title ?? '').slice(0, 200),
    ...cut(fields.text ?? ''),
    thought: fields.thought ? fields.thought.slice(0, TIMELINE_TEXT_MAX) : null,
    actionId: fields.actionId ?? null,
    risk: fields.risk ?? null,
  };
}

/** What an action does, in one line: the command, the file path, or the tool's arguments. */
function actionText(event: Loose): string {
  const action = isObject(event.action) ? event.action : {};
  const command = str(action.command);
  if (command !== null) return command;
  const path = str(action.path);
  if (path !== null) return `${str(action.command) ?? str(action.kind) ?? 'edit'} ${path}`;
  const call = isObject(event.tool_call) ? event.tool_call : {};
  return str(call.arguments) ?? '';
}

/** One V1 agent event, or null when it is not shown. */
export function v1TimelineItem(
  event: { kind: string; id: string; timestamp: string; source: string } & Loose,
): TimelineItem | null {
  if (HIDDEN_V1_KINDS.has(event.kind)) return null;
  switch (event.kind) {
    case 'MessageEvent': {
      const message = isObject(event.llm_message) ? event.llm_message : {};
      return item(event, 'message', { text: contentText(message.content) });
    }
    case 'ActionEvent':
      return item(event, 'action', {
        title: str(event.tool_name) ?? 'action',
        text: actionText(event),
        thought: contentText(event.thought) || null,
        risk: str(event.security_risk),
      });
    case 'ObservationEvent': {
      const observation = isObject(event.observation) ? event.observation : {};
      return item(event, 'observation', {
        title: str(event.tool_name) ?? 'result',
        text: contentText(observation.content),
        actionId: str(event.action_id),
      });
    }
    case 'UserRejectObservation':
      return item(event, 'rejection', {
        title: str(event.tool_name) ?? '',
        text: str(event.rejection_reason) ?? '',
        actionId: str(event.action_id),
      });
    case 'AgentErrorEvent':
      return item(event, 'error', {
        title: str(event.tool_name) ?? 'Agent error',
        text: str(event.error) ?? '',
      });
    case 'ConversationErrorEvent':
    case 'ServerErrorEvent':
      return item(event, 'error', { title: str(event.code) ?? event.kind, text: str(event.detail) ?? '' });
    case 'PauseEvent':
      return item(event, 'pause', {});
    default:
      return item(event, 'other', { title: event.kind });
  }
}

/** One V0 event (numeric ids; `action` or `observation` names what it is). */
export function v0TimelineItem(
  event: { id: number; timestamp: string; source: string } & Loose,
): TimelineItem | null {
  const base = { id: String(event.id), timestamp: event.timestamp, source: event.source };
  const action = str(event.action);
  const observation = str(event.observation);
  const message = str(event.message) ?? '';
  if (observation === 'agent_state_changed' || action === 'change_agent_state' || action === 'system')
    return null;
  if (action === 'message') return item(base, 'message', { text: message });
  if (observation === 'error') return item(base, 'error', { title: 'Error', text: message });
  if (action !== null) {
    const args = isObject(event.args) ? event.args : {};
    return item(base, 'action', {
      title: action,
      text: str(args.command) ?? message,
      thought: str(args.thought),
    });
  }
  if (observation !== null)
    return item(base, 'observation', { title: observation, text: str(event.content) ?? message });
  return item(base, 'other', { title: message.slice(0, 80) });
}

export function v1TimelineItems(
  events: readonly ({ kind: string; id: string; timestamp: string; source: string } & Loose)[],
): TimelineItem[] {
  const out: TimelineItem[] = [];
  for (const event of events) {
    const mapped = v1TimelineItem(event);
    if (mapped) out.push(mapped);
  }
  return out;
}
