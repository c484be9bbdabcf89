import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AgentServerClient } from '../../src/main/api/agent-server-client';
import { HttpClient } from '../../src/main/api/http-client';
import { EventStore } from '../../src/main/live/event-store';
import { ConversationStream, type ConversationStreamOptions } from '../../src/main/live/event-stream';
import type { ConversationRef } from '../../src/shared/conversations';
import { FAST_RETRY, makeServer, type TestServer } from '../api/support';
import { startSimulator } from '../simulator/simulator';
import { useSimulator, waitFor } from '../support/sim';
import {
  expectNoSecrets,
  expectSameEventSet,
  ids,
  record,
  resolverOf,
  restEvents,
  sandboxOf,
  socketRequests,
  waitForState,
  waitForStatus,
} from './support';

// A ConversationStream against the simulator over loopback, in real time (short delays).

const sim = useSimulator({ stepMs: 10, maxSandboxes: 50 });
let server: TestServer;
const streams: ConversationStream[] = [];
const seenKeys = new Set<string>();

beforeAll(() => {
  server = makeServer(sim().url);
});

afterEach(async () => {
  await Promise.all(streams.splice(0).map((s) => s.close()));
  expectNoSecrets(server.log.lines, [...seenKeys]);
});

/** Counts events offered to the store that it already had: the duplicates the stream absorbed. */
class CountingStore extends EventStore {
  duplicates = 0;
  override add(key: string, events: Parameters<EventStore['add']>[1]): ReturnType<EventStore['add']> {
    this.duplicates += events.filter((e) => this.has(key, e.id)).length;
    return super.add(key, events);
  }
}

async function newConversation(message?: string): Promise<ConversationRef> {
  const ref = await server.createConversation(message ? { initialMessage: message } : {});
  const agent = await server.agent(ref.id);
  seenKeys.add(agent.target.sessionApiKey);
  return ref;
}

function openStream(ref: ConversationRef, options: Partial<ConversationStreamOptions> = {}) {
  const resolve = resolverOf(server, ref.id);
  const stream = new ConversationStream({
    conversationId: ref.id,
    resolve,
    logger: server.log,
    initialBackoffMs: 50,
    maxBackoffMs: 400,
    ...options,
  });
  streams.push(stream);
  const recorded = record(stream);
  stream.start();
  return { stream, recorded, resolve };
}

