// Offline-first local cache (docs/offline-cache.md): cold start to the first list answer from a cache of
// 10,000 conversations, re-opening a conversation with 5,000 cached events, and the cache's size on disk.
// Same shape as the benchmarks in scripts/bench/ (a `Benchmark` with rows and one `run`).
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { MemorySecretStore } from '../../src/main/accounts/secret-store';
import type { AgentEvent } from '../../src/main/api/schemas/agent-server';
import { createDispatch } from '../../src/main/bridge/dispatch';
import { createBridgeHandlers } from '../../src/main/bridge/handlers';
import { createMainServices, type MainServices } from '../../src/main/compose';
import { MemoryLogger } from '../../src/main/logger';
import { SystemEventEmitter } from '../../src/main/system-events';
import { conversationKey, type TrackedConversation } from '../../src/shared/live';
import { startSimulator } from '../../test/simulator/simulator';
import { atMost, type Benchmark, type RunResult } from './types';

const KB = 1024;

async function services(dataDir: string, keychain: MemorySecretStore): Promise<MainServices> {
  return createMainServices({
    dataDir,
    keychain,
    logger: new MemoryLogger(),
    adapters: {
      notify: () => undefined,
      renderTray: () => undefined,
      forward: () => undefined,
      system: new SystemEventEmitter(),
    },
    // Long cadences: the poller must not add work to what is timed.
    fastMs: 60_000,
    slowMs: 60_000,
  });
}

function rows(serverId: string, count: number): TrackedConversation[] {
  return Array.from({ length: count }, (_, i) => ({
    serverId,
    id: (i + 1).toString(16).padStart(32, '0'),
    version: 'V1',
    title: `Cached conversation ${i + 1} about a fairly ordinary task`,
    createdAt: new Date(Date.UTC(2024, 4, 1) + i * 60_000).toISOString(),
    updatedAt: new Date(Date.UTC(2024, 4, 2) + i * 60_000).toISOString(),
    repository: i % 3 === 0 ? 'octo/repository' : null,
    branch: i % 3 === 0 ? 'main' : null,
    sandboxStatus: 'PAUSED',
    executionStatus: null,
    legacyStatus: null,
    runtimeStatus: null,
    parentId: null,
    status: 'stopped',
  }));
}

