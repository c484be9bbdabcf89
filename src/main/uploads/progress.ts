import type { Clock } from '../clock';

export interface ProgressSnapshot {
  bytes: number;
  total: number;
  /** Smoothed bytes per second; null until there is a measurement. */
  rateBps: number | null;
  /** Time left at the current rate; null when unknown (no rate yet, or stalled). */
  etaMs: number | null;
}

export interface ProgressReporterOptions {
  clock?: Pick<Clock, 'now'>;
  /** Minimum time between two reports (the first and the final one always go out). Default 100 ms. */
  minIntervalMs?: number;
  /** Time constant of the rate's exponential smoothing. Default 3 s. */
  smoothingMs?: number;
}

/**
 * Turns a transfer's raw progress callbacks (one per chunk: thousands per second) into at most ~10 reports
 * a second for the bridge, each with a smoothed rate and the time left. Bytes never go backwards.
 */
export class ProgressReporter {
  private readonly clock: Pick<Clock, 'now'>;
  private readonly minIntervalMs: number;
  private readonly smoothingMs: number;
  private readonly startedAt: number;
  private lastReportAt: number | undefined;
  private sampleAt: number;
  private sampleBytes = 0;
  private bytes = 0;
  private total: number;
  private rate: number | null = null;
  private finished = false;
  /** How many reports went out (tests count them). */
  reports = 0;

  constructor(
    total: number,
    private readonly emit: (snapshot: ProgressSnapshot) => void,
    options: ProgressReporterOptions = {},
  ) {
    this.clock = options.clock ?? { now: () => Date.now() };
    this.minIntervalMs = options.minIntervalMs ?? 100;
    this.smoothingMs = options.smoothingMs ?? 3000;
    this.total = total;
    this.startedAt = this.clock.now();
    this.sampleAt = this.startedAt;
  }

  /** Feeds one raw progress value; reports it if the first, the final, or due. */
  update(bytes: number, total = this.total): void {
    if (this.finished) return;
    this.total = total;
    this.bytes = Math.max(this.bytes, Math.min(bytes, total));
    const now = this.clock.now();
    const final = this.bytes >= this.total;
    this.measure(now, final);
    if (this.lastReportAt === undefined || final || now - this.lastReportAt >= this.minIntervalMs) {
      if (final) this.finished = true;
      this.report(now);
    }
  }

  /** The transfer succeeded: report 100 % (once), even if the last chunk was never reported. */
  finish(): void {
    if (this.finished) return;
    this.bytes = this.total;
    this.finished = true;
    const now = this.clock.now();
    this.measure(now, true);
    this.report(now);
  }

  snapshot(): ProgressSnapshot {
    const left = this.total - this.bytes;
    const etaMs = left <= 0 ? 0 : this.rate && this.rate > 0 ? Math.round((left / this.rate) * 1000) : null;
    return { bytes: this.bytes, total: this.total, rateBps: this.rate, etaMs };
  }

  /**
   * Exponentially smoothed rate, weighted by elapsed time; samples shorter than 50 ms are pooled (a final
   * report without any rate yet uses the whole transfer's average).
   */
  private measure(now: number, final = false): void {
    const dt = now - this.sampleAt;
    if (dt <= 0 || (dt < 50 && !(final && this.rate === null))) return;
    const instant = ((this.bytes - this.sampleBytes) * 1000) / dt;
    const weight = this.rate === null ? 1 : 1 - Math.exp(-dt / this.smoothingMs);
    this.rate = this.rate === null ? instant : this.rate + weight * (instant - this.rate);
    this.sampleAt = now;
    this.sampleBytes = this.bytes;
  }

  private report(now: number): void {
    this.lastReportAt = now;
    this.reports++;
    this.emit(this.snapshot());
  }
}
