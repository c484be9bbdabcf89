import { describe, expect, it } from 'vitest';
import type { ConversationRef } from '../../src/shared/conversations';
import type { OutboxAction } from '../../src/shared/outbox';
import { SystemEventEmitter } from '../../src/main/system-events';
import { newConversation, openOutbox, simServer, useOutboxWorld, userMessages } from './support';

const { sim, journal } = useOutboxWorld();

/** Ten actions for one conversation: five messages between renames and agent pauses/resumes. */
function actionsFor(ref: ConversationRef, n: number): OutboxAction[] {
  const send = (i: number): OutboxAction => ({ kind: 'send', ref, text: `conv ${n} message ${i}` });
  return [
    send(1),
    { kind: 'rename', ref, title: `Conversation ${n} first title` },
    send(2),
    { kind: 'pause-agent', ref },
    send(3),
    { kind: 'resume-agent', ref },
    send(4),
    { kind: 'rename', ref, title: `Conversation ${n} final title` },
    send(5),
    { kind: 'pause-agent', ref },
  ];
}

/** What each action looks like in the simulator's request log (successful requests only). */
function expectedRequests(n: number): string[] {
  void n;
  return [
    'POST events',
    'PATCH',
    'POST events',
    'POST pause',
    'POST events',
    'POST run',
    'POST events',
    'PATCH',
    'POST events',
    'POST pause',
  ];
}

describe('outbox drain after an outage', () => {
  it('holds 30 actions across 3 conversations while offline and delivers each once, in order, when back', async () => {
    const server = simServer(sim());
    const refs = [await newConversation(sim()), await newConversation(sim()), await newConversation(sim())];
    // Know the agents before the outage (as the app would, having shown these conversations).
    for (const ref of refs) await server.agent(ref.id);
    const events = new SystemEventEmitter({ online: true });
    // A long probe backoff: the drain below is started by the `online` event, not by a timer.
    const h = await openOutbox(journal(), server, {
      systemEvents: events,
      backoffBaseMs: 5_000,
      backoffMaxMs: 5_000,
    });
    await sim().goOffline();
    events.setOnline(false);
    sim().clearRequests();

    const all = refs.flatMap((ref, n) => actionsFor(ref, n));
    // Interleave the conversations as a user would.
    const order = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((i) => [all[i], all[10 + i], all[20 + i]]);
    const views = [];
    for (const action of order) views.push(await h.outbox.enqueue(action!));
    expect(views.every((v) => v.state === 'queued')).toBe(true);
    expect(h.outbox.list()).toHaveLength(30);

    // The first attempt finds the server down; everything waits.
    await h.until(views[0]!.id, ['queued', 'uncertain'], 5_000);
    await waitUntil(() => h.outbox.list().some((v) => v.waiting === 'offline'));
    expect(h.outbox.list().filter((v) => v.state === 'failed')).toHaveLength(0);

    await sim().comeBack();
    const started = Date.now();
    events.setOnline(true);
    await waitUntil(() => h.outbox.list().length === 0, 15_000);
    const drainMs = Date.now() - started;
    // No burst: never more items in flight than the concurrency cap (4).
    const inFlight = new Set<string>();
    let peak = 0;
    for (const c of h.changes) {
      if (c.state === 'sending') inFlight.add(c.id);
      else inFlight.delete(c.id);
      peak = Math.max(peak, inFlight.size);
    }
    expect(peak).toBeLessThanOrEqual(4);
    const peakPerSecond = (server: 'app' | 'agent'): number => {
      const sent = sim().requests.filter((r) => r.status !== undefined && r.server === server);
      return Math.max(0, ...sent.map((r) => sent.filter((x) => x.at >= r.at && x.at < r.at + 1000).length));
    };
    // The app server is rate limited (§7) and the client's budget keeps us under it; agent servers are not.
    const appPeak = peakPerSecond('app');
    expect(appPeak).toBeLessThanOrEqual(10);
    console.log(
      `outbox drain: 30 actions over 3 conversations delivered in ${drainMs} ms after coming back; ` +
        `at most ${peak} in flight; peak ${appPeak} app-server and ${peakPerSecond('agent')} agent-server requests/s`,
    );
    expect(h.changes.filter((c) => c.state === 'done')).toHaveLength(30);
    expect(h.changes.filter((c) => c.state === 'failed')).toHaveLength(0);

    for (const [n, ref] of refs.entries()) {
      // The agent's log: each message once, in order.
      expect(await userMessages(server, ref)).toEqual([1, 2, 3, 4, 5].map((i) => `conv ${n} message ${i}`));
      // The requests, in order (agent-server POSTs and the app server's rename; a run that finds the agent already running answers 409, which counts as done).
      const hex = ref.id.replace(/-/g, '');
      const seen = sim()
        .requests.filter((r) => r.status !== undefined && (r.status < 300 || r.status === 409))
        .filter((r) => r.path.replace(/-/g, '').includes(hex))
        .filter(
          (r) =>
            (r.server === 'agent' && r.method === 'POST') || (r.server === 'app' && r.method === 'PATCH'),
        )
        .map((r) => (r.method === 'PATCH' ? 'PATCH' : `POST ${r.path.split('/').at(-1) ?? ''}`));
      expect(seen).toEqual(expectedRequests(n));
    }
    await h.close();
  });
});

async function waitUntil(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
