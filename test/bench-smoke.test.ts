import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BENCHMARKS, ROW_IDS } from '../scripts/bench/benchmarks';
import type { BenchReport } from '../scripts/bench/report';

const root = path.resolve(__dirname, '..');

/** Benchmarks are not tests (nothing here is timed): this only proves `npm run bench` still works. */
describe('npm run bench -- --smoke', () => {
  it('runs every benchmark once at tiny sizes and writes well-formed JSON and a table with every row', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'bench-smoke-'));
    try {
      const child = spawn('npm', ['run', '-s', 'bench', '--', '--smoke', '--out', out], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code, output).toBe(0);

      const report = JSON.parse(await readFile(path.join(out, 'benchmarks.json'), 'utf8')) as BenchReport;
      expect(report).toMatchObject({ smoke: true, runs: 1 });
      expect(report.machine).toMatchObject({ node: process.version });
      expect(report.machine.cores).toBeGreaterThan(0);
      expect(report.machine.cpu.length).toBeGreaterThan(0);
      expect(report.commit.sha === null || /^[0-9a-f]{40}$/.test(report.commit.sha)).toBe(true);
      expect(report.rows.map((r) => r.id)).toEqual(ROW_IDS);
      for (const row of report.rows) {
        const bench = BENCHMARKS.find((b) => b.rows.some((r) => r.id === row.id))!;
        if (!bench.run) {
          expect(row, row.id).toMatchObject({ status: 'not-measured', ours: null, met: null });
          continue;
        }
        expect(row.status, `${row.id}: ${row.error ?? ''}`).toBe('measured');
        expect(Number.isFinite(row.ours?.median), row.id).toBe(true);
        expect(row.ours?.runs, row.id).toHaveLength(1);
        if (row.goal) expect(typeof row.met, row.id).toBe('boolean');
      }

      const table = await readFile(path.join(out, 'benchmarks.md'), 'utf8');
      for (const row of report.rows) expect(table).toContain(row.label);
      // A benchmark without a `run` (4. Renderer at scale where there is no Chromium) says so in the table.
      if (BENCHMARKS.some((b) => !b.run)) expect(table).toContain('not measured yet');
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 240_000);
});
