/** Timers the simulator owns, so closing it leaves nothing running. */
export class Scheduler {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  /** @param stepMs the base unit of simulated work (an agent step, a start-task step). */
  constructor(readonly stepMs: number) {}

  after(ms: number, fn: () => void): NodeJS.Timeout | undefined {
    if (this.closed) return undefined;
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
    return t;
  }

  cancel(t: NodeJS.Timeout | undefined): void {
    if (!t) return;
    clearTimeout(t);
    this.timers.delete(t);
  }

  /** Resolves after `steps` simulated steps. */
  sleep(steps = 1): Promise<void> {
    return new Promise((resolve) => {
      if (!this.after(Math.round(this.stepMs * steps), resolve)) resolve();
    });
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
