import { type Clock, systemClock } from '../clock';

export interface BudgetLimits {
  perSecond: number;
  perMinute?: number;
}

/**
 * Self-hosted servers delay then refuse past 10 requests/s per client; Cloud allows 10/s and 100/min per
 * user. We stay under both with a margin, whatever the number of conversations tracked.
 */
export const SELF_HOSTED_BUDGET: BudgetLimits = { perSecond: 8 };
export const CLOUD_BUDGET: BudgetLimits = { perSecond: 8, perMinute: 90 };

/**
 * A client-side request budget for one server: callers `acquire()` a slot before each request and wait,
 * first come first served. Requests are spaced at least 1/perSecond apart, windows are never exceeded, and
 * nothing is sent while the server asked us to back off (429).
 */
export class RequestBudget {
  private readonly sent: number[] = [];
  private blockedUntil = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private limits: BudgetLimits,
    private readonly clock: Clock = systemClock,
  ) {}

  setLimits(limits: BudgetLimits): void {
    this.limits = limits;
  }

  /** After a 429: nobody sends to this server until `ms` from now. */
  blockFor(ms: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, this.clock.now() + ms);
  }

  /** Requests sent in the last minute (for diagnostics and benchmarks). */
  get sentLastMinute(): number {
    this.prune(this.clock.now());
    return this.sent.length;
  }

  acquire(signal?: AbortSignal): Promise<void> {
    const turn = this.queue.then(() => this.waitForSlot(signal));
    // A cancelled caller must not stall the ones behind it.
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private prune(now: number): void {
    while (this.sent.length > 0 && now - this.sent[0]! >= 60_000) this.sent.shift();
  }

  private async waitForSlot(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.clock.now();
      this.prune(now);
      let wait = Math.max(0, this.blockedUntil - now);
      const inLastSecond = this.sent.filter((t) => now - t < 1000);
      if (inLastSecond.length >= this.limits.perSecond) wait = Math.max(wait, inLastSecond[0]! + 1000 - now);
      // Spread requests evenly rather than in bursts: network jitter can push a burst together at the
      // server, which counts its own windows.
      const last = this.sent.at(-1);
      if (last !== undefined) wait = Math.max(wait, last + 1000 / this.limits.perSecond - now);
      if (this.limits.perMinute !== undefined && this.sent.length >= this.limits.perMinute)
        wait = Math.max(wait, this.sent[0]! + 60_000 - now);
      if (wait <= 0) {
        this.sent.push(now);
        return;
      }
      await this.clock.sleep(wait, signal);
    }
  }
}
