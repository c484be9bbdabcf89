// What to do when the renderer process dies. Pure, with an injected clock reading, so the cap is tested.

/** Electron's `RenderProcessGoneDetails.reason`. */
export type RenderGoneReason =
  | 'clean-exit'
  | 'abnormal-exit'
  | 'killed'
  | 'crashed'
  | 'oom'
  | 'launch-failed'
  | 'integrity-failure'
  | 'memory-eviction';

export type CrashDecision =
  | { action: 'ignore'; report: string }
  | { action: 'reload'; report: string }
  | { action: 'give-up'; report: string };

export interface CrashPolicyOptions {
  /** Reloads allowed within `windowMs` before giving up (a renderer that crashes on load would loop). */
  maxReloads?: number;
  windowMs?: number;
}

export class CrashReloadPolicy {
  private readonly reloads: number[] = [];
  private readonly maxReloads: number;
  private readonly windowMs: number;

  constructor(options: CrashPolicyOptions = {}) {
    this.maxReloads = options.maxReloads ?? 3;
    this.windowMs = options.windowMs ?? 60_000;
  }

  decide(details: { reason: string; exitCode: number }, nowMs: number): CrashDecision {
    const what = `renderer process gone (reason ${details.reason}, exit code ${details.exitCode})`;
    // The window is closing, or the app quitting: nothing went wrong.
    if (details.reason === 'clean-exit') return { action: 'ignore', report: what };
    // A tampered bundle will fail the same way again: reloading only loops.
    if (details.reason === 'integrity-failure')
      return { action: 'give-up', report: `${what}; not reloading a page that failed its integrity check` };
    while (this.reloads.length > 0 && nowMs - (this.reloads[0] ?? 0) >= this.windowMs) this.reloads.shift();
    if (this.reloads.length >= this.maxReloads)
      return {
        action: 'give-up',
        report: `${what}; ${this.reloads.length} reloads in the last ${Math.round(this.windowMs / 1000)} s, giving up`,
      };
    this.reloads.push(nowMs);
    return {
      action: 'reload',
      report: `${what}; reloading (${this.reloads.length} of ${this.maxReloads} within ${Math.round(this.windowMs / 1000)} s)`,
    };
  }

  /** After the user chose "Reload" on the give-up dialog: start counting afresh. */
  reset(): void {
    this.reloads.length = 0;
  }
}
