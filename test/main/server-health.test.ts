import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/main/api/errors';
import { ServerHealthTracker } from '../../src/main/servers/server-health';
import type { ServerHealth } from '../../src/shared/server-health';
import { useBridgedMain } from '../support/bridged-main';
import { FakeClock } from '../support/fake-clock';
import { useSimulator, waitFor } from '../support/sim';

describe('ServerHealthTracker', () => {
  const setup = () => {
    const clock = new FakeClock(1000);
    const tracker = new ServerHealthTracker(clock);
    const seen: ServerHealth[] = [];
    tracker.onChange((h) => seen.push(h));
    return { clock, tracker, seen };
  };

  it('starts unknown, goes online on an answer and offline when nothing answers, keeping lastOkAt', async () => {
    const { clock, tracker, seen } = setup();
    expect(tracker.list(['a'])).toEqual([{ serverId: 'a', state: 'unknown', lastOkAt: null, problem: null }]);
    tracker.report('a', null);
    expect(tracker.list(['a'])[0]).toEqual({ serverId: 'a', state: 'online', lastOkAt: 1000, problem: null });
    await clock.advance(500);
    tracker.report('a', new ApiError('offline', 'Connection refused.'));
    expect(tracker.list(['a'])[0]).toEqual({
      serverId: 'a',
      state: 'offline',
      lastOkAt: 1000,
      problem: { kind: 'offline', message: 'Connection refused.' },
    });
    await clock.advance(500);
    tracker.report('a', null);
    expect(tracker.list(['a'])[0]).toMatchObject({ state: 'online', lastOkAt: 2000, problem: null });
    expect(seen.map((h) => h.state)).toEqual(['online', 'offline', 'online']);
  });

  it('counts 401, 404 and 429 as answers (online) and timeouts, 5xx and plain errors as offline', () => {
    const { tracker } = setup();
    const answers = [
      new ApiError('unauthorized', 'Wrong key.', { status: 401 }),
      new ApiError('not-found', 'No such thing.', { status: 404 }),
      new ApiError('rate-limited', 'Slow down.', { status: 429, retryAfterMs: 1000 }),
    ];
    for (const [i, error] of answers.entries()) {
      tracker.report(`s${i}`, error);
      expect(tracker.list([`s${i}`])[0]).toMatchObject({
        state: 'online',
        lastOkAt: 1000,
        problem: { kind: error.kind, status: error.status },
      });
    }
    const silences: unknown[] = [
      new ApiError('timeout', 'No answer in 15 s.'),
      new ApiError('server-error', 'Bad gateway.', { status: 502 }),
      new ApiError('offline', 'DNS failed.'),
      new Error('socket hang up'),
      'something odd',
    ];
    for (const [i, error] of silences.entries()) {
      tracker.report(`x${i}`, error);
      expect(tracker.list([`x${i}`])[0]).toMatchObject({ state: 'offline', lastOkAt: null });
    }
    expect(tracker.list(['x3'])[0]!.problem).toEqual({ kind: 'offline', message: 'socket hang up' });
  });

  it('announces only changes (state or problem), and forgets a removed server', () => {
    const { tracker, seen } = setup();
    tracker.report('a', null);
    tracker.report('a', null);
    tracker.report('a', null);
    expect(seen).toHaveLength(1);
    tracker.report('a', new ApiError('offline', 'Refused.'));
    tracker.report('a', new ApiError('offline', 'Refused.'));
    expect(seen).toHaveLength(2);
    tracker.report('a', new ApiError('timeout', 'Too slow.'));
    expect(seen).toHaveLength(3);
    expect(seen[2]).toMatchObject({ state: 'offline', problem: { kind: 'timeout' } });
    tracker.forget('a');
    expect(tracker.list(['a'])[0]!.state).toBe('unknown');
    tracker.report('a', new ApiError('offline', 'Refused.'));
    // After forgetting, the next report is news again, and there is no old lastOkAt to keep.
    expect(seen).toHaveLength(4);
    expect(seen[3]).toMatchObject({ state: 'offline', lastOkAt: null });
  });
});

describe('server health fed by the poller and the outbox', () => {
  const sim = useSimulator();
  const { events, dispatch } = useBridgedMain('health-');

  const health = async (): Promise<ServerHealth[]> =>
    ((await dispatch('servers:health', undefined)) as { data: ServerHealth[] }).data;
  const healthEvents = (): ServerHealth[] =>
    events.filter((e) => e.name === 'serverHealth').map((e) => e.payload as ServerHealth);

  it('reads online after the first poll, offline when the server goes away, online when it is back', async () => {
    const added = (await dispatch('servers:add', { server: { name: 'Sim', baseUrl: sim().url } })) as {
      data: { id: string };
    };
    const id = added.data.id;
    expect((await health()).find((h) => h.serverId === id)?.state).toMatch(/unknown|online/);
    await waitFor(async () => (await health())[0]?.state === 'online', 5000, 'online');
    expect(healthEvents().at(-1)).toMatchObject({ serverId: id, state: 'online', problem: null });
    const onlineAt = (await health())[0]!.lastOkAt;
    expect(onlineAt).toEqual(expect.any(Number));

    await sim().goOffline();
    try {
      await waitFor(() => healthEvents().at(-1)?.state === 'offline', 10_000, 'offline event');
      const [now] = await health();
      expect(now).toMatchObject({ serverId: id, state: 'offline', problem: { kind: 'offline' } });
      expect(now!.lastOkAt).toBeGreaterThanOrEqual(onlineAt!);
    } finally {
      await sim().comeBack();
    }
    await waitFor(() => healthEvents().at(-1)?.state === 'online', 15_000, 'online again');
    expect((await health())[0]).toMatchObject({ state: 'online', problem: null });
    // One event per change, not one per poll.
    const states = healthEvents().map((h) => h.state);
    expect(states.filter((s, i) => i > 0 && s === states[i - 1])).toEqual([]);

    await dispatch('servers:remove', { id });
    expect(await health()).toEqual([]);
  }, 40_000);
});
