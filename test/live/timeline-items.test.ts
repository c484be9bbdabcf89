import { describe, expect, it } from 'vitest';
import { v0TimelineItem, v1TimelineItem, v1TimelineItems } from '../../src/main/live/timeline-items';
import { TIMELINE_TEXT_MAX, timelineItemSchema } from '../../src/shared/timeline';
import {
  actionEvent,
  conversationErrorEvent,
  messageEvent,
  observationEvent,
  pauseEvent,
  serverErrorEvent,
  stateUpdateEvent,
  systemPromptEvent,
  textContent,
  userRejectObservation,
} from '../simulator/events';

/** Every kind the simulator emits (its builders are the shapes the agent server writes) → timeline items. */
describe('timeline items from V1 agent events', () => {
  it('maps user and agent messages to message items with their text', () => {
    const user = messageEvent('user', [textContent('Fix the tests'), { type: 'image', image_urls: ['x'] }]);
    const agent = messageEvent('agent', [textContent('Done.')]);
    expect(v1TimelineItem(user)).toEqual({
      id: user.id,
      kind: 'message',
      source: 'user',
      timestamp: user.timestamp,
      title: '',
      text: 'Fix the tests\n[image]',
      thought: null,
      actionId: null,
      risk: null,
      truncated: false,
    });
    expect(v1TimelineItem(agent)).toMatchObject({ kind: 'message', source: 'agent', text: 'Done.' });
  });

  it('maps an action with its tool, command, thought and risk, and its observation and rejection', () => {
    const action = actionEvent('npm test', 'Run the suite first', 'HIGH');
    expect(v1TimelineItem(action)).toMatchObject({
      id: action.id,
      kind: 'action',
      source: 'agent',
      title: 'terminal',
      text: 'npm test',
      thought: 'Run the suite first',
      risk: 'HIGH',
      actionId: null,
    });
    const observation = observationEvent(action, '12 passed');
    expect(v1TimelineItem(observation)).toMatchObject({
      kind: 'observation',
      source: 'environment',
      title: 'terminal',
      text: '12 passed',
      actionId: action.id,
    });
    expect(v1TimelineItem(userRejectObservation(action, 'too risky'))).toMatchObject({
      kind: 'rejection',
      title: 'terminal',
      text: 'too risky',
      actionId: action.id,
    });
  });

  it('maps errors and pauses, hides bookkeeping, and names kinds it does not know', () => {
    expect(v1TimelineItem(conversationErrorEvent('LLMError', 'quota exceeded'))).toMatchObject({
      kind: 'error',
      title: 'LLMError',
      text: 'quota exceeded',
    });
    expect(v1TimelineItem(serverErrorEvent('Boom', 'stack'))).toMatchObject({ kind: 'error', title: 'Boom' });
    expect(v1TimelineItem(pauseEvent())).toMatchObject({ kind: 'pause', source: 'user', text: '' });
    expect(v1TimelineItem(systemPromptEvent())).toBeNull();
    expect(v1TimelineItem(stateUpdateEvent('execution_status', 'running'))).toBeNull();
    const future = { kind: 'HologramEvent', id: 'h1', timestamp: '2025-01-01T00:00:00', source: 'agent' };
    expect(v1TimelineItem(future)).toMatchObject({ kind: 'other', title: 'HologramEvent', text: '' });
    // In order, hidden ones left out.
    const events = [systemPromptEvent(), messageEvent('user', [textContent('hi')]), pauseEvent()];
    expect(v1TimelineItems(events).map((i) => i.kind)).toEqual(['message', 'pause']);
  });

  it('cuts long texts and thoughts at TIMELINE_TEXT_MAX and says so', () => {
    const long = 'x'.repeat(TIMELINE_TEXT_MAX + 50);
    const item = v1TimelineItem(messageEvent('agent', [textContent(long)]))!;
    expect(item.text).toHaveLength(TIMELINE_TEXT_MAX);
    expect(item.truncated).toBe(true);
    const action = v1TimelineItem(actionEvent('ls', long))!;
    expect(action.thought).toHaveLength(TIMELINE_TEXT_MAX);
    expect(action.truncated).toBe(false);
    const exact = v1TimelineItem(messageEvent('agent', [textContent('y'.repeat(TIMELINE_TEXT_MAX))]))!;
    expect(exact.truncated).toBe(false);
  });

  it('never throws on fields of the wrong type, and always yields a valid item', () => {
    const base = { id: 'e1', timestamp: '2025-01-01T00:00:00', source: 'agent' };
    const malformed = [
      { ...base, kind: 'MessageEvent', llm_message: 'not an object' },
      { ...base, kind: 'MessageEvent', llm_message: { content: [null, 3, { text: 5 }, 'str'] } },
      { ...base, kind: 'MessageEvent', llm_message: { content: 'plain string' } },
      { ...base, kind: 'ActionEvent', action: [1], thought: 42, tool_name: 7, security_risk: {} },
      { ...base, kind: 'ActionEvent', action: { path: '/a.txt', command: null }, tool_call: 'x' },
      { ...base, kind: 'ActionEvent', action: null, tool_call: { arguments: '{"a":1}' } },
      { ...base, kind: 'ObservationEvent', observation: null, action_id: 9 },
      { ...base, kind: 'ObservationEvent', observation: { content: { text: 'no list' } } },
      { ...base, kind: 'UserRejectObservation', rejection_reason: ['x'] },
      { ...base, kind: 'AgentErrorEvent', error: 1 },
      { ...base, kind: 'ConversationErrorEvent', code: null, detail: false },
    ];
    for (const event of malformed) {
      const item = v1TimelineItem(event);
      expect(timelineItemSchema.safeParse(item).success, event.kind).toBe(true);
    }
    expect(v1TimelineItem(malformed[1]!)!.text).toBe('');
    expect(v1TimelineItem(malformed[2]!)!.text).toBe('plain string');
    expect(v1TimelineItem(malformed[3]!)).toMatchObject({ title: 'action', thought: null, risk: null });
    expect(v1TimelineItem(malformed[4]!)!.text).toBe('edit /a.txt');
    expect(v1TimelineItem(malformed[5]!)!.text).toBe('{"a":1}');
    expect(v1TimelineItem(malformed[10]!)).toMatchObject({
      kind: 'error',
      title: 'ConversationErrorEvent',
      text: '',
    });
  });
});

