// An outage with reset connections must cost a bounded trickle of requests (issue 15, finding 7: each
// uncertain send used to be re-checked about once a second forever, 376–417 requests/min with 30 queued).
// Ten simulated minutes on a fake clock, with the app's own retry policy and backoff defaults.
import { describe, expect, it } from 'vitest';
import type { ConversationRef } from '../../src/shared/conversations';
import { FakeClock } from '../support/fake-clock';
import {
  fakeTimeServer,
  newConversation,
  openOutbox,
  SERVER_ID,
  useOutboxWorld,
  userMessages,
} from './support';

const { sim, journal } = useOutboxWorld();

const MINUTE = 60_000;

describe('an outage with reset connections', () => {
  it('30 queued sends, 10 simulated minutes: under 60 requests a minute, then each delivered once', async () => {
    const clock = new FakeClock(Date.now());
    const { server, run } = fakeTimeServer(sim(), clock);
    const refs: ConversationRef[] = [];
    for (let i = 0; i < 5; i++) refs.push(await newConversation(sim()));
    // The server's request budget runs on the fake clock too: time moves while the agents are looked up.
    let known = false;
    const lookups = Promise.all(refs.map((ref) => server.agent(ref.id))).finally(() => (known = true));
    while (!known) await clock.advance(100);
    await lookups;
    // The outbox's own defaults (1 s doubling to 60 s), with the shortest jitter: the most requests.
    const h = await openOutbox(journal(), server, {
      clock,
      backoffBaseMs: 1000,
      backoffMaxMs: 60_000,
      random: () => 0,
    });

    sim().clearRequests();
    // First the messages' connections are reset (so sends go uncertain), then everything is.
    sim().faults.override({ server: 'agent', method: 'POST', path: /\/events$/, kind: 'reset' });
    const items = [];
    for (let n = 0; n < 6; n++)
      for (const [c, ref] of refs.entries())
        items.push(await h.outbox.enqueue({ kind: 'send', ref, text: `conversation ${c} message ${n}` }));
    const perMinute: number[] = [];
    let before = 0;
    for (let minute = 0; minute < 10; minute++) {
      if (minute === 0) {
        await run(30_000);
        sim().faults.set('all', { dropRate: 1 });
        await run(30_000);
      } else await run(MINUTE);
      perMinute.push(sim().requests.length - before);
      before = sim().requests.length;
    }
    expect(h.changes.some((c) => c.state === 'uncertain')).toBe(true);
    expect(h.changes.filter((c) => c.state === 'done')).toHaveLength(0);

    sim().faults.reset();
    const deadline = clock.now() + 30 * MINUTE;
    while (h.outbox.list().length > 0 && clock.now() < deadline) await run(1000);
    const after = sim().requests.length - before;
    console.log(
      `outbox outage: requests per simulated minute during 10 min of resets (30 queued): ${perMinute.join(', ')} ` +
        `(max ${Math.max(...perMinute)}); ${after} requests to deliver all 30 after it`,
    );
    for (const count of perMinute) expect(count).toBeLessThan(60);
    expect(h.outbox.list()).toEqual([]);
    for (const item of items) expect(h.changes.filter((c) => c.id === item.id).at(-1)?.state).toBe('done');
    for (const [c, ref] of refs.entries())
      expect(await userMessages(server, ref)).toEqual(
        Array.from({ length: 6 }, (_, n) => `conversation ${c} message ${n}`),
      );
    await h.close();
  }, 120_000);
});

// Issue 15, finding 9: after an outage the server stayed Offline (and its queue waiting) long after it was
// back, for the whole of a backoff grown during the outage. The status poller now tells the outbox.
describe('a server the status poller hears from again', () => {
  it('is probed at once, and nudges never bring probes closer than 15 s apart', async () => {
    const clock = new FakeClock(Date.now());
    const { server, run } = fakeTimeServer(sim(), clock);
    const ref = await newConversation(sim());
    const h = await openOutbox(journal(), server, {
      clock,
      backoffBaseMs: 1000,
      backoffMaxMs: 60_000,
      random: () => 1,
    });
    await sim().goOffline();
    const item = await h.outbox.enqueue({ kind: 'send', ref, text: 'sent after the outage' });
    // Three minutes down: the probe backoff has grown to its 60 s cap.
    await run(3 * MINUTE);
    expect(h.outbox.list()[0]?.state).not.toBe('done');

    // Nudged every second while still down: one probe per 15 s at most (each failed probe is one view of
    // the item), where its own 60 s backoff alone would have made one.
    const viewsBefore = h.changes.length;
    for (let s = 0; s < 60; s++) {
      h.outbox.serverAnswered(SERVER_ID);
      await run(1000);
    }
    const probes = h.changes.length - viewsBefore;
    console.log(`outbox nudges: ${probes} probes in 60 s of nudges every second (server down)`);
    expect(probes).toBeGreaterThanOrEqual(3);
    expect(probes).toBeLessThanOrEqual(5);

    await sim().comeBack();
    const back = clock.now();
    h.outbox.serverAnswered(SERVER_ID);
    while (h.changes.filter((c) => c.id === item.id).at(-1)?.state !== 'done' && clock.now() - back < MINUTE)
      await run(500);
    expect(h.changes.filter((c) => c.id === item.id).at(-1)?.state).toBe('done');
    // Delivered within the nudge gap, not at the end of a 60 s backoff.
    expect(clock.now() - back).toBeLessThanOrEqual(15_000 + 1000);
    expect(await userMessages(server, ref)).toEqual(['sent after the outage']);
    await h.close();
  }, 120_000);
});
