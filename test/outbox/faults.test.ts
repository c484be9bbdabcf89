import { describe, expect, it } from 'vitest';
import { FakeClock } from '../support/fake-clock';
import {
  newConversation,
  openOutbox,
  simServer,
  throughDroppingProxy,
  useOutboxWorld,
  userMessages,
} from './support';

const { sim, journal } = useOutboxWorld();

const sendsTo = (id: string) => (r: { server: string; method: string; path: string }) =>
  r.server === 'agent' && r.method === 'POST' && r.path.replace(/-/g, '').endsWith(`${id}/events`);

describe('outbox retries', () => {
  it('retries 429 bursts and 5xx answers and delivers each message once', async () => {
    const server = simServer(sim());
    const ref = await newConversation(sim());
    await server.agent(ref.id);
    const h = await openOutbox(journal(), server);
    sim().faults.burst429(3, 0, 'agent');
    sim().faults.override({
      server: 'agent',
      method: 'POST',
      path: /\/events$/,
      kind: 'status',
      status: 503,
      body: { detail: 'busy' },
      times: 2,
    });
    const a = await h.outbox.enqueue({ kind: 'send', ref, text: 'first through the storm' });
    const b = await h.outbox.enqueue({ kind: 'send', ref, text: 'second through the storm' });
    await h.until(b.id, ['done', 'failed']);
    expect((await h.until(a.id, ['done'])).state).toBe('done');
    expect(h.changes.some((c) => c.id === a.id && c.error?.kind === 'rate-limited')).toBe(true);
    expect(await userMessages(server, ref)).toEqual(['first through the storm', 'second through the storm']);
    await h.close();
  });

  it('waits at least Retry-After before trying again (fake clock)', async () => {
    const clock = new FakeClock(Date.now());
    const server = simServer(sim());
    const ref = await newConversation(sim());
    await server.agent(ref.id);
    const h = await openOutbox(journal(), server, { clock, backoffBaseMs: 100 });
    sim().faults.override({
      server: 'agent',
      method: 'POST',
      path: /\/events$/,
      kind: 'status',
      status: 429,
      body: { message: 'Too many requests' },
      headers: { 'retry-after': '30' },
      times: 1,
    });
    sim().clearRequests();
    const item = await h.outbox.enqueue({ kind: 'send', ref, text: 'patience' });
    // The first attempt is refused with Retry-After: 30.
    const waiting = await waitForView(() => h.changes.filter((c) => c.id === item.id && c.error).at(-1));
    expect(waiting.error?.kind).toBe('rate-limited');
    expect(waiting.nextAttemptAt).toBe(clock.now() + 30_000);
    await clock.advance(29_000);
    expect(sim().requests.filter(sendsTo(ref.id))).toHaveLength(1);
    await clock.advance(1_000);
    await h.until(item.id, ['done']);
    expect(sim().requests.filter(sendsTo(ref.id))).toHaveLength(2);
    expect(await userMessages(server, ref)).toEqual(['patience']);
    await h.close();
  });
});

describe('outbox refusals', () => {
  it.each([
    [404, 'not-found', 'Conversation not found: gone'],
    [403, 'forbidden', 'You may not'],
    [409, 'conflict', 'Conversation already busy'],
  ])(
    '%i fails at once with the server reason; the lane waits; retry then cancel',
    async (status, kind, detail) => {
      const server = simServer(sim());
      const ref = await newConversation(sim());
      await server.agent(ref.id);
      const h = await openOutbox(journal(), server);
      sim().faults.override({
        server: 'agent',
        method: 'POST',
        path: /\/events$/,
        kind: 'status',
        status,
        body: { detail },
        times: 2,
      });
      const refused = await h.outbox.enqueue({ kind: 'send', ref, text: 'refused' });
      const behind = await h.outbox.enqueue({ kind: 'send', ref, text: 'behind it' });
      const failed = await h.until(refused.id, ['failed']);
      expect(failed.attempts).toBe(1);
      expect(failed.error).toMatchObject({ kind, status });
      expect(failed.error?.message).toContain(detail);
      expect(failed.canRetry && failed.canCancel).toBe(true);
      // FIFO: the next message does not overtake the failed one.
      await new Promise((r) => setTimeout(r, 100));
      expect(h.outbox.list().find((v) => v.id === behind.id)?.state).toBe('queued');

      expect(await h.outbox.retry(refused.id)).toBe(true);
      const again = await h.until(refused.id, ['failed']);
      expect(again.attempts).toBe(2);
      expect(await h.outbox.cancel(refused.id)).toBe(true);
      await h.until(behind.id, ['done']);
      expect(h.changes.filter((c) => c.id === refused.id).at(-1)?.state).toBe('cancelled');
      expect(await userMessages(server, ref)).toEqual(['behind it']);
      await h.close();
    },
  );
});

describe('uncertain sends', () => {
  it('response lost after the server stored the message: reconciled, not resent', async () => {
    await throughDroppingProxy(sim(), journal(), async ({ proxy, server, ref, h }) => {
      sim().clearRequests();
      proxy.dropNext((m, p) => m === 'POST' && p.endsWith('/events'), 'after');
      const item = await h.outbox.enqueue({ kind: 'send', ref, text: 'did this arrive?' });
      const done = await h.until(item.id, ['done']);
      expect(h.changes.filter((c) => c.id === item.id).map((c) => c.state)).toContain('uncertain');
      expect(done.state).toBe('done');
      expect(proxy.dropped).toBe(1);
      expect(sim().requests.filter(sendsTo(ref.id))).toHaveLength(1);
      expect(sim().requests.some((r) => r.path.endsWith('/events/search'))).toBe(true);
      expect(await userMessages(server, ref)).toEqual(['did this arrive?']);
      await h.close();
    });
  });

  it('request lost before reaching the server: reconciliation finds nothing, sent again once', async () => {
    await throughDroppingProxy(sim(), journal(), async ({ proxy, server, ref, h }) => {
      sim().clearRequests();
      proxy.dropNext((m, p) => m === 'POST' && p.endsWith('/events'), 'before');
      const item = await h.outbox.enqueue({ kind: 'send', ref, text: 'lost on the way' });
      const done = await h.until(item.id, ['done']);
      expect(h.changes.filter((c) => c.id === item.id).map((c) => c.state)).toContain('uncertain');
      expect(done.attempts).toBe(2);
      expect(sim().requests.filter(sendsTo(ref.id))).toHaveLength(1);
      expect(await userMessages(server, ref)).toEqual(['lost on the way']);
      await h.close();
    });
  });
});

async function waitForView<T>(get: () => T | undefined): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const value = get();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
