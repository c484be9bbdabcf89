// Aggregates runs into rows and writes them: docs/benchmarks.json (every run's values) and
// docs/benchmarks.md (the table a reader looks at).
import type { CommitInfo, MachineInfo } from './machine';
import { figureOf, round, type Figure } from './stats';
import type { Benchmark, RowResult, RowSpec, RunResult } from './types';

export interface SectionResult {
  name: string;
  title: string;
  method: string;
  notes: string[];
  /** Errors of runs that failed. */
  errors: string[];
  implemented: boolean;
}

export interface BenchReport {
  generatedAt: string;
  smoke: boolean;
  runs: number;
  machine: MachineInfo;
  commit: CommitInfo;
  sections: SectionResult[];
  rows: RowResult[];
}

const roundFigure = (f: Figure): Figure => ({
  median: round(f.median, 3),
  min: round(f.min, 3),
  max: round(f.max, 3),
  runs: f.runs.map((v) => round(v, 3)),
});

function aggregateRow(bench: Benchmark, spec: RowSpec, results: RunResult[], errors: string[]): RowResult {
  const base = {
    id: spec.id,
    section: bench.title,
    label: spec.label,
    unit: spec.unit,
    goal: spec.goal?.text ?? null,
    ...(spec.ratio ? { ratioKind: spec.ratio } : {}),
  };
  if (!bench.run)
    return { ...base, ours: null, baseline: null, ratio: null, met: null, status: 'not-measured' };
  const values = results.map((r) => r.values[spec.id]).filter((v) => v !== undefined);
  if (values.length === 0)
    return {
      ...base,
      ours: null,
      baseline: null,
      ratio: null,
      met: null,
      status: 'failed',
      error: errors[0] ?? 'no value was measured',
    };
  const ours = roundFigure(figureOf(values.map((v) => v.ours)));
  const baselineRuns = values.map((v) => v.baseline).filter((b): b is number => typeof b === 'number');
  const expectsBaseline = values.some((v) => v.baseline !== undefined);
  const baseline = baselineRuns.length > 0 ? roundFigure(figureOf(baselineRuns)) : null;
  let ratio: number | null = null;
  if (baseline && spec.ratio) {
    const r = spec.ratio === 'baseline/ours' ? baseline.median / ours.median : ours.median / baseline.median;
    ratio = Number.isFinite(r) ? round(r, 2) : null;
  }
  const judged = spec.goal?.on === 'max' ? ours.max : ours.median;
  const met = spec.goal ? spec.goal.met(judged, baseline?.median ?? null) : null;
  return {
    ...base,
    ours,
    baseline,
    ...(expectsBaseline && !baseline ? { baselineNote: 'not available' } : {}),
    ratio,
    met,
    status: 'measured',
    ...(errors.length > 0 ? { error: `${errors.length} run(s) failed: ${errors[0]}` } : {}),
  };
}

export function aggregate(
  bench: Benchmark,
  results: RunResult[],
  errors: string[],
): { section: SectionResult; rows: RowResult[] } {
  const notes = [...new Set(results.flatMap((r) => r.notes ?? []))];
  return {
    section: {
      name: bench.name,
      title: bench.title,
      method: bench.method,
      notes,
      errors,
      implemented: bench.run !== undefined,
    },
    rows: bench.rows.map((spec) => aggregateRow(bench, spec, results, errors)),
  };
}

function num(value: number, digits: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function cell(f: Figure | null, digits: number): string {
  if (!f) return '—';
  if (f.runs.length === 1 || f.min === f.max) return num(f.median, digits);
  return `${num(f.median, digits)} (${num(f.min, digits)}–${num(f.max, digits)})`;
}

function ratioCell(row: RowResult): string {
  if (row.ratio === null) return '—';
  const digits = row.ratio >= 10 ? 0 : 2;
  return `${num(row.ratio, digits)}×`;
}

function metCell(row: RowResult): string {
  if (row.status === 'not-measured') return 'not measured yet';
  if (row.status === 'failed') return '**failed**';
  if (row.met === null) return '—';
  return row.met ? 'yes' : '**no**';
}

export function toMarkdown(report: BenchReport, digitsOf: (id: string) => number): string {
  const { machine, commit } = report;
  const lines: string[] = [];
  lines.push('# Benchmarks', '');
  lines.push(
    '`npm run bench` writes this file and [benchmarks.json](benchmarks.json) (every run’s value). Everything runs ' +
      'against the OpenHands simulator on loopback. Each figure is the median over the runs, with (min–max); ' +
      'a ratio compares medians (baseline ÷ ours for costs, ours ÷ baseline for throughput). Goals on counts ' +
      'of bad events (429s, duplicates) are judged on the worst run. Benchmarks are not tests: CI only checks ' +
      'that `npm run bench -- --smoke` still runs (test/bench-smoke.test.ts).',
    '',
    'Flags: `--runs N` (default 3), `--only status,latency,upload,renderer,outbox,startup,cache`, `--out DIR`, `--smoke` (tiny ' +
      'sizes, one run, written to a temp folder). The code is in scripts/bench/ (one module per benchmark).',
    '',
  );
  if (report.smoke) lines.push('> **Smoke run**: tiny sizes, one run — these figures mean nothing.', '');
  lines.push(
    `- Generated: ${report.generatedAt}, ${report.runs} run(s) per benchmark`,
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB} GiB RAM, ${machine.os}, Node ${machine.node}`,
    `- Commit: ${commit.sha ?? 'unknown'}${commit.dirty ? ' (with uncommitted changes)' : ''}`,
    '',
  );
  const missed = report.rows.filter((r) => r.met === false || r.status === 'failed');
  if (missed.length > 0)
    lines.push(
      `**Goals missed or not measured because of a failure:** ${missed.map((r) => `${r.label} (${r.section.split('.')[0]})`).join('; ')}.`,
      '',
    );
  lines.push(
    '| # | Figure | Ours | Baseline | Ratio | Goal | Met |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const row of report.rows) {
    const d = digitsOf(row.id);
    const unit = row.unit === 'count' ? '' : ` ${row.unit}`;
    const baseline = row.baseline ? cell(row.baseline, d) : (row.baselineNote ?? '—');
    lines.push(
      `| ${row.section.split('.')[0]} | ${row.label}${unit ? ` (${row.unit})` : ''} | ${cell(row.ours, d)} | ${baseline} | ${ratioCell(row)} | ${row.goal ?? '—'} | ${metCell(row)} |`,
    );
  }
  lines.push('');
  for (const section of report.sections) {
    lines.push(`## ${section.title}`, '');
    lines.push(section.method, '');
    for (const note of section.notes) lines.push(`- ${note}`);
    for (const error of section.errors) lines.push(`- **A run failed:** ${error}`);
    if (section.notes.length > 0 || section.errors.length > 0) lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
