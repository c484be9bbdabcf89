import { describe, expect, it } from 'vitest';
import type { TimelineItem } from '../../src/shared/timeline';
import { mergeItems } from '../../src/renderer/stores/timeline-store';

/** An ACP tool call's update as main sends it: one group per tool_call_id (src/main/live/timeline-items.ts). */
function toolCall(id: string, status: string, second: number, text = ''): TimelineItem {
  const timestamp = `2026-12-02T10:00:${String(second).padStart(2, '0')}.000000`;
  return {
    id,
    kind: 'tool-call',
    source: 'agent',
    timestamp,
    title: 'execute: Run tests',
    text,
    thought: null,
    actionId: null,
    risk: null,
    truncated: false,
    group: 'tool-call:call-c',
    updatedAt: timestamp,
    status,
  };
}

describe('the timeline store merges grouped items', () => {
  it('updates a shown tool call in place when a later batch brings its completion, and never goes back', () => {
    const start = toolCall('e1', 'in_progress', 1);
    const merged = mergeItems([start], [toolCall('e2', 'completed', 2, 'ok')]);
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({
      id: 'e1',
      timestamp: start.timestamp,
      status: 'completed',
      text: 'ok',
    });
    // An older page delivering the start again (under another event id) changes nothing.
    expect(mergeItems(merged, [toolCall('e0', 'pending', 0)])).toEqual(merged);
  });
});
