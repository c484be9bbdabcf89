import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentEvent } from '../../src/main/api/schemas/agent-server';
import type { StreamStatus } from '../../src/main/live/event-stream';
import { StreamManager } from '../../src/main/live/stream-manager';
import type { ConversationRef } from '../../src/shared/conversations';
import { conversationKey } from '../../src/shared/live';
import { makeServer, type TestServer } from '../api/support';
import { useSimulator, waitFor } from '../support/sim';
import { ids, restEvents, sandboxOf, socketRequests } from './support';

const sim = useSimulator({ stepMs: 10, maxSandboxes: 50 });
let server: TestServer;
const managers: StreamManager[] = [];
let conversations: ConversationRef[] = [];

beforeAll(async () => {
  server = makeServer(sim().url);
  conversations = await Promise.all([1, 2, 3, 4].map(() => server.createConversation({})));
});

afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.close()));
});

function manager(maxBackground = 2): StreamManager {
  const m = new StreamManager({
    resolverFor: (ref) => (refresh, signal) =>
      server.agent(ref.id, { refresh, ...(signal ? { signal } : {}) }),
    maxBackground,
    logger: server.log,
    stream: { initialBackoffMs: 50 },
  });
  managers.push(m);
  return m;
}

const key = (ref: ConversationRef): string => conversationKey(ref);

function allLive(m: StreamManager, refs: ConversationRef[]): Promise<true> {
  return waitFor(() => refs.every((r) => m.stream(r)?.state === 'live') || undefined, 5000, 'streams live');
}

describe('StreamManager', () => {
  it('streams the focused conversation plus up to the cap of running ones, closing the least recent', async () => {
    const [a, b, c, d] = conversations as [
      ConversationRef,
      ConversationRef,
      ConversationRef,
      ConversationRef,
    ];
    const m = manager(2);
    m.focus(a);
    m.watchRunning([b, c, d]);
    expect(m.streamedKeys()).toEqual([key(a), key(b), key(c)]); // d waits for a slot
    await allLive(m, [a, b, c]);

    // Focusing a background stream reuses its socket; the old focus is not running, so it closes.
    const streamB = m.stream(b)!;
    const streamA = m.stream(a)!;
    m.focus(b);
    expect(m.stream(b)).toBe(streamB);
    expect(streamB.connectionCount).toBe(1);
    await waitFor(() => streamA.state === 'stopped' || undefined);
    expect(m.streamedKeys()).toEqual([key(b), key(c), key(d)]); // the freed slot went to d
    await allLive(m, [b, c, d]);

    // Leaving b, which still runs: it becomes the most recent background stream; c, the least recent, closes.
    const streamC = m.stream(c)!;
    m.focus(null);
    expect(m.streamedKeys()).toEqual([key(d), key(b)]);
    await waitFor(() => streamC.state === 'stopped' || undefined);

    // b finished: its stream closes and c, still running and waiting, gets the slot back.
    m.watchRunning([c, d]);
    expect(m.streamedKeys().sort()).toEqual([key(c), key(d)].sort());
    await waitFor(() => streamB.state === 'stopped' || undefined);
    await allLive(m, [c, d]);
  });

  it('reports status and events with the conversation key, and fans resume out to every stream', async () => {
    const [a, b] = conversations as [ConversationRef, ConversationRef];
    const m = manager(5);
    const statuses: [string, StreamStatus][] = [];
    const events = new Map<string, AgentEvent[]>();
    m.onStatus((k, s) => statuses.push([k, s]));
    m.onEvents((k, list) => events.set(k, [...(events.get(k) ?? []), ...list]));
    m.focus(a);
    m.watchRunning([b]);
    await allLive(m, [a, b]);

    await server.sendMessage(b, 'background work [steps=2]');
    await waitFor(() => statuses.some(([k, s]) => k === key(b) && s === 'finished') || undefined);
    expect(statuses.filter(([k]) => k === key(b)).map(([, s]) => s)).toEqual(['idle', 'running', 'finished']);
    expect(new Set(ids(events.get(key(b)) ?? []))).toEqual(new Set(ids(await restEvents(server, b))));
    expect(m.events(b).length).toBe(events.get(key(b))?.length);

    const from = sim().requests.length;
    m.onResume();
    await waitFor(() => socketRequests(sim(), from).length === 2 || undefined, 5000, 'two new sockets');
    await allLive(m, [a, b]);
    expect(new Set(socketRequests(sim(), from).map((r) => r.sandboxId))).toEqual(
      new Set([sandboxOf(sim(), a), sandboxOf(sim(), b)]),
    );
  });

  it('ignores V0 conversations, pages history for unstreamed ones, and leaves nothing open on close', async () => {
    const [a, , c] = conversations as [ConversationRef, ConversationRef, ConversationRef];
    const m = manager(1);
    m.focus({ serverId: 'srv', id: 'legacy123', version: 'V0' });
    m.watchRunning([{ serverId: 'srv', id: 'legacy456', version: 'V0' }]);
    expect(m.streamedKeys()).toEqual([]);

    const page = await m.olderThan(c, null, 100);
    expect(ids(page.events)).toEqual(ids(await restEvents(server, c)));
    expect(page.hasEarlier).toBe(false);

    m.focus(a);
    await allLive(m, [a]);
    const agent = sim().world.sandboxes.get(sandboxOf(sim(), a))!.agent;
    expect(agent.openSocketCount).toBe(1);
    const stream = m.stream(a)!;
    await m.close();
    expect(stream.state).toBe('stopped');
    await waitFor(() => agent.openSocketCount === 0 || undefined);
    m.focus(a); // closed for good
    expect(m.streamedKeys()).toEqual([]);
  });
});
