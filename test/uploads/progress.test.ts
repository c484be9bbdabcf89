import { describe, expect, it } from 'vitest';
import { type ProgressSnapshot, ProgressReporter } from '../../src/main/uploads/progress';

function manual(start = 1000): { now: () => number; set: (t: number) => void } {
  let t = start;
  return { now: () => t, set: (v) => (t = v) };
}

describe('ProgressReporter', () => {
  it('reports the first update, then at most one per 100 ms, and always the final one', () => {
    const clock = manual();
    const seen: ProgressSnapshot[] = [];
    const r = new ProgressReporter(10_000, (s) => seen.push(s), { clock });
    // 1000 chunks of 10 bytes over 1 s: one per millisecond.
    for (let i = 1; i <= 1000; i++) {
      clock.set(1000 + i);
      r.update(i * 10);
    }
    expect(seen[0]!.bytes).toBe(10);
    expect(seen.at(-1)!.bytes).toBe(10_000);
    expect(seen.length).toBeGreaterThanOrEqual(10);
    expect(seen.length).toBeLessThanOrEqual(12);
    expect(r.reports).toBe(seen.length);
    r.finish(); // already final: nothing more
    expect(seen.length).toBe(r.reports);
  });

  it('computes a smoothed rate and the time left', () => {
    const clock = manual(0);
    const seen: ProgressSnapshot[] = [];
    const r = new ProgressReporter(10_000_000, (s) => seen.push(s), { clock });
    // 1 MB/s steady for 4 s
    for (let ms = 100; ms <= 4000; ms += 100) {
      clock.set(ms);
      r.update(ms * 1000);
    }
    const last = seen.at(-1)!;
    expect(last.bytes).toBe(4_000_000);
    expect(last.rateBps).toBeCloseTo(1_000_000, -3);
    expect(last.etaMs).toBeGreaterThan(5900);
    expect(last.etaMs).toBeLessThan(6100);
    // The rate halves: the smoothed value moves towards it, not at once.
    for (let ms = 4100; ms <= 5000; ms += 100) {
      clock.set(ms);
      r.update(4_000_000 + (ms - 4000) * 500);
    }
    const after = seen.at(-1)!;
    expect(after.rateBps!).toBeLessThan(1_000_000);
    expect(after.rateBps!).toBeGreaterThan(500_000);
  });

  it('never goes backwards and caps at the total', () => {
    const clock = manual();
    const seen: number[] = [];
    const r = new ProgressReporter(100, (s) => seen.push(s.bytes), { clock, minIntervalMs: 0 });
    for (const [t, b] of [
      [1, 10],
      [2, 50],
      [3, 40],
      [4, 60],
      [5, 500],
    ] as const) {
      clock.set(1000 + t);
      r.update(b);
    }
    expect(seen).toEqual([10, 50, 50, 60, 100]);
  });

  it('has no rate before a measurement and reports 100 % on finish for an empty file', () => {
    const clock = manual();
    const seen: ProgressSnapshot[] = [];
    const r = new ProgressReporter(0, (s) => seen.push(s), { clock });
    r.finish();
    expect(seen).toEqual([{ bytes: 0, total: 0, rateBps: null, etaMs: 0 }]);
    const seen2: ProgressSnapshot[] = [];
    const r2 = new ProgressReporter(1000, (s) => seen2.push(s), { clock });
    clock.set(1010);
    r2.update(10);
    expect(seen2[0]).toEqual({ bytes: 10, total: 1000, rateBps: null, etaMs: null });
  });
});
