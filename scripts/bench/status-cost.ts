// 1. Status tracking cost: 1,000 conversations (50 active) tracked for 10 simulated minutes by our poller,
// against a client polling each conversation on its own at the web UI's cadence — both through the same
// counting relay, with Cloud's per-user limits applied in simulated time.
import { HttpClient } from '../../src/main/api/http-client';
import { OpenHandsServer } from '../../src/main/api/openhands-server';
import { StatusPoller } from '../../src/main/live/status-poller';
import { MemoryLogger } from '../../src/main/logger';
import { POLL_CADENCE_MS } from '../../src/shared/settings';
import { startSimulator, type Simulator } from '../../test/simulator/simulator';
import { startCountingProxy } from './counting-proxy';
import { drive, FakeClock, peakPerMinute, seededRandom } from './driven-clock';
import { type Benchmark, NONE, type RunResult } from './types';

const API_KEY = 'bench-cloud-key';
/** The web UI's cadence for a conversation polled on its own. */
const WEB_UI_FAST_MS = 3000;
const WEB_UI_SLOW_MS = 30_000;
/** Baseline requests due within one slice of simulated time are sent together. */
const BASELINE_SLICE_MS = 100;

interface Sizes {
  conversations: number;
  active: number;
  minutes: number;
}

interface Counts {
  requests: number;
  bytes: number;
  tooMany: number;
  peakPerMinute: number;
  /** What the client believed at the end: how many it saw running. */
  seenRunning: number;
}

async function seed(sizes: Sizes): Promise<Simulator> {
  // Agent steps of an hour: the active ones stay running for the whole run. The relay applies the rate
  // limits (in simulated time); the simulator's own limiter runs on wall time and would misjudge a
  // compressed run.
  const sim = await startSimulator({
    apiKey: API_KEY,
    rateLimit: false,
    stepMs: 3_600_000,
    maxSandboxes: Math.ceil(sizes.conversations / 100) + 5,
  });
  const records = await sim.world.seedMany(sizes.conversations, 100);
  for (const r of records.slice(0, sizes.active)) sim.setExecutionStatus(r.id, 'running');
  return sim;
}

async function measureOurs(sim: Simulator, sizes: Sizes, seedValue: number): Promise<Counts> {
  const clock = new FakeClock(Date.now());
  const proxy = await startCountingProxy(sim.url, { now: () => clock.now(), limits: 'enforce' });
  try {
    const logger = new MemoryLogger();
    const server = new OpenHandsServer(
      new HttpClient({ clock }),
      { id: 'bench', baseUrl: proxy.url, apiKey: () => Promise.resolve(API_KEY) },
      { clock, logger },
    );
    const random = seededRandom(seedValue);
    const { fastMs, slowMs } = POLL_CADENCE_MS.normal;
    const poller = new StatusPoller(() => [server], { clock, random, logger, fastMs, slowMs });
    const start = clock.now();
    const end = start + sizes.minutes * 60_000;
    // What poller.start() does, in simulated time: a tick, then the next one fastMs ± 10 % after it ends.
    while (clock.now() < end) {
      await drive(clock, poller.tick());
      const wait = fastMs * (0.9 + 0.2 * random());
      await clock.advance(Math.max(0, Math.min(wait, end - clock.now())));
    }
    return {
      requests: proxy.times.filter((t) => t >= start && t < end).length,
      bytes: proxy.bytes(),
      tooMany: proxy.statuses.filter((s) => s === 429).length,
      peakPerMinute: peakPerMinute(proxy.times, start, end),
      seenRunning: poller.list().filter((c) => c.status === 'running').length,
    };
  } finally {
    await proxy.close();
  }
}

/**
 * The baseline: every conversation polled on its own with `GET /api/v1/app-conversations?ids=<id>`, 3 s
 * while starting/running, 30 s otherwise (the last known status decides; never known: 30 s). It is handed
 * the list of conversations for free (no list requests). Cloud's limits are only counted, not applied: a
 * refused poll would leave it not knowing which conversations run, and its cost would no longer be the one
 * of its cadence.
 */
