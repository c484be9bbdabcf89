import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/main/api/http-client';
import { OpenHandsServer } from '../../src/main/api/openhands-server';
import { StatusPoller } from '../../src/main/live/status-poller';
import { MemoryLogger } from '../../src/main/logger';
import { startSimulator, type Simulator } from '../simulator/simulator';
import { FakeClock } from '../support/fake-clock';

const SLOW = 60_000;

// Regression guard (issue 15.5): after the first full listing, discovery read only the newest page, so of
// 10,000 conversations created elsewhere while the app ran only 100 ever appeared.
describe('discovery after the first listing', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ stepMs: 10, rateLimit: false });
  });
  afterAll(() => sim.close());

  it('finds every conversation created elsewhere within one idle cadence, however many arrive', async () => {
    // Five from an hour ago; the 450 below are created after them (seedMany spreads them over the last minutes).
    for (let i = 0; i < 5; i++) await sim.seedConversation({ createdAt: Date.now() - 3_600_000 + i * 1000 });
    const clock = new FakeClock(Date.now());
    const server = new OpenHandsServer(
      new HttpClient({ retry: { attempts: 1, baseDelayMs: 10, maxDelayMs: 10, maxRetryAfterMs: 1000 } }),
      { id: 'srv', baseUrl: sim.url, apiKey: () => Promise.resolve(undefined) },
    );
    const poller = new StatusPoller(() => [server], {
      clock,
      fastMs: 3000,
      slowMs: SLOW,
      random: () => 0.5,
      logger: new MemoryLogger(),
    });
    await poller.tick();
    expect(poller.snapshot().size).toBe(5);

    await sim.world.seedMany(450);
    const from = sim.requests.length;
    await clock.advance(SLOW);
    await poller.tick();
    expect(poller.snapshot().size).toBe(455);
    // Five pages of new ones, then the page that reaches known ones: not the whole list again.
    const listings = sim.requests.slice(from).filter((r) => r.path === '/api/v1/app-conversations/search');
    expect(listings).toHaveLength(5);

    // Nothing new: one page.
    const again = sim.requests.length;
    await clock.advance(SLOW);
    await poller.tick();
    expect(
      sim.requests.slice(again).filter((r) => r.path === '/api/v1/app-conversations/search'),
    ).toHaveLength(1);
  });
});
