import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConversationStream } from '../../src/main/live/event-stream';
import { StreamManager } from '../../src/main/live/stream-manager';
import { v1TimelineItems } from '../../src/main/live/timeline-items';
import type { ConversationRef } from '../../src/shared/conversations';
import { makeServer, type TestServer } from '../api/support';
import { useSimulator, waitFor } from '../support/sim';
import { record, resolverOf, restEvents, sandboxOf, waitForState, waitForStatus } from './support';

// The client against today's agent server (1.44, the simulator's current profile; docs/openhands-api.md §4):
// agents behind a path prefix, Stop as an interrupt, ACP tool calls, a dropped initial state push, and a
// paused sandbox's history read from the app server.

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'openhands-today-agent-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

const streams: ConversationStream[] = [];
afterEach(async () => {
  await Promise.all(streams.splice(0).map((s) => s.close()));
});

function openStream(server: TestServer, ref: ConversationRef) {
  const stream = new ConversationStream({
    conversationId: ref.id,
    resolve: resolverOf(server, ref.id),
    logger: server.log,
    initialStateTimeoutMs: 300,
  });
  streams.push(stream);
  const recorded = record(stream);
  stream.start();
  return { stream, recorded };
}

describe('agent servers behind a path prefix (/runtime/<port>)', () => {
  const sim = useSimulator({ stepMs: 10, agentPathPrefix: true });

  it('keeps the prefix on every call: events, socket, upload and download', async () => {
    const server = makeServer(sim().url);
    const ref = await server.createConversation({ initialMessage: 'Prefix please' });
    const agent = await server.agent(ref.id);
    expect(new URL(agent.agentBase).pathname).toMatch(/^\/runtime\/\d+$/);
    const from = sim().requests.length;
    const { stream, recorded } = openStream(server, ref);
    await waitForState(stream, 'live');
    await waitForStatus(recorded, 'finished');
    const local = join(scratch, 'prefixed.bin');
    const bytes = Buffer.from([0, 1, 2, 255, 10, 0, 42]);
    await writeFile(local, bytes);
    await server.upload(ref, local, '/workspace/project/prefixed.bin');
    await server.download(ref, '/workspace/project/prefixed.bin', join(scratch, 'back.bin'));
    expect(await readFile(join(scratch, 'back.bin'))).toEqual(bytes);
    const agentCalls = sim()
      .requests.slice(from)
      .filter((r) => r.server === 'agent');
    expect(agentCalls.length).toBeGreaterThan(3);
    for (const call of agentCalls) expect(call.url).toMatch(/^\/runtime\/\d+\//);
  });
});

describe('Stop, ACP tool calls and the initial state push (agent server 1.44)', () => {
  const sim = useSimulator({ stepMs: 10, maxSandboxes: 20 });
  let server: TestServer;
  beforeAll(() => {
    server = makeServer(sim().url);
  });

  it('Stop interrupts the running agent at once (InterruptEvent), then pauses its sandbox', async () => {
    const ref = await server.createConversation({ initialMessage: 'Long job [slow] [steps=200]' });
    await waitFor(async () => (await server.getConversations([ref.id]))[0]?.executionStatus === 'running');
    await server.stop(ref);
    // The sandbox is paused now: its history is the app server's copy.
    const events = await server.appServerEvents(ref, { limit: 100, sortOrder: 'TIMESTAMP_DESC' });
    expect(events?.items.map((e) => e.kind)).toContain('InterruptEvent');
    const timeline = v1TimelineItems([...(events?.items ?? [])].reverse());
    expect(timeline.filter((i) => i.kind === 'interrupt')).toHaveLength(1);
    const [row] = await server.getConversations([ref.id]);
    expect(row?.sandboxStatus).toBe('PAUSED');
    const posts = sim()
      .requests.filter((r) => r.method === 'POST' && r.path.includes(ref.id))
      .map((r) => r.path.split('/').at(-1));
    expect(posts.slice(-1)).toEqual(['interrupt']);
  });

  it('shows an ACP run as one row per tool call with its final state', async () => {
    const ref = await server.createConversation({ initialMessage: 'Use the ACP agent [acp]' });
    await waitFor(
      async () => (await server.getConversations([ref.id]))[0]?.executionStatus === 'finished',
      10_000,
      'finished',
    );
    const events = await restEvents(server, ref);
    const calls = events.filter((e) => e.kind === 'ACPToolCallEvent');
    const callIds = new Set(calls.map((e) => e.tool_call_id));
    expect(callIds.size).toBe(3);
    expect(calls.length).toBeGreaterThan(callIds.size); // several updates per call
    const rows = v1TimelineItems(events).filter((i) => i.kind === 'tool-call');
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => r.status)).toEqual(['completed', 'completed', 'completed']);
    expect(new Set(rows.map((r) => r.group))).toEqual(
      new Set([...callIds].map((id) => `tool-call:${String(id)}`)),
    );
  });

  it('goes live and learns the status over REST when the initial full_state push is dropped', async () => {
    const ref = await server.createConversation({ initialMessage: 'Wait for me [ask]' });
    await waitFor(
      async () => (await server.getConversations([ref.id]))[0]?.executionStatus === 'idle',
      10_000,
      'idle',
    );
    sim().world.sandboxes.get(sandboxOf(sim(), ref))!.agent.dropNextFullState();
    const { stream, recorded } = openStream(server, ref);
    await waitForState(stream, 'live');
    await waitForStatus(recorded, 'idle');
    expect(stream.events().length).toBeGreaterThan(2);
    expect(server.log.lines.some((l) => l.includes('no initial state from the agent server'))).toBe(true);
  });
});

describe('a paused sandbox: history from the app server', () => {
  const sim = useSimulator({ stepMs: 10 });

  it('pages the events of a conversation whose sandbox is paused from the app server', async () => {
    const server = makeServer(sim().url);
    const ref = await server.createConversation({ initialMessage: 'Remember this' });
    await waitFor(
      async () => (await server.getConversations([ref.id]))[0]?.executionStatus === 'finished',
      10_000,
      'finished',
    );
    const before = await restEvents(server, ref);
    await server.pauseSandbox(ref);
    const manager = new StreamManager({
      resolverFor: () => (refresh, signal) =>
        server.agent(ref.id, { refresh, ...(signal ? { signal } : {}) }),
      historyFor: (r) => (search) => server.appServerEvents(r, search),
      logger: server.log,
    });
    const page = await manager.olderThan(ref, null, 50);
    // The same log the agent server held before the pause, in order.
    expect(page.events.map((e) => e.id)).toEqual(before.map((e) => e.id));
    expect(page.hasEarlier).toBe(false);
    await manager.close();
  });
});