/** Agent events shaped like a real run (messages, commands, outputs), older than anything on the server. */
function agentEvents(count: number): AgentEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const timestamp = new Date(Date.UTC(2020, 0, 1) + i * 1000).toISOString().replace('Z', '');
    const id = `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
    if (i % 3 === 0)
      return {
        kind: 'MessageEvent',
        id,
        timestamp,
        source: 'agent',
        llm_message: {
          role: 'assistant',
          content: [{ type: 'text', text: `Step ${i}: looking at the tests.` }],
        },
      };
    if (i % 3 === 1)
      return {
        kind: 'ActionEvent',
        id,
        timestamp,
        source: 'agent',
        tool_name: 'terminal',
        thought: [{ type: 'text', text: 'Run the suite again.' }],
        action: { kind: 'TerminalAction', command: `npm test -- --grep case-${i}` },
      };
    return {
      kind: 'ObservationEvent',
      id,
      timestamp,
      source: 'environment',
      tool_name: 'terminal',
      observation: { kind: 'TerminalObservation', content: [{ type: 'text', text: `ok ${i}\n`.repeat(8) }] },
    };
  });
}

async function bytesUnder(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  return total;
}

export const cacheBench: Benchmark = {
  name: 'cache',
  title: '7. Offline-first local cache',
  method:
    'A user-data folder is prepared by a first createMainServices run: one server (the simulator) and, through ' +
    'the cache API, N cached conversations and one conversation (real, on the simulator) with E cached events; ' +
    'then closed (the cache flushes). Cold start: a second createMainServices on that folder with the simulator ' +
    'offline, timed from the call to `conversations:list` answering all N rows through the bridge dispatcher ' +
    '(what the page asks first; the renderer paint is measured in "renderer scale"). Re-open: the simulator ' +
    'back, `conversations:setOnScreen` + `conversations:timeline` timed to the answer (the cached events, ' +
    'newest 2,000 kept by the event store), then event requests counted at the simulator until the stream is ' +
    'live (its reconciliation asks only for events at or after the newest cached one). Size: bytes of ' +
    '`<user data>/cache` (lists, events, state).',
  rows: [
    {
      id: 'cache.coldList',
      label: 'Cold start → list answered from cache (10,000 conversations)',
      unit: 'ms',
      digits: 0,
      goal: atMost(300, 'ms'),
    },
    {
      id: 'cache.reopen.ms',
      label: 'Re-open → timeline answered (5,000 cached events)',
      unit: 'ms',
      digits: 1,
      goal: atMost(100, 'ms'),
    },
    {
      id: 'cache.reopen.requests',
      label: 'Re-open: event requests until live',
      unit: 'count',
      digits: 0,
      goal: atMost(1, '', 'max'),
    },
    { id: 'cache.size.list', label: 'Cache size: 10,000-conversation list', unit: 'KB', digits: 0 },
    { id: 'cache.size.events', label: 'Cache size: 5,000 events', unit: 'KB', digits: 0 },
  ],
  async run(options): Promise<RunResult> {
    const sizes = options.smoke
      ? { conversations: 500, events: 500 }
      : { conversations: 10_000, events: 5_000 };
    const sim = await startSimulator({ stepMs: 5, rateLimit: false });
    const dataDir = await mkdtemp(path.join(tmpdir(), 'openhands-bench-cache-'));
    const keychain = new MemorySecretStore();
    try {
      // 1. A warm cache.
      const first = await services(dataDir, keychain);
      const server = await first.accounts.add(
        { name: 'Simulator', baseUrl: sim.url },
        { sessionOnlyKey: true },
      );
      const record = await sim.world.seedConversation({ title: 'Re-opened', messages: ['Hello'] });
      const cached = rows(server.id, sizes.conversations);
      const ref = { serverId: server.id, id: record.id, version: 'V1' as const };
      first.cache.applyChanges({
        changed: [...cached, { ...cached[0]!, id: record.id, title: 'Re-opened', status: 'finished' }],
        removed: [],
        at: Date.now(),
      });
      first.cache.markSynced(server.id, Date.now());
      first.cache.saveEvents(conversationKey(ref), { events: agentEvents(sizes.events), hasEarlier: false });
      await first.close();
      const cacheDir = path.join(dataDir, 'cache');
      const listBytes = await bytesUnder(path.join(cacheDir, 'lists'));
      const eventBytes = await bytesUnder(path.join(cacheDir, 'events'));
      options.log(`  cache: list ${Math.round(listBytes / KB)} KB, events ${Math.round(eventBytes / KB)} KB`);

      // 2. Cold start offline.
      await sim.goOffline();
      const started = performance.now();
      const second = await services(dataDir, keychain);
      const dispatch = createDispatch(
        createBridgeHandlers(second, { name: 'bench', version: '0', platform: process.platform }),
        new MemoryLogger(),
      );
      const list = await dispatch('conversations:list', undefined);
      const coldList = performance.now() - started;
      if (!list.ok || (list.data as unknown[]).length < sizes.conversations)
        throw new Error('the list did not come from the cache');

      // 3. Re-open with the server back.
      await sim.comeBack();
      sim.clearRequests();
      const opening = performance.now();
      await dispatch('conversations:setOnScreen', ref);
      const timeline = await dispatch('conversations:timeline', { ref });
      const reopenMs = performance.now() - opening;
      if (!timeline.ok) throw new Error(`timeline failed: ${timeline.error.message}`);
      const deadline = Date.now() + 15_000;
      while (second.streams.streamState(conversationKey(ref)) !== 'live' && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      // Event reads only: the socket's upgrade (/sockets/events/…) is the live connection, not a fetch.
      const eventRequests = sim.requests.filter(
        (r) => r.server === 'agent' && r.path.includes('/events') && !r.path.includes('/sockets/'),
      ).length;
      const allRequests = sim.requests.length;
      await second.close();
      return {
        values: {
          'cache.coldList': { ours: coldList },
          'cache.reopen.ms': { ours: reopenMs },
          'cache.reopen.requests': { ours: eventRequests },
          'cache.size.list': { ours: listBytes / KB },
          'cache.size.events': { ours: eventBytes / KB },
        },
        notes: [
          `${sizes.conversations} cached conversations, ${sizes.events} cached events; ` +
            `${allRequests} HTTP requests in all from re-open to live (conversation lookup and poller included)`,
        ],
      };
    } finally {
      await sim.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  },
};
