// What a benchmark is: rows it fills (one figure each, ours and maybe a baseline's), and one run that
// measures them all once. scripts/bench.ts repeats runs and aggregates.
import type { Figure } from './stats';

export interface BenchOptions {
  /** Runs per benchmark (≥ 1). */
  runs: number;
  /** Tiny sizes, one run: proves the benchmarks still work (test/bench-smoke.test.ts). */
  smoke: boolean;
  /** Progress lines (stderr). */
  log: (line: string) => void;
}

/** How a row's goal is judged. `value` is ours (median over runs, or max where any bad run counts). */
export interface Goal {
  text: string;
  /** Which of our aggregates the goal applies to. */
  on: 'median' | 'max';
  met: (value: number, baseline: number | null) => boolean;
}

/** "≤ limit unit", on the median unless every run must keep it (`on: 'max'`). */
export function atMost(limit: number, unit = '', on: Goal['on'] = 'median'): Goal {
  return { text: `≤ ${limit}${unit ? ` ${unit}` : ''}`, on, met: (v) => v <= limit };
}

/** Bad events (429s, duplicates, losses): none in any run. */
export const NONE: Goal = { text: '0', on: 'max', met: (v) => v === 0 };

export interface RowSpec {
  id: string;
  label: string;
  unit: string;
  /** Decimals in the table. */
  digits?: number;
  goal?: Goal;
  /** How the ratio column reads: baseline ÷ ours ("× fewer") or ours ÷ baseline ("× as fast"). */
  ratio?: 'baseline/ours' | 'ours/baseline';
}

/** One run's values, by row id. `baseline: null` = the baseline could not be measured in this run. */
export type RunValues = Record<string, { ours: number; baseline?: number | null }>;

export interface RunResult {
  values: RunValues;
  /** Facts worth printing under the table (sizes used, what was counted, anomalies seen). */
  notes?: string[];
}

export interface Benchmark {
  /** Short name for `--only`. */
  name: string;
  /** Section title, e.g. "1. Status tracking cost". */
  title: string;
  /** How it is measured, one paragraph (goes under the table). */
  method: string;
  rows: RowSpec[];
  /** Measures every row once. Absent: the benchmark is not implemented yet (its rows say so). */
  run?: (options: BenchOptions) => Promise<RunResult>;
}

/** One row of the output, aggregated over runs. */
export interface RowResult {
  id: string;
  section: string;
  label: string;
  unit: string;
  ours: Figure | null;
  baseline: Figure | null;
  /** Why there is no baseline figure, when a baseline was expected. */
  baselineNote?: string;
  ratio: number | null;
  ratioKind?: 'baseline/ours' | 'ours/baseline';
  goal: string | null;
  /** null: no goal, or not measured. */
  met: boolean | null;
  /** "not measured yet" and the like. */
  status: 'measured' | 'not-measured' | 'failed';
  error?: string;
}