describe('ConversationStream', () => {
  it('reports a status change from a message as it happens, without a poll', async () => {
    const ref = await newConversation();
    const { stream, recorded, resolve } = openStream(ref);
    await waitForState(stream, 'live');
    expect(recorded.statuses).toEqual(['idle']); // from the full_state snapshot
    expect(recorded.states.map((s) => s.state)).toEqual(['connecting', 'live']);

    const from = sim().requests.length;
    const sent = Date.now();
    await server.sendMessage(ref, 'Say hello [steps=3]');
    await waitForStatus(recorded, 'finished');
    const latency = Date.now() - sent;
    console.info(`status running → finished over the socket ${latency} ms after the message was sent`);

    expect(recorded.statuses).toEqual(['idle', 'running', 'finished']);
    // Nothing asked the app server in between: the change came over the socket, not from a poll.
    const appCalls = sim()
      .requests.slice(from)
      .filter((r) => r.server === 'app');
    expect(appCalls).toEqual([]);
    expect(resolve.calls).toHaveLength(1);
    expect(stream.status).toBe('finished');
  });

  it('delivers each event once across the full_state, the REST catch-up and the live overlap', async () => {
    // Running while the stream connects: live events interleave with the first REST page.
    const ref = await newConversation('Busy work [steps=25]');
    const store = new CountingStore();
    // Slow REST answers: socket events pile up while the first page is on its way, and that page has them too.
    sim().faults.set('agent', { latencyMs: 120 });
    let recorded: ReturnType<typeof record>;
    let stream: ConversationStream;
    try {
      ({ stream, recorded } = openStream(ref, { store }));
      await waitForStatus(recorded, 'finished', 8000);
    } finally {
      sim().faults.reset();
    }
    const rest = await restEvents(server, ref);
    expect(rest.length).toBeGreaterThan(50);
    expectSameEventSet(recorded.events, rest);
    // The store holds the same log in the server's order; no full_state snapshot in it.
    expect(ids(stream.events())).toEqual(ids(rest));
    expect(stream.events().some((e) => e.key === 'full_state')).toBe(false);
    expect(store.duplicates).toBeGreaterThan(0);
    console.info(`overlap: ${rest.length} events delivered once, ${store.duplicates} duplicate(s) absorbed`);
    // No replay was asked of the socket: history came over REST.
    const socket = socketRequests(sim()).find((r) => r.path.endsWith(ref.id));
    expect(socket?.url).not.toContain('resend');
    // The key went in the first frame (agent server ≥ 1.18.1): neither in the URL nor in a header.
    expect(socket?.url).not.toContain('session_api_key');
    expect(socket?.headers['x-session-api-key']).toBeUndefined();
    expect(socket?.status).toBe(101);
  });

  it('reconnects after dropped sockets mid-run and ends with exactly the REST event set', async () => {
    const ref = await newConversation();
    const store = new CountingStore();
    const { stream, recorded } = openStream(ref, { store });
    await waitForState(stream, 'live');
    const from = sim().requests.length;
    await server.sendMessage(ref, 'Long job [steps=30]');

    await waitFor(() => recorded.events.length >= 10 || undefined, 5000, '10 events');
    sim().dropSockets();
    await waitFor(() => recorded.states.some((s) => s.state === 'reconnecting') || undefined);
    await waitForState(stream, 'live');
    await waitFor(() => recorded.events.length >= 40 || undefined, 5000, '40 events');
    sim().dropSockets();
    await waitForStatus(recorded, 'finished', 8000);
    await waitForState(stream, 'live');

    const rest = await restEvents(server, ref);
    expectSameEventSet(recorded.events, rest);
    expect(ids(stream.events())).toEqual(ids(rest));
    const sockets = socketRequests(sim(), from);
    expect(sockets.length).toBeGreaterThanOrEqual(2);
    expect(sockets.every((r) => r.status === 101)).toBe(true);
    // The inclusive `timestamp__gte` bound hands back at least the newest known event on each reconnect.
    expect(store.duplicates).toBeGreaterThanOrEqual(2);
    const reconnectDelays = recorded.states.flatMap((s) => (s.detail.retryInMs ? [s.detail.retryInMs] : []));
    console.info(
      `dropped twice mid-run: ${sockets.length} sockets (delays ${reconnectDelays.join(', ')} ms), ${rest.length} events, none lost or repeated, ${store.duplicates} duplicate(s) absorbed`,
    );
  });

  it('recovers from a rotated session key by fetching it again', async () => {
    const ref = await newConversation();
    const { stream, recorded, resolve } = openStream(ref);
    await waitForState(stream, 'live');
    const newKey = sim().rotateSessionKey(sandboxOf(sim(), ref));
    seenKeys.add(newKey);
    const from = sim().requests.length;
    sim().dropSockets(); // the open socket survives a rotation; a new one needs the new key
    await waitFor(() => socketRequests(sim(), from).some((r) => r.status === 101) || undefined);
    await waitForState(stream, 'live');

    // First-frame auth: the old key is refused after the handshake (4001), then the new one is fetched.
    expect(socketRequests(sim(), from).map((r) => r.status)).toEqual([101, 101]);
    expect(resolve.calls.at(-1)?.refresh).toBe(true);
    // Still live: a message's status change arrives.
    await server.sendMessage(ref, 'After rotation');
    await waitForStatus(recorded, 'finished');
  });

  it('stops for good when the key is refused again after a refresh', async () => {
    const ref = await newConversation();
    const real = await server.agent(ref.id);
    const calls: boolean[] = [];
    const stream = new ConversationStream({
      conversationId: ref.id,
      resolve: (refresh) => {
        calls.push(refresh);
        return Promise.resolve(
          new AgentServerClient(new HttpClient({ retry: FAST_RETRY }), {
            ...real.target,
            sessionApiKey: 'wrong-key-0123456789',
          }),
        );
      },
      logger: server.log,
      initialBackoffMs: 50,
    });
    streams.push(stream);
    const recorded = record(stream);
    stream.start();
    await waitForState(stream, 'stopped');
    expect(calls).toEqual([false, true]);
    expect(recorded.states.at(-1)?.detail.stopReason).toBe('unauthorized');
    expectNoSecrets(server.log.lines, ['wrong-key-0123456789']);
  });

  it('makes a new socket on resume even though the old one is open', async () => {
    const ref = await newConversation();
    const { stream, recorded } = openStream(ref);
    await waitForState(stream, 'live');
    const agent = sim().world.sandboxes.get(sandboxOf(sim(), ref))!.agent;
    expect(agent.openSocketCount).toBe(1);
    const from = sim().requests.length;

    stream.onResume();
    await waitFor(() => socketRequests(sim(), from).length === 1 || undefined);
    await waitForState(stream, 'live');
    expect(socketRequests(sim(), from).map((r) => r.status)).toEqual([101]);
    await waitFor(() => agent.openSocketCount === 1 || undefined); // the old one was closed, not leaked
    expect(stream.connectionCount).toBe(2);
    // No backoff was waited: resume reconnects at once.
    expect(recorded.states.some((s) => s.detail.retryInMs !== undefined)).toBe(false);
  });

  it('stops when the agent server says the conversation is gone (4004)', async () => {
    const ref = await newConversation();
    const { stream, recorded } = openStream(ref);
    await waitForState(stream, 'live');
    const from = sim().requests.length;
    sim().world.sandboxes.get(sandboxOf(sim(), ref))!.agent.remove(ref.id);
    sim().dropSockets();
    await waitForState(stream, 'stopped');
    expect(recorded.states.at(-1)?.detail.stopReason).toBe('conversation-gone');
    const attempts = socketRequests(sim(), from).length;
    await new Promise((r) => setTimeout(r, 300));
    expect(socketRequests(sim(), from)).toHaveLength(attempts); // no more tries
  });

  it('shares a bounded store: a second stream on the same key adds nothing twice', async () => {
    const ref = await newConversation('First run [steps=5]');
    const store = new EventStore({ maxEventsPerConversation: 2000 });
    const a = openStream(ref, { store });
    await waitForStatus(a.recorded, 'finished');
    // The status frame can overtake events still being merged with the REST catch-up: wait for those too.
    const firstRun = await restEvents(server, ref);
    await waitFor(
      () => firstRun.every((e) => a.recorded.events.some((x) => x.id === e.id)),
      5000,
      'first run delivered',
    );
    await a.stream.close();
    const b = openStream(ref, { store });
    await waitForState(b.stream, 'live');
    expect(b.recorded.events).toEqual([]); // reconciliation found nothing new
    await server.sendMessage(ref, 'Second run');
    await waitForStatus(b.recorded, 'finished');
    expectSameEventSet([...a.recorded.events, ...b.recorded.events], await restEvents(server, ref));
  });
});

describe('ConversationStream on an agent server older than 1.12', () => {
  it('falls back to the query key after a header refusal', async () => {
    const old = await startSimulator({ stepMs: 10, rateLimit: false, agentVersion: '1.3.0' });
    const oldServer = makeServer(old.url);
    try {
      const ref = await oldServer.createConversation({});
      const key = (await oldServer.agent(ref.id)).target.sessionApiKey;
      const stream = new ConversationStream({
        conversationId: ref.id,
        resolve: resolverOf(oldServer, ref.id),
        logger: oldServer.log,
        initialBackoffMs: 50,
      });
      streams.push(stream);
      const recorded = record(stream);
      stream.start();
      await waitForState(stream, 'live');
      const sockets = socketRequests(old);
      expect(sockets.map((r) => r.status)).toEqual([403, 101]);
      expect(sockets[1]?.url).toContain('session_api_key=');
      expect(old.requests.some((r) => r.path === '/server_info')).toBe(true);
      await oldServer.sendMessage(ref, 'hello');
      await waitForStatus(recorded, 'finished');
      expectNoSecrets(oldServer.log.lines, [key]);
    } finally {
      await Promise.all(streams.splice(0).map((s) => s.close()));
      await old.close();
    }
  });
});
