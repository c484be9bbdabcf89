import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { AgentServerClient } from '../../src/main/api/agent-server-client';
import { HttpClient } from '../../src/main/api/http-client';
import type { AgentEvent } from '../../src/main/api/schemas/agent-server';
import { ConversationStream } from '../../src/main/live/event-stream';
import { MemoryLogger } from '../../src/main/logger';
import { FAST_RETRY, makeServer, randomHex, type TestServer } from '../api/support';
import { FakeClock } from '../support/fake-clock';
import { useSimulator, waitFor } from '../support/sim';
import {
  expectSameEventSet,
  record,
  resolverOf,
  restEvents,
  sandboxOf,
  sleep,
  socketRequests,
  waitForState,
  waitForStatus,
} from './support';

// Backoff timing on a FakeClock, sandbox pauses, keepalive and malformed frames.

const sim = useSimulator({ stepMs: 10, maxSandboxes: 50 });
let server: TestServer;
const streams: ConversationStream[] = [];

beforeAll(() => {
  server = makeServer(sim().url);
});

afterEach(async () => {
  await Promise.all(streams.splice(0).map((s) => s.close()));
  if (!sim().isOnline) await sim().comeBack();
});

describe('reconnect backoff (FakeClock)', () => {
  it('backs off 1 s → 2 → 4 → 8 → 16 → 30 → 30 s while offline, then reconnects and catches up', async () => {
    const ref = await server.createConversation({});
    const clock = new FakeClock();
    const resolve = resolverOf(server, ref.id, () => clock.now());
    const stream = new ConversationStream({
      conversationId: ref.id,
      resolve,
      clock,
      random: () => 0, // no jitter: exact delays (jitter itself is checked below)
      logger: server.log,
    });
    streams.push(stream);
    const recorded = record(stream);
    stream.start();
    await waitForState(stream, 'live');

    const retries = (): number[] =>
      recorded.states.flatMap((s) => (s.detail.retryInMs !== undefined ? [s.detail.retryInMs] : []));
    const attempts = (): number => resolve.calls.length + stream.connectionCount;

    await sim().goOffline();
    const expected = [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000];
    for (const [i, delay] of expected.entries()) {
      await waitFor(() => retries().length === i + 1 || undefined, 5000, `retry ${i + 1}`);
      expect(retries()[i]).toBe(delay);
      const before = attempts();
      await clock.advance(delay - 1);
      expect(attempts(), `no attempt before ${delay} ms`).toBe(before);
      if (i === expected.length - 1) await sim().comeBack();
      await clock.advance(1);
      await waitFor(() => attempts() > before || undefined, 5000, `attempt ${i + 2}`);
    }
    await waitForState(stream, 'live');

    // The attempts happened exactly one delay apart on the clock.
    const times = resolve.calls.map((c) => c.at);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    console.info(`offline: attempts at +${gaps.join(' ms, +')} ms (fake clock)`);
    expect(gaps).toEqual(expected);
    expect(recorded.states.at(-1)?.state).toBe('live');

    // Back in business: a run's status and events arrive and match the server.
    await server.sendMessage(ref, 'after the outage');
    await waitForStatus(recorded, 'finished');
    expectSameEventSet(recorded.events, await restEvents(server, ref));

    // close() leaves no sleeper behind (keepalive, handshake deadline, backoff).
    expect(clock.pending).toBeGreaterThan(0);
    await stream.close();
    expect(clock.pending).toBe(0);
    expect(stream.state).toBe('stopped');
  });

  it('puts jitter below the capped delay, never above', async () => {
    const ref = await server.createConversation({});
    const clock = new FakeClock();
    const stream = new ConversationStream({
      conversationId: ref.id,
      resolve: resolverOf(server, ref.id),
      clock,
      random: () => 1,
      jitter: 0.5,
      logger: server.log,
    });
    streams.push(stream);
    const recorded = record(stream);
    stream.start();
    await waitForState(stream, 'live');
    sim().dropSockets();
    await waitFor(() => recorded.states.find((s) => s.detail.retryInMs !== undefined));
    expect(recorded.states.find((s) => s.detail.retryInMs !== undefined)?.detail.retryInMs).toBe(500);
    await clock.advance(500);
    await waitForState(stream, 'live');
  });
});

