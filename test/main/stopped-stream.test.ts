import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BridgeResult } from '../../src/shared/bridge/contract';
import { useBridgedMain } from '../support/bridged-main';
import { call, createConversation, useSimulator, waitFor } from '../support/sim';

/**
 * Finding 6 of issue 15: opening a conversation the server no longer has stopped its stream for good, and a
 * timeline or scroll-back asked of that stopped stream left a rejected promise nobody handled — the main
 * process died of it. Both must answer with a plain error, and nothing may go unhandled.
 */
describe('a stopped stream answers cleanly', () => {
  const sim = useSimulator();
  const main = useBridgedMain('stopped-stream-');
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };
  beforeAll(() => {
    process.on('unhandledRejection', onUnhandled);
  });
  afterAll(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  it('gives a clean error for the timeline and older events of a conversation deleted on the server', async () => {
    const added = await main.dispatch('servers:add', { server: { name: 'Sim', baseUrl: sim().url } });
    if (!added.ok) throw new Error(added.error.message);
    const serverId = (added.data as { id: string }).id;
    const conv = await createConversation(sim());
    const ref = { serverId, id: conv.id, version: 'V1' as const };

    const deleted = await call(`${sim().url}/api/v1/app-conversations/${conv.id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    await main.dispatch('conversations:setOnScreen', ref);
    // The stream finds the conversation gone and stops for good.
    await waitFor(
      () =>
        main.events.some(
          (e) =>
            e.name === 'timeline' &&
            (e.payload as { key?: string; live?: string }).key === `${serverId}/${conv.id}` &&
            (e.payload as { live?: string }).live === 'stopped',
        ),
      10_000,
      'the stream to stop',
    );

    const timeline: BridgeResult<unknown> = await main.dispatch('conversations:timeline', { ref });
    const older: BridgeResult<unknown> = await main.dispatch('conversations:olderEvents', {
      ref,
      before: { id: 'e1', timestamp: '2024-01-01T00:00:00Z' },
      limit: 10,
    });
    for (const result of [timeline, older]) {
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      // What the server said (the conversation is gone), not an internal error nor "the stream was closed".
      expect(result.error.code).not.toBe('internal');
      expect(result.error.code).not.toBe('aborted');
      expect(result.error.message).not.toMatch(/something went wrong/i);
    }
    // Rejections are reported a tick late: give them the chance.
    await new Promise((r) => setTimeout(r, 50));
    expect(unhandled).toEqual([]);
  }, 30_000);
});
