// Finding 12 (issue 15): bidirectional-override characters in agent text and titles were shown raw, so text
// could read as something else (U+202E makes `gpj.exe` look like `exe.jpg`). They are shown as markers.
import { describe, expect, it } from 'vitest';
import { summarizeAppConversation, summarizeLegacyConversation } from '../../src/main/api/summaries';
import type { AppConversation, LegacyConversation } from '../../src/main/api/schemas/app-server';
import { v0TimelineItem, v1TimelineItems } from '../../src/main/live/timeline-items';
import type { AgentEvent } from '../../src/main/api/schemas/agent-server';
import { hasBidiControls, neutralizeBidi } from '../../src/shared/bidi';

const ALL = '\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069';

describe('neutralizeBidi', () => {
  it('replaces every bidi control with a visible marker naming it', () => {
    expect(neutralizeBidi(ALL)).toBe('⟪LRE⟫⟪RLE⟫⟪PDF⟫⟪LRO⟫⟪RLO⟫⟪LRI⟫⟪RLI⟫⟪FSI⟫⟪PDI⟫');
    expect(neutralizeBidi('invoice\u202Egpj.exe')).toBe('invoice⟪RLO⟫gpj.exe');
    expect(hasBidiControls(neutralizeBidi(`a${ALL}b`))).toBe(false);
  });

  it('leaves other text alone, right-to-left scripts and neighbouring format characters included', () => {
    // LRM, RLM and ALM included: right-to-left text uses them, and they reorder nothing strong.
    for (const text of [
      '',
      'plain',
      'שלום עולם',
      'مرحبا',
      '中文',
      'a\u200Bb',
      'a\u200Db',
      'a\u2029b',
      'עברית\u200F!',
      'x\u200Ey',
      'a\u061Cb',
    ])
      expect(neutralizeBidi(text)).toBe(text);
    expect(hasBidiControls('שלום')).toBe(false);
    expect(hasBidiControls('x\u2067y')).toBe(true);
    // The regex is global: repeated checks must not depend on the previous one.
    expect([hasBidiControls('\u202E'), hasBidiControls('\u202E')]).toEqual([true, true]);
  });
});

describe('where main builds what the renderer shows', () => {
  it('timeline items: text, title and thought', () => {
    const events = [
      {
        kind: 'MessageEvent',
        id: 'm1',
        timestamp: '2026-01-01T00:00:00',
        source: 'agent',
        llm_message: { role: 'assistant', content: [{ type: 'text', text: 'run rm\u202E-rf' }] },
      },
      {
        kind: 'ActionEvent',
        id: 'a1',
        timestamp: '2026-01-01T00:00:01',
        source: 'agent',
        tool_name: 'bash\u2066x',
        tool_call_id: 't1',
        thought: [{ type: 'text', text: 'think\u2067' }],
        action: { kind: 'ExecuteBashAction', command: 'ls\u2069' },
      },
    ] as unknown as AgentEvent[];
    const items = v1TimelineItems(events);
    const all = JSON.stringify(items);
    expect(hasBidiControls(all)).toBe(false);
    expect(all).toContain('run rm⟪RLO⟫-rf');
    expect(all).toContain('bash⟪LRI⟫x');
    expect(all).toContain('think⟪RLI⟫');
    const legacy = v0TimelineItem({
      id: 1,
      timestamp: '2026-01-01T00:00:00',
      source: 'agent',
      message: 'hi\u202D',
      action: 'message',
      args: {},
    });
    expect(legacy?.text).toBe('hi⟪LRO⟫');
  });

  it('conversation titles, V1 and V0', () => {
    const v1 = summarizeAppConversation('s', {
      id: 'abc',
      title: 'Fix \u202Etxt.exe',
      created_at: 'x',
      updated_at: 'x',
    } as unknown as AppConversation);
    expect(v1.title).toBe('Fix ⟪RLO⟫txt.exe');
    const v0 = summarizeLegacyConversation('s', {
      conversation_id: 'abc',
      title: '\u2067title',
      created_at: 'x',
    } as unknown as LegacyConversation);
    expect(v0.title).toBe('⟪RLI⟫title');
  });
});