describe('sandbox pause', () => {
  it('waits on a slow cadence while the sandbox is paused, then goes live again', async () => {
    const ref = await server.createConversation({});
    const resolve = resolverOf(server, ref.id);
    const stream = new ConversationStream({
      conversationId: ref.id,
      resolve,
      logger: server.log,
      initialBackoffMs: 50,
      sandboxRetryMs: 250,
    });
    streams.push(stream);
    const recorded = record(stream);
    stream.start();
    await waitForState(stream, 'live');
    const sandboxId = sandboxOf(sim(), ref);
    const sockets = stream.connectionCount;

    // Paused behind the client's back (as Docker does to make room): the cached agent is stale.
    await sim().world.pauseSandbox(sandboxId);
    await waitForState(stream, 'sandbox-not-running');
    const from = sim().requests.length;
    const lookups = resolve.calls.length;
    await sleep(1500);
    const socketsDuringPause = socketRequests(sim(), from).length;
    const appLookups = sim()
      .requests.slice(from)
      .filter((r) => r.server === 'app' && r.path === '/api/v1/app-conversations').length;
    console.info(
      `sandbox paused 1.5 s: ${socketsDuringPause} socket requests, ${appLookups} app-server lookups, ` +
        `${stream.connectionCount - sockets} socket attempt(s) in all`,
    );
    expect(socketsDuringPause).toBe(0);
    expect(stream.connectionCount - sockets).toBeLessThanOrEqual(1); // the one that found the port closed
    expect(appLookups).toBeGreaterThanOrEqual(3);
    expect(appLookups).toBeLessThanOrEqual(8); // ~1.5 s / 250 ms, not a storm
    expect(resolve.calls.length - lookups).toBe(appLookups);
    expect(stream.state).toBe('sandbox-not-running');

    await sim().world.resumeSandbox(sandboxId);
    await waitForState(stream, 'live', 5000);
    await server.sendMessage(ref, 'awake again');
    await waitForStatus(recorded, 'finished');
    expectSameEventSet(recorded.events, await restEvents(server, ref));
  });
});

// ---- a hand-made agent server: silent after the snapshot (no pongs), or sending garbage ----

interface FakeAgent {
  url: string;
  connections: number;
  pings: number;
  sockets: WebSocket[];
  close: () => Promise<void>;
}