async function measureBaseline(sim: Simulator, sizes: Sizes, seedValue: number): Promise<Counts> {
  const clock = new FakeClock(Date.now());
  const proxy = await startCountingProxy(sim.url, { now: () => clock.now(), limits: 'count' });
  try {
    const random = seededRandom(seedValue);
    const start = clock.now();
    const end = start + sizes.minutes * 60_000;
    const polled = [...sim.world.conversations.keys()].map((id) => ({
      id,
      fast: false,
      next: start + random() * WEB_UI_FAST_MS,
    }));
    const headers = { authorization: `Bearer ${API_KEY}`, accept: 'application/json' };
    const poll = async (c: (typeof polled)[number]): Promise<void> => {
      const res = await fetch(`${proxy.url}/api/v1/app-conversations?ids=${c.id}`, { headers });
      const text = await res.text();
      if (res.ok) {
        const [row] = JSON.parse(text) as ({ execution_status?: string; sandbox_status?: string } | null)[];
        c.fast = row?.execution_status === 'running' || row?.sandbox_status === 'STARTING';
      }
      c.next += c.fast ? WEB_UI_FAST_MS : WEB_UI_SLOW_MS;
    };
    for (let t = start; t < end; t += BASELINE_SLICE_MS) {
      await clock.advance(t - clock.now());
      const sliceEnd = Math.min(t + BASELINE_SLICE_MS, end);
      const due = polled.filter((c) => c.next < sliceEnd);
      await Promise.all(due.map(poll));
    }
    return {
      requests: proxy.times.filter((t) => t >= start && t < end).length,
      bytes: proxy.bytes(),
      tooMany: proxy.wouldBeRefused,
      peakPerMinute: peakPerMinute(proxy.times, start, end),
      seenRunning: polled.filter((c) => c.fast).length,
    };
  } finally {
    await proxy.close();
  }
}

let runIndex = 0;

export const statusCost: Benchmark = {
  name: 'status',
  title: '1. Status tracking cost',
  method:
    'The simulator in Cloud mode holds N conversations (seedMany, 100 per sandbox), M of them running for the ' +
    'whole run. Our StatusPoller (normal cadence: 3 s fast, 60 s slow) is driven tick by tick on a fake clock ' +
    'for the simulated window, exactly as `poller.start()` schedules it (next tick 3 s ± 10 % after one ends); ' +
    'its request budget follows the same clock. The baseline polls each conversation on its own (`GET ' +
    '/api/v1/app-conversations?ids=<id>`, 3 s while starting/running, 30 s otherwise), is given the list for ' +
    'free. Both go through a loopback relay that counts requests, 429s and wire bytes (both directions, headers ' +
    "included). For ours the relay applies Cloud's per-user limits (10/s, 100/min) in simulated time; for the " +
    'baseline it only counts the requests those limits would refuse (refusing them would blind it and change ' +
    'its cadence). Peak = the busiest sliding 60 s window.',
  rows: [
    {
      id: 'status.requestsPerMin',
      label: 'Requests per minute',
      unit: 'req/min',
      digits: 1,
      ratio: 'baseline/ours',
      goal: { text: '≥ 50× fewer than the baseline', on: 'median', met: (v, b) => b !== null && b / v >= 50 },
    },
    {
      id: 'status.bytesPerMin',
      label: 'Bytes per minute (wire, both directions)',
      unit: 'kB/min',
      digits: 1,
      ratio: 'baseline/ours',
    },
    {
      id: 'status.tooMany',
      label: "429 responses (baseline: requests Cloud's limits would refuse)",
      unit: 'count',
      digits: 0,
      goal: NONE,
    },
    {
      id: 'status.peakPerMin',
      label: 'Busiest minute',
      unit: 'req',
      digits: 0,
      goal: { text: "< 100 (Cloud's limit)", on: 'max', met: (v) => v < 100 },
    },
  ],
  async run(options): Promise<RunResult> {
    const sizes: Sizes = options.smoke
      ? { conversations: 60, active: 5, minutes: 1 }
      : { conversations: 1000, active: 50, minutes: 10 };
    const seedValue = 1000 + runIndex++;
    const sim = await seed(sizes);
    try {
      options.log(`  ours: ${sizes.conversations} conversations, ${sizes.minutes} simulated minutes`);
      const ours = await measureOurs(sim, sizes, seedValue);
      options.log(`  baseline: per-conversation polling`);
      const base = await measureBaseline(sim, sizes, seedValue);
      const perMin = (n: number): number => n / sizes.minutes;
      const notes: string[] = [
        `${sizes.conversations} conversations, ${sizes.active} running, ${sizes.minutes} simulated minutes.`,
      ];
      if (ours.seenRunning !== sizes.active)
        notes.push(`ours saw ${ours.seenRunning} running at the end (expected ${sizes.active}).`);
      if (base.seenRunning !== sizes.active)
        notes.push(`the baseline saw ${base.seenRunning} running at the end (expected ${sizes.active}).`);
      return {
        values: {
          'status.requestsPerMin': { ours: perMin(ours.requests), baseline: perMin(base.requests) },
          'status.bytesPerMin': { ours: perMin(ours.bytes) / 1000, baseline: perMin(base.bytes) / 1000 },
          'status.tooMany': { ours: ours.tooMany, baseline: base.tooMany },
          'status.peakPerMin': { ours: ours.peakPerMinute, baseline: base.peakPerMinute },
        },
        notes,
      };
    } finally {
      await sim.close();
    }
  },
};
