import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/main/api/http-client';
import { OpenHandsServer } from '../../src/main/api/openhands-server';
import { StatusPoller } from '../../src/main/live/status-poller';
import { MemoryLogger } from '../../src/main/logger';
import { conversationKey, type StatusChangeSet } from '../../src/shared/live';
import { startSimulator, type Simulator } from '../simulator/simulator';
import { FakeClock } from '../support/fake-clock';
import { call, createConversation } from '../support/sim';

const FAST = 3000;
const SLOW = 60_000;

function setup(
  sim: Simulator,
  clock: FakeClock,
  fetchImpl: typeof fetch = fetch,
  onServerResult?: (serverId: string, error: unknown) => void,
) {
  const http = new HttpClient({
    retry: { attempts: 1, baseDelayMs: 10, maxDelayMs: 10, maxRetryAfterMs: 1000 },
    fetch: fetchImpl,
  });
  const server = new OpenHandsServer(http, {
    id: 'srv',
    baseUrl: sim.url,
    apiKey: () => Promise.resolve(undefined),
  });
  const poller = new StatusPoller(() => [server], {
    clock,
    fastMs: FAST,
    slowMs: SLOW,
    random: () => 0.5,
    logger: new MemoryLogger(),
    ...(onServerResult ? { onServerResult } : {}),
  });
  const sets: StatusChangeSet[] = [];
  poller.onChange((s) => sets.push(s));
  return { server, poller, sets };
}

/** Batch-get requests the poller made, with how many ids each carried. */
function batches(sim: Simulator, from: number): number[] {
  return sim.requests
    .slice(from)
    .filter((r) => r.server === 'app' && r.path === '/api/v1/app-conversations')
    .map((r) => new URL(r.url, 'http://x').searchParams.getAll('ids').length);
}

describe('StatusPoller against the simulator', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ stepMs: 10, rateLimit: false });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('discovers conversations and reports a status change within one fast tick, as one change set', async () => {
    const clock = new FakeClock(Date.now());
    const { poller, sets, server } = setup(sim, clock);
    const c = await createConversation(sim);
    await poller.tick();
    const key = conversationKey({ serverId: 'srv', id: c.id });
    expect(poller.get(key)?.status).toBe('waiting-for-input');
    expect(sets).toHaveLength(1);

    // The user works in this conversation: it is on screen, so it is polled fast whatever its status.
    poller.setOnScreen(key);
    await server.sendMessage({ serverId: 'srv', id: c.id, version: 'V1' }, 'work for a while [steps=50]');
    sets.length = 0;
    await clock.advance(FAST);
    await poller.tick();
    expect(sets).toHaveLength(1);
    expect(sets[0]!.changed.map((x) => [conversationKey(x), x.status])).toEqual([[key, 'running']]);
    expect(poller.snapshot().get(key)?.status).toBe('running');

    // Nothing changed: the next tick emits nothing.
    sim.setExecutionStatus(c.id, 'running');
    sets.length = 0;
    await clock.advance(FAST);
    await poller.tick();
    expect(sets.flatMap((s) => s.changed).filter((x) => x.status !== 'running')).toEqual([]);
  });

  it('removes a conversation deleted on the server', async () => {
    const clock = new FakeClock(Date.now());
    const { poller, sets } = setup(sim, clock);
    const c = await createConversation(sim);
    await poller.tick();
    await call(`${sim.url}/api/v1/app-conversations/${c.id}`, { method: 'DELETE' });
    poller.setOnScreen(conversationKey({ serverId: 'srv', id: c.id }));
    await clock.advance(FAST);
    await poller.tick();
    expect(sets.at(-1)?.removed).toEqual([conversationKey({ serverId: 'srv', id: c.id })]);
  });
});