describe('timeline items from V0 events', () => {
  const at = '2025-01-01T00:00:00';
  it('maps messages, runs, observations and errors; hides state changes', () => {
    expect(
      v0TimelineItem({ id: 3, timestamp: at, source: 'user', action: 'message', message: 'Hi' }),
    ).toEqual({
      id: '3',
      kind: 'message',
      source: 'user',
      timestamp: at,
      title: '',
      text: 'Hi',
      thought: null,
      actionId: null,
      risk: null,
      truncated: false,
    });
    expect(
      v0TimelineItem({
        id: 4,
        timestamp: at,
        source: 'agent',
        action: 'run',
        message: 'Running',
        args: { command: 'ls', thought: 'look first' },
      }),
    ).toMatchObject({ kind: 'action', title: 'run', text: 'ls', thought: 'look first' });
    expect(
      v0TimelineItem({
        id: 5,
        timestamp: at,
        source: 'agent',
        observation: 'run',
        content: 'a.txt',
        message: '',
      }),
    ).toMatchObject({ kind: 'observation', title: 'run', text: 'a.txt' });
    expect(
      v0TimelineItem({ id: 6, timestamp: at, source: 'agent', observation: 'error', message: 'boom' }),
    ).toMatchObject({ kind: 'error', text: 'boom' });
    expect(
      v0TimelineItem({
        id: 7,
        timestamp: at,
        source: 'agent',
        observation: 'agent_state_changed',
        message: '',
      }),
    ).toBeNull();
    expect(
      v0TimelineItem({ id: 8, timestamp: at, source: 'agent', action: 'system', message: '' }),
    ).toBeNull();
    expect(
      v0TimelineItem({ id: 9, timestamp: at, source: 'agent', action: 'change_agent_state', message: '' }),
    ).toBeNull();
    expect(v0TimelineItem({ id: 10, timestamp: at, source: 'agent', message: 'odd' })).toMatchObject({
      kind: 'other',
      title: 'odd',
    });
    // Wrong types: still an item.
    const odd = v0TimelineItem({
      id: 11,
      timestamp: at,
      source: 'agent',
      action: 'run',
      args: 'x',
      message: 3,
    });
    expect(timelineItemSchema.safeParse(odd).success).toBe(true);
  });
});
