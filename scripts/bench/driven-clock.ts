// Simulated time for the benchmarks: the test suite's FakeClock, moved forward only while the code under
// test waits on it (its request budget, its retry backoff) — real I/O still runs in real time.
import { seededRandom } from '../../test/support/seeded-random';
import { FakeClock } from '../../test/support/fake-clock';

export { FakeClock };

/** Runs `work` to completion, advancing `clock` in `stepMs` steps whenever something sleeps on it. */
export async function drive<T>(clock: FakeClock, work: Promise<T>, stepMs = 5): Promise<T> {
  let done = false;
  const settled = work.finally(() => {
    done = true;
  });
  settled.catch(() => undefined);
  while (!done) {
    if (clock.pending > 0) await clock.advance(stepMs);
    else await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return settled;
}

/** Requests in the busiest sliding 60-second window within [start, end) — stricter than fixed windows. */
export function peakPerMinute(times: readonly number[], start: number, end: number): number {
  const inside = times.filter((t) => t >= start && t < end).sort((a, b) => a - b);
  let peak = 0;
  let from = 0;
  for (let to = 0; to < inside.length; to++) {
    while (inside[to]! - inside[from]! >= 60_000) from++;
    peak = Math.max(peak, to - from + 1);
  }
  return peak;
}

export { seededRandom };
