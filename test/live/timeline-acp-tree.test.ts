import { describe, expect, it } from 'vitest';
import { activeBranch, v1TimelineItems } from '../../src/main/live/timeline-items';

// Shapes as agent server 1.4x writes them (docs/openhands-api.md §4.6): ACP tool calls are a new event per
// update with the same tool_call_id; interrupts and hook runs are events of their own; every event names its
// parent (`parent_id`) from 1.31 on.

let clock = 0;
const at = (): string => `2026-12-02T10:00:${String(clock++).padStart(2, '0')}.000000`;

function event(kind: string, fields: Record<string, unknown> = {}) {
  return { kind, id: `e${clock}`, timestamp: at(), source: 'agent', ...fields };
}

export function toolCall(callId: string, status: string, output?: string) {
  return event('ACPToolCallEvent', {
    tool_call_id: callId,
    title: 'Run tests',
    tool_kind: 'execute',
    status,
    raw_input: { command: 'npm test' },
    ...(output !== undefined ? { raw_output: output } : {}),
    is_error: status === 'failed',
  });
}

describe('ACP tool calls, interrupts and hooks in the timeline', () => {
  it('shows one row per tool call, with its latest state, at the place of its first update', () => {
    const user = event('MessageEvent', {
      source: 'user',
      llm_message: { role: 'user', content: [{ type: 'text', text: 'go' }] },
    });
    const a1 = toolCall('call-a', 'pending');
    const b1 = toolCall('call-b', 'in_progress', 'line 1');
    const a2 = toolCall('call-a', 'in_progress', 'half');
    const b2 = toolCall('call-b', 'failed', 'boom');
    const a3 = toolCall('call-a', 'completed', 'all green');
    const items = v1TimelineItems([user, a1, b1, a2, b2, a3]);
    expect(items.map((i) => [i.kind, i.id, i.status ?? null, i.text])).toEqual([
      ['message', user.id, null, 'go'],
      ['tool-call', a1.id, 'completed', 'all green'],
      ['tool-call', b1.id, 'failed', 'boom'],
    ]);
    expect(items[1]).toMatchObject({
      title: 'execute: Run tests',
      timestamp: a1.timestamp,
      updatedAt: a3.timestamp,
    });
  });

  it('an interrupted run shows as interrupted; a hook shows what it ran and whether it blocked', () => {
    const hook = event('HookExecutionEvent', {
      source: 'hook',
      hook_event_type: 'PreToolUse',
      tool_name: 'terminal',
      hook_command: './check.sh',
      success: true,
      blocked: true,
      reason: 'not on main',
      action_id: 'x',
    });
    const interrupt = event('InterruptEvent', { source: 'user' });
    const items = v1TimelineItems([hook, interrupt]);
    expect(items.map((i) => [i.kind, i.title, i.status ?? null])).toEqual([
      ['hook', 'PreToolUse · terminal', 'blocked'],
      ['interrupt', '', null],
    ]);
    expect(items[0]?.text).toBe('./check.sh\nnot on main');
  });
});

describe('the active branch after a rewind (parent_id)', () => {
  it('keeps the newest event and its ancestors and drops the abandoned branch', () => {
    const m1 = event('MessageEvent', { parent_id: '__root__' });
    const m2 = event('MessageEvent', { parent_id: m1.id });
    const old = event('ActionEvent', { parent_id: m2.id });
    const oldObs = event('ObservationEvent', { parent_id: old.id });
    // navigate back to m2, then a new message: a sibling branch under m2
    const fresh = event('MessageEvent', { parent_id: m2.id });
    const state = event('ConversationStateUpdateEvent', { parent_id: fresh.id, key: 'execution_status' });
    const hookOnOld = event('HookExecutionEvent', { parent_id: m2.id, action_id: old.id });
    const events = [m1, m2, old, oldObs, hookOnOld, fresh, state];
    expect(activeBranch(events).map((e) => e.id)).toEqual([m1.id, m2.id, fresh.id, state.id]);
  });

  it('keeps events it cannot place (parents before the window) and everything from older servers', () => {
    const a = event('MessageEvent', { parent_id: 'outside-window' });
    const b = event('MessageEvent', { parent_id: a.id });
    expect(activeBranch([a, b]).map((e) => e.id)).toEqual([a.id, b.id]);
    const legacy = [event('MessageEvent'), event('ActionEvent')];
    expect(activeBranch(legacy)).toBe(legacy);
  });
});
