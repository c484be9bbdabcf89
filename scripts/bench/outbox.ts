// 5. Outbox: enqueue latency with durability, and draining 200 queued sends after the server returns.
import { performance } from 'node:perf_hooks';
import type { ConversationRef } from '../../src/shared/conversations';
import type { OutboxItemView } from '../../src/shared/outbox';
import { messageText } from '../../test/simulator/events';
import { startSimulator, type Simulator } from '../../test/simulator/simulator';
import { sleep, startServices, until } from './main-services';
import { percentile } from './stats';
import { atMost, type Benchmark, NONE, type RunResult } from './types';

const API_KEY = 'bench-outbox-key';

/** Every user message text the simulator's agents hold, per conversation id. */
function userTexts(sim: Simulator, ids: readonly string[]): Map<string, string[]> {
  const texts = new Map<string, string[]>();
  for (const id of ids) {
    const record = sim.world.conversations.get(id);
    const conversation = record && sim.world.sandboxes.get(record.sandboxId)?.agent.get(record.id);
    texts.set(
      id,
      (conversation?.events ?? [])
        .filter((e) => e.kind === 'MessageEvent' && e.source === 'user')
        .map((e) => messageText(e)),
    );
  }
  return texts;
}

let runIndex = 0;

export const outbox: Benchmark = {
  name: 'outbox',
  title: '5. Outbox',
  method:
    'createMainServices against the simulator in Cloud mode with its rate limits on (10/s, 100/min per user). ' +
    'Enqueue: sequential `outbox.enqueue` of sends while the server is offline (so every item stays queued ' +
    'and each enqueue is its own durable append: fsync, group commit), timed from the call to the resolved ' +
    'promise. Drain: the simulator goes offline, the sends are enqueued interleaved across conversations, ' +
    'then the simulator comes back and the system reports the network back (`SystemEvents` online); time = ' +
    'from `comeBack` to the last item done. Requests and 429s are counted at the simulator over that time ' +
    '(the poller’s requests included); duplicates and losses by reading every conversation’s user messages ' +
    'in the simulator.',
  rows: [
    { id: 'outbox.enqueue.p50', label: 'Enqueue latency p50', unit: 'ms', digits: 2 },
    {
      id: 'outbox.enqueue.p99',
      label: 'Enqueue latency p99',
      unit: 'ms',
      digits: 2,
      goal: atMost(10, 'ms'),
    },
    { id: 'outbox.drain.ms', label: 'Drain time', unit: 'ms', digits: 0 },
    { id: 'outbox.drain.requests', label: 'Drain requests (app + agent servers)', unit: 'count', digits: 0 },
    {
      id: 'outbox.drain.tooMany',
      label: 'Drain 429 responses',
      unit: 'count',
      digits: 0,
      goal: NONE,
    },
    {
      id: 'outbox.drain.duplicates',
      label: 'Drain duplicates',
      unit: 'count',
      digits: 0,
      goal: NONE,
    },
    {
      id: 'outbox.drain.lost',
      label: 'Drain losses (not delivered)',
      unit: 'count',
      digits: 0,
      goal: NONE,
    },
  ],
  async run(options): Promise<RunResult> {
    const sizes = options.smoke
      ? { conversations: 4, enqueues: 50, drain: 20 }
      : { conversations: 20, enqueues: 1000, drain: 200 };
    const run = runIndex++;
    const sim = await startSimulator({ apiKey: API_KEY, stepMs: 20, maxSandboxes: 10 });
    try {
      const records = await sim.world.seedMany(sizes.conversations, 5);
      const ids = records.map((r) => r.id);

      // Enqueue latency.
      const first = await startServices(sim.url, { apiKey: API_KEY });
      const latencies: number[] = [];
      try {
        const refs: ConversationRef[] = ids.map((id) => ({ serverId: first.serverId, id, version: 'V1' }));
        await until(
          () => first.services.poller.list().length === ids.length,
          20_000,
          'the conversations tracked',
        );
        await sim.goOffline();
        first.system.setOnline(false);
        for (let i = 0; i < sizes.enqueues; i++) {
          const t0 = performance.now();
          await first.services.outbox.enqueue({
            kind: 'send',
            ref: refs[i % refs.length]!,
            text: `latency ${run}.${i}`,
          });
          latencies.push(performance.now() - t0);
        }
      } finally {
        await first.close();
      }

      // Drain after an outage (the simulator is still offline).
      const second = await startServices(sim.url, { apiKey: API_KEY });
      try {
        const refs: ConversationRef[] = ids.map((id) => ({ serverId: second.serverId, id, version: 'V1' }));
        const done = new Set<string>();
        const stuck = new Map<string, OutboxItemView>();
        second.services.outbox.onChange((view) => {
          if (view.state === 'done') done.add(view.id);
          else if (['failed', 'uncertain', 'at-limit'].includes(view.state)) stuck.set(view.id, view);
        });
        second.system.setOnline(false);
        const expected: string[] = [];
        for (let i = 0; i < sizes.drain; i++) {
          const text = `drain ${run}.${i}`;
          expected.push(text);
          await second.services.outbox.enqueue({ kind: 'send', ref: refs[i % refs.length]!, text });
        }
        await sleep(200);
        sim.clearRequests();
        const t0 = performance.now();
        await sim.comeBack();
        second.system.setOnline(true);
        await until(() => done.size + stuck.size >= sizes.drain, 180_000, 'the outbox to drain');
        const drainMs = performance.now() - t0;
        const requests = [...sim.requests];
        // Let the agents store what arrived, then read every conversation's user messages.
        await sleep(100);
        const seen = [...userTexts(sim, ids).values()].flat();
        const counts = new Map<string, number>();
        for (const text of seen) counts.set(text, (counts.get(text) ?? 0) + 1);
        const duplicates = expected.reduce((n, t) => n + Math.max(0, (counts.get(t) ?? 0) - 1), 0);
        const lost = expected.filter((t) => !counts.has(t)).length;
        const notes = [
          `enqueue: ${sizes.enqueues} sequential sends over ${sizes.conversations} conversations; drain: ${sizes.drain} sends over ${sizes.conversations} conversations (${sizes.drain / sizes.conversations} each).`,
        ];
        if (stuck.size > 0)
          notes.push(
            `${stuck.size} item(s) ended ${[...new Set([...stuck.values()].map((v) => v.state))].join('/')} instead of done.`,
          );
        const app = requests.filter((r) => r.server === 'app').length;
        notes.push(
          `drain requests, run ${run + 1}: ${app} to the app server, ${requests.length - app} to agent servers.`,
        );
        return {
          values: {
            'outbox.enqueue.p50': { ours: percentile(latencies, 50) },
            'outbox.enqueue.p99': { ours: percentile(latencies, 99) },
            'outbox.drain.ms': { ours: drainMs },
            'outbox.drain.requests': { ours: requests.length },
            'outbox.drain.tooMany': { ours: requests.filter((r) => r.status === 429).length },
            'outbox.drain.duplicates': { ours: duplicates },
            'outbox.drain.lost': { ours: lost },
          },
          notes,
        };
      } finally {
        await second.close();
      }
    } finally {
      await sim.close();
    }
  },
};
