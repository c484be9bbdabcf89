import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/main/api/http-client';
import { OpenHandsServer } from '../../src/main/api/openhands-server';
import { StatusPoller } from '../../src/main/live/status-poller';
import { MemoryLogger } from '../../src/main/logger';
import { conversationKey, type StatusChangeSet } from '../../src/shared/live';
import { startSimulator, type Simulator } from '../simulator/simulator';
import { createConversation, waitFor } from '../support/sim';

/** Real timers, short cadences: the poller's own scheduling, sleep and live updates. */
describe('StatusPoller lifecycle', () => {
  let sim: Simulator;
  let poller: StatusPoller;
  const sets: StatusChangeSet[] = [];
  beforeAll(async () => {
    sim = await startSimulator({ stepMs: 10, rateLimit: false });
    const server = new OpenHandsServer(new HttpClient(), {
      id: 's',
      baseUrl: sim.url,
      apiKey: () => Promise.resolve(undefined),
    });
    poller = new StatusPoller(() => [server], { fastMs: 60, slowMs: 60, logger: new MemoryLogger() });
    poller.onChange((s) => sets.push(s));
  });
  afterAll(async () => {
    poller.stop();
    await sim.close();
  });

  it('polls on its own, stops while suspended, and refreshes at once on resume', async () => {
    const c = await createConversation(sim);
    poller.start();
    const key = conversationKey({ serverId: 's', id: c.id });
    await waitFor(() => poller.get(key), 5000, 'discovery');

    poller.suspend();
    await new Promise((r) => setTimeout(r, 100)); // let a tick in flight finish
    const during = sim.requests.length;
    await new Promise((r) => setTimeout(r, 400));
    expect(sim.requests.length).toBe(during);

    sim.setExecutionStatus(c.id, 'waiting_for_confirmation');
    poller.resume();
    await waitFor(() => poller.get(key)?.status === 'needs-confirmation', 3000, 'status after resume');
    expect(sim.requests.length).toBeGreaterThan(during);
  });

  it('applies a status from a live socket at once, as its own small change set', async () => {
    const c = await createConversation(sim);
    const key = conversationKey({ serverId: 's', id: c.id });
    await waitFor(() => poller.get(key), 5000, 'discovery');
    poller.stop();
    sets.length = 0;
    poller.applyLiveStatus(key, 'running');
    poller.applyLiveStatus(key, 'finished');
    await waitFor(() => sets.length > 0, 1000, 'live change set');
    expect(sets).toHaveLength(1);
    expect(sets[0]!.changed.map((x) => x.status)).toEqual(['finished']);
    expect(poller.get(key)?.status).toBe('finished');
    // An unchanged status emits nothing.
    poller.applyLiveStatus(key, 'finished');
    await new Promise((r) => setTimeout(r, 60));
    expect(sets).toHaveLength(1);
  });
});
