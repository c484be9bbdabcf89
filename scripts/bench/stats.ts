// Small statistics for benchmark figures: medians and percentiles over runs or samples.

/** The nearest-rank percentile (p in 0..100) of `values`; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** The median (the mean of the two middle values for an even count); NaN when there are none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** One figure over several runs. */
export interface Figure {
  median: number;
  min: number;
  max: number;
  /** Every run's value, in run order. */
  runs: number[];
}

export function figureOf(runs: readonly number[]): Figure {
  return {
    median: median(runs),
    min: Math.min(...runs),
    max: Math.max(...runs),
    runs: [...runs],
  };
}

export const MB = 1e6;
export const MiB = 1024 * 1024;

/** Rounds to `digits` decimals (for JSON that stays readable). */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