describe('StatusPoller at scale: 1,000 conversations, 50 active', () => {
  let sim: Simulator;
  let ids: string[];
  beforeAll(async () => {
    sim = await startSimulator({ stepMs: 2000, rateLimit: false, maxSandboxes: 50 });
    ids = (await sim.world.seedMany(1000, 100)).map((r) => r.id);
  }, 30_000);
  afterAll(async () => {
    await sim.close();
  });

  it('reads active ones in ⌈active/99⌉ requests per tick and refreshes idle ones in ≤ 99-id batches', async () => {
    const clock = new FakeClock(Date.now());
    const { poller } = setup(sim, clock);
    await poller.tick(); // discovery: 10 pages of 100
    expect(poller.list()).toHaveLength(1000);
    for (const id of ids.slice(0, 50)) sim.setExecutionStatus(id, 'running');
    // Idle conversations are read at the slow cadence: within a minute (and a few ticks of backlog) the
    // 50 that started running elsewhere are known.
    await clock.advance(SLOW);
    for (let t = 0; t < 10 && poller.list().filter((c) => c.status === 'running').length < 50; t++) {
      await clock.advance(FAST);
      await poller.tick();
    }
    expect(poller.list().filter((c) => c.status === 'running')).toHaveLength(50);

    const from = sim.requests.length;
    const perTick: number[] = [];
    for (let t = 0; t < 40; t++) {
      const before = sim.requests.length;
      await clock.advance(FAST);
      await poller.tick();
      perTick.push(batches(sim, before).length);
    }
    const sizes = batches(sim, from);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(99);
    // Every tick reads the 50 active ones in one request; idle ones ride along, and only when they fall due
    // all at once does a tick add one more batch.
    expect(perTick).toEqual(perTick.map((n) => Math.min(2, Math.max(1, n))));
    expect(perTick.filter((n) => n === 1).length).toBeGreaterThan(perTick.length / 2);
    // In two simulated minutes every idle conversation was refreshed at least once.
    const refreshed = new Set(
      sim.requests
        .slice(from)
        .filter((r) => r.path === '/api/v1/app-conversations')
        .flatMap((r) => new URL(r.url, 'http://x').searchParams.getAll('ids')),
    );
    // The newest 100 are refreshed by the discovery page (the search answers with live status too).
    const searched = sim.requests
      .slice(from)
      .filter((r) => r.path === '/api/v1/app-conversations/search').length;
    expect(searched).toBeGreaterThanOrEqual(1);
    expect(ids.slice(0, 900).filter((id) => !refreshed.has(id))).toEqual([]);
    // Well under Cloud's 100 requests/minute: 40 ticks = 2 minutes.
    const appRequests = sim.requests.slice(from).filter((r) => r.server === 'app').length;
    expect(appRequests / 2).toBeLessThan(60);
  }, 60_000);

  it('does not storm during a long outage, and catches up without a burst when the server is back', async () => {
    const clock = new FakeClock(Date.now());
    let attempts = 0;
    const counting: typeof fetch = (input, init) => {
      attempts++;
      return fetch(input, init);
    };
    const { poller } = setup(sim, clock, counting);
    await poller.tick();
    await sim.goOffline();
    attempts = 0;
    const minutes = 10;
    for (let t = 0; t < (minutes * 60_000) / FAST; t++) {
      await clock.advance(FAST);
      await poller.tick();
    }
    // One request per probe, the probes at most 10 s apart (7.5 s with this jitter): a bounded trickle of
    // ≈ 8 a minute however long the outage lasts, not one per 3 s tick.
    console.info(`poller: ${attempts} requests in ${minutes} offline minutes (fake clock)`);
    expect(attempts).toBeLessThanOrEqual((minutes * 60_000) / 7500 + 2);
    expect(attempts).toBeGreaterThanOrEqual((minutes * 60_000) / 10_000);
    await sim.comeBack();
    const from = sim.requests.length;
    poller.refreshNow();
    await poller.tick();
    // One batch for the ones due fast (none here) plus one backlog batch and the discovery page: no burst.
    expect(sim.requests.slice(from).filter((r) => r.server === 'app').length).toBeLessThanOrEqual(3);
  }, 60_000);

  // Regression (issue 15, finding 9): the backoff grew to 5 minutes, so after a 90 s outage the server
  // stayed Offline for over a minute after it was back.
  it('after a 90 s outage the server is seen back within 10 s of coming back', async () => {
    const clock = new FakeClock(Date.now());
    const results: { at: number; ok: boolean }[] = [];
    const { poller } = setup(sim, clock, fetch, (_id, error) =>
      results.push({ at: clock.now(), ok: error === null }),
    );
    await poller.tick();
    await sim.goOffline();
    for (let t = 0; t < 90_000 / FAST; t++) {
      await clock.advance(FAST);
      await poller.tick();
    }
    expect(results.at(-1)?.ok).toBe(false);
    await sim.comeBack();
    const back = clock.now();
    for (let t = 0; t < 20 && !results.at(-1)?.ok; t++) {
      await clock.advance(FAST);
      await poller.tick();
    }
    const seen = results.find((r) => r.ok && r.at > back);
    expect(seen, 'the poller heard from the server again').toBeDefined();
    // Within the 10 s cap, plus the tick it is noticed on.
    expect(seen!.at - back).toBeLessThanOrEqual(10_000 + FAST);
  }, 60_000);
});
