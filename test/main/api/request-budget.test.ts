import { describe, expect, it } from 'vitest';
import { RequestBudget } from '../../../src/main/api/request-budget';
import { FakeClock } from '../../support/fake-clock';

/** Grants `count` acquisitions and records when each was granted. */
function grantTimes(budget: RequestBudget, clock: FakeClock, count: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < count; i++) void budget.acquire().then(() => times.push(clock.now()));
  return times;
}

describe('RequestBudget', () => {
  it('spaces requests evenly and never puts more than the per-second limit in any 1-second window', async () => {
    const clock = new FakeClock(0);
    const budget = new RequestBudget({ perSecond: 8 }, clock);
    const times = grantTimes(budget, clock, 20);
    await clock.advance(0);
    expect(times).toEqual([0]);
    await clock.advance(3000);
    expect(times).toHaveLength(20);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(125);
    for (const t of times) expect(times.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(8);
  });

  it('keeps to the per-minute limit', async () => {
    const clock = new FakeClock(0);
    const budget = new RequestBudget({ perSecond: 10, perMinute: 30 }, clock);
    const times = grantTimes(budget, clock, 40);
    await clock.advance(59_000);
    expect(times).toHaveLength(30);
    await clock.advance(2000);
    expect(times.length).toBeGreaterThan(30);
    expect(times.filter((t) => t < 60_000)).toHaveLength(30);
  });

  it('blocks everyone after a 429 until the server said to retry', async () => {
    const clock = new FakeClock(0);
    const budget = new RequestBudget({ perSecond: 8 }, clock);
    budget.blockFor(5000);
    const times = grantTimes(budget, clock, 3);
    await clock.advance(4999);
    expect(times).toHaveLength(0);
    await clock.advance(1);
    expect(times).toEqual([5000]);
    await clock.advance(250);
    expect(times).toEqual([5000, 5125, 5250]);
  });

  it('lets a cancelled waiter go without stalling the queue', async () => {
    const clock = new FakeClock(0);
    const budget = new RequestBudget({ perSecond: 1 }, clock);
    await budget.acquire();
    const controller = new AbortController();
    const cancelled = budget.acquire(controller.signal);
    const after = grantTimes(budget, clock, 1);
    controller.abort(new Error('user cancelled'));
    await expect(cancelled).rejects.toThrow('user cancelled');
    await clock.advance(1000);
    expect(after).toEqual([1000]);
  });
});
