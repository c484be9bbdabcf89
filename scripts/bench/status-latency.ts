// 2. Status latency: from a status change in the simulator (setExecutionStatus) to the change set leaving
// main (the forward adapter), for the conversation on screen (live socket) and for a polled one.
import { performance } from 'node:perf_hooks';
import { conversationKey } from '../../src/shared/live';
import { startSimulator } from '../../test/simulator/simulator';
import { seededRandom } from './driven-clock';
import { sleep, startServices, until } from './main-services';
import { percentile, median } from './stats';
import { atMost, type Benchmark, type RunResult } from './types';

const FAST_TICK_MS = 3000;
const TICK_WITH_JITTER_MS = FAST_TICK_MS * 1.1;
let runIndex = 0;

export const statusLatency: Benchmark = {
  name: 'latency',
  title: '2. Status latency',
  method:
    'createMainServices (default cadence 3 s / 60 s) tracks N conversations of a self-hosted simulator (rate ' +
    'limits on). Watched: the conversation on screen (`live.setOnScreen`, its socket live) flips between ' +
    'running and idle; polled: a running conversation without a socket (5 others hold the background ' +
    'sockets) goes idle. Latency = `setExecutionStatus` → the change set carrying that status reaches the ' +
    '`forward` adapter. Polled trials start at a random moment (uniform over one fast tick) so they sample ' +
    'every phase of the poll cycle. Ticks are 3 s ± 10 % apart and each reads its batch before it emits, so a ' +
    'change made just after a tick can take up to ~3.3 s plus one batch read. p95 per run; the table shows the ' +
    'median over runs.',
  rows: [
    { id: 'latency.watched.median', label: 'Watched (on screen): median', unit: 'ms', digits: 0 },
    {
      id: 'latency.watched.p95',
      label: 'Watched (on screen): p95',
      unit: 'ms',
      digits: 0,
      goal: atMost(250, 'ms'),
    },
    { id: 'latency.polled.median', label: 'Polled: median', unit: 'ms', digits: 0 },
    {
      id: 'latency.polled.p95',
      label: 'Polled: p95',
      unit: 'ms',
      digits: 0,
      goal: {
        // A tick comes fastMs ± 10 % after the previous one ends (jitter keeps clients from lining up).
        text: `≤ one fast tick with its jitter (${TICK_WITH_JITTER_MS.toLocaleString('en-US')} ms)`,
        on: 'median',
        met: (v) => v <= TICK_WITH_JITTER_MS,
      },
    },
  ],
  async run(options): Promise<RunResult> {
    const sizes = options.smoke
      ? { conversations: 30, watchedTrials: 4, polledTrials: 2 }
      : { conversations: 1000, watchedTrials: 40, polledTrials: 15 };
    const random = seededRandom(2000 + runIndex++);
    const sim = await startSimulator({
      stepMs: 3_600_000,
      maxSandboxes: Math.ceil(sizes.conversations / 100) + 5,
    });
    const bench = await startServices(sim.url);
    try {
      const { services, serverId } = bench;
      const records = await sim.world.seedMany(sizes.conversations, 100);
      // 5 running ones take the background sockets; the rest of the running ones are polled only.
      const running = records.slice(0, 5 + sizes.polledTrials + 2);
      for (const r of running) sim.setExecutionStatus(r.id, 'running');
      services.poller.refreshNow();
      await until(
        () => services.poller.list().filter((c) => c.status === 'running').length === running.length,
        30_000,
        'every conversation tracked and the running ones seen',
      );

      // Watched: the newest idle conversation, on screen with its socket live.
      const onScreen = { serverId, id: records.at(-1)!.id, version: 'V1' as const };
      const onScreenKey = conversationKey(onScreen);
      services.live.setOnScreen(onScreen);
      await until(() => services.streams.stream(onScreen)?.state === 'live', 10_000, 'the on-screen socket');
      const watched: number[] = [];
      for (let i = 0; i < sizes.watchedTrials; i++) {
        await sleep(50 + random() * 250);
        const target = i % 2 === 0 ? 'running' : 'idle';
        const seen = bench.nextForwarded(
          (c) => conversationKey(c) === onScreenKey && c.executionStatus === target,
          10_000,
        );
        const t0 = performance.now();
        sim.setExecutionStatus(onScreen.id, target);
        watched.push((await seen).at - t0);
      }

      // Polled: each trial takes a running conversation that has no socket at that moment.
      const polled: number[] = [];
      const used = new Set<string>();
      for (let i = 0; i < sizes.polledTrials; i++) {
        await sleep(random() * FAST_TICK_MS);
        const streamed = new Set(services.streams.streamedKeys());
        const pick = running.find((r) => {
          const key = conversationKey({ serverId, id: r.id });
          return !used.has(r.id) && !streamed.has(key) && key !== onScreenKey;
        });
        if (!pick) throw new Error('no running conversation without a socket left for a polled trial');
        used.add(pick.id);
        const key = conversationKey({ serverId, id: pick.id });
        const seen = bench.nextForwarded(
          (c) => conversationKey(c) === key && c.executionStatus === 'idle',
          20_000,
        );
        const t0 = performance.now();
        sim.setExecutionStatus(pick.id, 'idle');
        polled.push((await seen).at - t0);
      }
      return {
        values: {
          'latency.watched.median': { ours: median(watched) },
          'latency.watched.p95': { ours: percentile(watched, 95) },
          'latency.polled.median': { ours: median(polled) },
          'latency.polled.p95': { ours: percentile(polled, 95) },
        },
        notes: [
          `${sizes.conversations} conversations, ${running.length} running; ${sizes.watchedTrials} watched and ${sizes.polledTrials} polled trials per run.`,
        ],
      };
    } finally {
      await bench.close();
      await sim.close();
    }
  },
};
