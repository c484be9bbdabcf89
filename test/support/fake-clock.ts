import type { Clock } from '../../src/main/clock';

/** A clock that only moves when the test says so; sleepers wake in time order. */
export class FakeClock implements Clock {
  private time: number;
  private sleepers: { at: number; resolve: () => void }[] = [];

  constructor(start = 1_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const entry = { at: this.time + ms, resolve };
      this.sleepers.push(entry);
      signal?.addEventListener('abort', () => {
        this.sleepers = this.sleepers.filter((s) => s !== entry);
        reject(signal.reason as Error);
      });
    });
  }

  /** Moves time forward, waking every sleeper due on the way (and letting their continuations run). */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await flush();
      this.sleepers.sort((a, b) => a.at - b.at);
      const next = this.sleepers[0];
      if (!next || next.at > end) break;
      this.sleepers.shift();
      this.time = next.at;
      next.resolve();
    }
    this.time = end;
    await flush();
  }

  get pending(): number {
    return this.sleepers.length;
  }
}

/** Lets every pending promise continuation run (a macrotask turn drains the microtask queue). */
function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
