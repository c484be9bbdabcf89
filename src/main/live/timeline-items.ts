// Agent events (V1) and legacy events (V0) → the timeline's plain items (src/shared/timeline.ts). Events
// that are bookkeeping (system prompt, state updates, condensation) are left out; kinds this build does not
// know still show, by name, so a newer server never makes the timeline go blank.
import { neutralizeBidi } from '../../shared/bidi';
import { mergeGrouped, TIMELINE_TEXT_MAX, type TimelineItem, type TimelineKind } from '../../shared/timeline';

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

/** Cut first, then neutralised: a bidi marker is never split, and the limit counts the server's characters. */
function cut(text: string): { text: string; truncated: boolean } {
  return text.length > TIMELINE_TEXT_MAX
    ? { text: neutralizeBidi(text.slice(0, TIMELINE_TEXT_MAX)), truncated: true }
    : { text: neutralizeBidi(text), truncated: false };
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
    group?: string;
    status?: string | null;
  },
): TimelineItem {
  return {
    id: base.id,
    kind,
    source: base.source,
    timestamp: base.timestamp,
    title: neutralizeBidi((fields.title ?? '').slice(0, 200)),
    ...cut(fields.text ?? ''),
    thought: fields.thought ? neutralizeBidi(fields.thought.slice(0, TIMELINE_TEXT_MAX)) : null,
    actionId: fields.actionId ?? null,
    risk: fields.risk ?? null,
    ...(fields.group ? { group: fields.group, updatedAt: base.timestamp } : {}),
    ...(fields.status !== undefined ? { status: fields.status } : {}),
  };
}

/** Text of an ACP tool call: its output, else what it was asked to do, else its content blocks' paths. */
function toolCallText(event: Loose): string {
  const output = event.raw_output;
  if (typeof output === 'string' && output) return output;
  if (output !== undefined && output !== null) return JSON.stringify(output, null, 1);
  const input = event.raw_input;
  if (typeof input === 'string') return input;
  if (input !== undefined && input !== null) return JSON.stringify(input, null, 1);
  if (Array.isArray(event.content))
    return event.content
      .map((block) => (isObject(block) ? (str(block.path) ?? str(block.text) ?? '') : ''))
      .filter((t) => t)
      .join('\n');
  return '';
}

/** A hook's outcome: blocked, failed or ok. */
function hookStatus(event: Loose): string {
  if (event.blocked === true) return 'blocked';
  return event.success === false ? 'failed' : 'ok';
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
    case 'InterruptEvent':
      return item(event, 'interrupt', {});
    case 'ACPToolCallEvent': {
      const callId = str(event.tool_call_id) ?? event.id;
      return item(event, 'tool-call', {
        title: [str(event.tool_kind), str(event.title)].filter(Boolean).join(': ') || 'tool call',
        text: toolCallText(event),
        group: `tool-call:${callId}`,
        status: str(event.status) ?? (event.is_error === true ? 'failed' : null),
      });
    }
    case 'HookExecutionEvent':
      return item(event, 'hook', {
        title: [str(event.hook_event_type), str(event.tool_name)].filter(Boolean).join(' · ') || 'hook',
        text: [
          str(event.hook_command),
          str(event.reason),
          str(event.stdout),
          str(event.stderr),
          str(event.error),
        ]
          .filter((t) => t)
          .join('\n'),
        actionId: str(event.action_id) ?? str(event.message_id),
        status: hookStatus(event),
      });
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

/**
 * A batch of V1 events as timeline items, in order. Grouped items (an ACP tool call's updates) collapse to one
 * row at the first one's place, with the latest one's content; events off the active branch are left out.
 */
export function v1TimelineItems(
  events: readonly ({ kind: string; id: string; timestamp: string; source: string } & Loose)[],
): TimelineItem[] {
  const out: TimelineItem[] = [];
  const groups = new Map<string, number>();
  for (const event of activeBranch(events)) {
    const mapped = v1TimelineItem(event);
    if (!mapped) continue;
    const at = mapped.group === undefined ? undefined : groups.get(mapped.group);
    if (at === undefined) {
      if (mapped.group !== undefined) groups.set(mapped.group, out.length);
      out.push(mapped);
    } else out[at] = mergeGrouped(out[at]!, mapped);
  }
  return out;
}

type TreeEvent = { kind: string; id: string; source: string } & Loose;

/**
 * The events on the conversation's active branch (agent server ≥ 1.31 keeps every branch after a rewind:
 * each event names its `parent_id`). The newest tree event is on the active branch (new events hang under
 * HEAD), so the branch is its ancestors; an event without `parent_id` hangs under the one before it. Hook
 * runs are siblings of what they describe and stay when that does; state updates do not move HEAD.
 */
export function activeBranch<T extends TreeEvent>(events: readonly T[]): readonly T[] {
  if (!events.some((e) => typeof e.parent_id === 'string')) return events;
  const isTreeNode = (e: T): boolean =>
    e.kind !== 'ConversationStateUpdateEvent' && e.kind !== 'HookExecutionEvent';
  const parentOf = new Map<string, string | null>();
  let previous: string | null = null;
  for (const e of events) {
    if (!isTreeNode(e)) continue;
    const parent = str(e.parent_id);
    parentOf.set(e.id, parent === '__root__' ? null : (parent ?? previous));
    previous = e.id;
  }
  const onBranch = new Set<string>();
  for (let id: string | null | undefined = previous; id && !onBranch.has(id); id = parentOf.get(id))
    onBranch.add(id);
  // Events whose parent lies before this window (an older page) cannot be placed: they are kept.
  const known = (id: string | null | undefined): boolean =>
    id !== null && id !== undefined && parentOf.has(id);
  return events.filter((e) => {
    if (e.kind === 'HookExecutionEvent') {
      const about = str(e.action_id) ?? str(e.message_id);
      return about === null || !known(about) || onBranch.has(about);
    }
    if (!isTreeNode(e)) return true;
    if (onBranch.has(e.id)) return true;
    return !isAbandoned(e.id, parentOf, onBranch);
  });
}

/**
 * Whether an event off the active branch is provably abandoned: its ancestry, inside the window, meets the
 * active branch or ends at another root. Ancestry that leaves the window cannot be judged (kept).
 */
function isAbandoned(
  id: string,
  parentOf: ReadonlyMap<string, string | null>,
  onBranch: ReadonlySet<string>,
): boolean {
  const seen = new Set<string>([id]);
  for (let at = id; ;) {
    const parent = parentOf.get(at);
    if (parent === null) return true;
    if (parent === undefined || !parentOf.has(parent) || seen.has(parent)) return false;
    if (onBranch.has(parent)) return true;
    seen.add(parent);
    at = parent;
  }
}