async function fakeAgent(onConnection: (ws: WebSocket) => void = () => undefined): Promise<FakeAgent> {
  const http: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    res.setHeader('content-type', 'application/json');
    if (path === '/server_info') return res.end(JSON.stringify({ version: '1.19.1' }));
    if (path.endsWith('/events/search')) return res.end(JSON.stringify({ items: [], next_page_id: null }));
    res.statusCode = 404;
    res.end(JSON.stringify({ detail: 'Not Found' }));
  });
  const wss = new WebSocketServer({ server: http, autoPong: false });
  const agent: FakeAgent = {
    url: '',
    connections: 0,
    pings: 0,
    sockets: [],
    close: async () => {
      for (const ws of agent.sockets) ws.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
  wss.on('connection', (ws) => {
    agent.connections++;
    agent.sockets.push(ws);
    ws.on('ping', () => agent.pings++);
    ws.send(JSON.stringify(stateEvent('full_state', { execution_status: 'running' })));
    onConnection(ws);
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  agent.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return agent;
}

let sequence = 0;
function stateEvent(key: string, value: unknown): AgentEvent {
  return {
    kind: 'ConversationStateUpdateEvent',
    id: `state-${++sequence}`,
    timestamp: `2026-01-01T00:00:00.${String(sequence).padStart(6, '0')}`,
    source: 'environment',
    key,
    value,
  };
}

function streamTo(agent: FakeAgent, extra: { clock?: FakeClock; logger?: MemoryLogger } = {}) {
  const id = randomHex();
  const client = new AgentServerClient(new HttpClient({ retry: FAST_RETRY }), {
    conversationId: id,
    conversationUrl: `${agent.url}/api/conversations/${id}`,
    sessionApiKey: 'fake-session-key-1234',
  });
  const logger = extra.logger ?? new MemoryLogger();
  const stream = new ConversationStream({
    conversationId: id,
    resolve: () => Promise.resolve(client),
    random: () => 0,
    logger,
    ...(extra.clock ? { clock: extra.clock } : {}),
  });
  streams.push(stream);
  return { stream, recorded: record(stream), logger };
}

describe('keepalive', () => {
  const agents: FakeAgent[] = [];
  afterAll(async () => {
    await Promise.all(agents.map((a) => a.close()));
  });

  it('pings every 20 s and reconnects after 45 s without a frame or pong', async () => {
    const agent = await fakeAgent();
    agents.push(agent);
    const clock = new FakeClock();
    const { stream } = streamTo(agent, { clock });
    stream.start();
    await waitForState(stream, 'live');

    await clock.advance(19_999);
    await sleep(50);
    expect(agent.pings).toBe(0);
    await clock.advance(1);
    await waitFor(() => agent.pings === 1 || undefined, 2000, 'first ping');
    await clock.advance(20_000);
    await waitFor(() => agent.pings === 2 || undefined, 2000, 'second ping');
    await clock.advance(4_999); // 44.999 s of silence: still the same socket
    expect(stream.state).toBe('live');
    expect(agent.connections).toBe(1);
    await clock.advance(1);
    await waitFor(() => stream.state === 'reconnecting' || undefined, 2000, 'silence detected');
    await clock.advance(1000);
    await waitFor(() => agent.connections === 2 || undefined, 2000, 'second connection');
    await waitForState(stream, 'live');
    await stream.close();
    expect(clock.pending).toBe(0);
    await waitFor(() => agent.sockets.every((ws) => ws.readyState === WebSocket.CLOSED) || undefined);
  });

  it('a socket that answers pings stays up', async () => {
    const agent = await fakeAgent((ws) => ws.on('ping', () => ws.pong()));
    agents.push(agent);
    const clock = new FakeClock();
    const { stream } = streamTo(agent, { clock });
    stream.start();
    await waitForState(stream, 'live');
    for (let i = 1; i <= 5; i++) {
      await clock.advance(20_000);
      await waitFor(() => agent.pings === i || undefined, 2000, `ping ${i}`);
      await sleep(20); // the pong comes back
    }
    expect(stream.state).toBe('live');
    expect(agent.connections).toBe(1);
  });
});

describe('frames', () => {
  it('drops malformed frames with a log line, passes unknown kinds through, never crashes', async () => {
    const unknownKind: AgentEvent = {
      kind: 'HologramEvent',
      id: 'future-1',
      timestamp: '2026-01-01T00:00:01.000000',
      source: 'agent',
      shimmer: true,
    };
    const statusUpdate = {
      ...stateEvent('execution_status', 'hibernating'),
      timestamp: '2026-01-01T00:00:02',
    };
    const agent = await fakeAgent((ws) => {
      ws.send('not json {');
      ws.send(Buffer.from([1, 2, 3]), { binary: true });
      ws.send(JSON.stringify({ kind: 'MessageEvent' })); // no id, timestamp, source
      ws.send(JSON.stringify([1, 2]));
      ws.send(JSON.stringify({ ...stateEvent('full_state', 'not an object') }));
      ws.send(JSON.stringify(unknownKind));
      ws.send(JSON.stringify({ ...stateEvent('x', 0), kind: 'StreamingDeltaEvent', content: 'Hel' }));
      ws.send(JSON.stringify({ ...stateEvent('x', 0), kind: 'ServerErrorEvent', code: 'ValidationError' }));
      ws.send(JSON.stringify(statusUpdate));
    });
    const { stream, recorded, logger } = streamTo(agent);
    const transient: string[] = [];
    stream.onTransient((e) => transient.push(e.kind));
    stream.start();
    await waitFor(() => recorded.events.length === 2 || undefined, 3000, 'the two good events');

    expect(recorded.events.map((e) => e.id)).toEqual(['future-1', statusUpdate.id]);
    expect(recorded.statuses).toEqual(['running', 'unknown']); // an unknown value from a newer server
    expect(transient).toEqual(['StreamingDeltaEvent', 'ServerErrorEvent']);
    expect(stream.events().map((e) => e.kind)).toEqual(['HologramEvent', 'ConversationStateUpdateEvent']);
    expect(stream.state).toBe('live');
    expect(agent.connections).toBe(1);
    expect(logger.lines.filter((l) => l.includes('dropped'))).toHaveLength(4);
    expect(logger.lines.some((l) => l.includes('ValidationError'))).toBe(true);
    await agent.close();
  });
});
