// `npm run bench [-- --runs N] [-- --smoke] [-- --out DIR] [-- --only status,latency,…]` — performance
// benchmarks against the OpenHands simulator on loopback (docs/benchmarks.md says what each one measures).
// A full run writes docs/benchmarks.md and docs/benchmarks.json; `--smoke` (tiny sizes, one run) and `--only`
// (a partial table) write to a temp folder unless `--out` says otherwise. Exit code 1 when a benchmark failed
// to run (a missed goal is not a failure: the table says so).
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { format, resolveConfig } from 'prettier';
import { machineInfo, commitInfo } from './bench/machine';
import { aggregate, type BenchReport, toMarkdown } from './bench/report';
import { BENCHMARKS } from './bench/benchmarks';
import type { BenchOptions, RowResult, RunResult } from './bench/types';
import type { SectionResult } from './bench/report';

const ROOT = path.resolve(__dirname, '..');

interface Args {
  runs: number;
  smoke: boolean;
  out: string | undefined;
  only: string[] | undefined;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { runs: 3, smoke: false, out: undefined, only: undefined };
  let runsGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--smoke') args.smoke = true;
    else if (flag === '--runs') {
      args.runs = Number(value());
      runsGiven = true;
      if (!Number.isInteger(args.runs) || args.runs < 1) throw new Error('--runs must be a whole number ≥ 1');
    } else if (flag === '--out') args.out = path.resolve(value());
    else if (flag === '--only') args.only = value().split(',').filter(Boolean);
    else if (flag === '--help' || flag === '-h') {
      process.stdout.write(
        'npm run bench -- [--runs N (default 3)] [--smoke] [--out DIR] [--only ' +
          `${BENCHMARKS.map((b) => b.name).join(',')}]\n`,
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (args.smoke && !runsGiven) args.runs = 1;
  return args;
}

/** Formatted as the repository's Prettier config says, so `npm run lint` accepts the files in docs/. */
async function pretty(file: string, text: string): Promise<string> {
  const config = (await resolveConfig(path.join(ROOT, 'docs', path.basename(file)))) ?? {};
  return format(text, { ...config, filepath: file });
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const options: BenchOptions = { runs: args.runs, smoke: args.smoke, log };
  const outDir =
    args.out ??
    (args.smoke || args.only
      ? await mkdtemp(path.join(tmpdir(), 'openhands-bench-'))
      : path.join(ROOT, 'docs'));
  const sections: SectionResult[] = [];
  const rows: RowResult[] = [];
  let failed = false;
  for (const bench of BENCHMARKS) {
    const selected = !args.only || args.only.includes(bench.name);
    const results: RunResult[] = [];
    const errors: string[] = [];
    if (bench.run && selected) {
      for (let i = 1; i <= args.runs; i++) {
        log(`${bench.title}: run ${i}/${args.runs}`);
        const started = Date.now();
        try {
          results.push(await bench.run(options));
        } catch (error) {
          failed = true;
          const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
          log(`  failed: ${message}`);
          errors.push(message.split('\n')[0]!);
        }
        log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      }
    }
    const { section, rows: benchRows } = aggregate(
      selected ? bench : { ...bench, run: undefined, method: `${bench.method} (skipped by --only)` },
      results,
      errors,
    );
    sections.push(section);
    rows.push(...benchRows);
  }
  const report: BenchReport = {
    generatedAt: new Date().toISOString(),
    smoke: args.smoke,
    runs: args.runs,
    machine: machineInfo(),
    commit: commitInfo(ROOT),
    sections,
    rows,
  };
  const digits = new Map(BENCHMARKS.flatMap((b) => b.rows.map((r) => [r.id, r.digits ?? 1] as const)));
  await mkdir(outDir, { recursive: true });
  const json = path.join(outDir, 'benchmarks.json');
  const md = path.join(outDir, 'benchmarks.md');
  await writeFile(json, await pretty(json, JSON.stringify(report, null, 2)));
  await writeFile(
    md,
    await pretty(
      md,
      toMarkdown(report, (id) => digits.get(id) ?? 1),
    ),
  );
  for (const row of rows.filter((r) => r.met === false)) log(`goal missed: ${row.label} (${row.section})`);
  process.stdout.write(`bench: wrote ${md} and ${json}\n`);
  if (failed) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`npm run bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
