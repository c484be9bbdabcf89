import { execFile } from 'node:child_process';
import { statfsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planUpload } from '../../src/main/uploads/upload-plan';
import { useSimulator } from '../support/sim';
import { makeServer } from '../api/support';
import type { ChildResult } from './upload-child';
import { MiB, sha256File, writeRandomFile } from './support';

const run = promisify(execFile);
const SIZE_MIB = 1024;
const MB = 1e6;
const freeInTmp = (() => {
  const s = statfsSync(tmpdir());
  return s.bavail * s.bsize;
})();

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'openhands-1gib-test-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe('a 1 GiB upload', () => {
  const sim = useSimulator({ stepMs: 5 });

  // The file exists three times at the peak (local, in the simulator's sandbox, downloaded back).
  it.skipIf(freeInTmp < 3.5 * SIZE_MIB * MiB)(
    `streams byte-identical (sha256) with the uploading process under 150 MB RSS (needs 3.5 GiB free in ${tmpdir()})`,
    async () => {
      const t0 = Date.now();
      // The uploader runs in its own process (plain node, bundled once): the simulator in this worker
      // writes the same gigabyte to disk and would blur the figure otherwise.
      const child = join(scratch, 'upload-child.cjs');
      await build({
        entryPoints: [join(__dirname, 'upload-child.ts')],
        bundle: true,
        platform: 'node',
        target: 'node22',
        format: 'cjs',
        outfile: child,
        logLevel: 'silent',
      });

      const local = join(scratch, 'one-gib.bin');
      const sum = await writeRandomFile(local, SIZE_MIB);
      const tGenerated = Date.now();
      const plan = await planUpload([local]);
      const spec = plan.files[0]!;
      expect(spec).toMatchObject({ remotePath: '/workspace/project/one-gib.bin', size: SIZE_MIB * MiB });
      expect(plan.needsConfirmation).toBe(true); // above 200 MiB

      const server = makeServer(sim().url);
      const ref = await server.createConversation({});
      const workerBaseline = process.memoryUsage().rss;
      let workerPeak = workerBaseline;
      const sampler = setInterval(() => (workerPeak = Math.max(workerPeak, process.memoryUsage().rss)), 50);
      let result: ChildResult;
      try {
        const { stdout } = await run(
          process.execPath,
          [child, JSON.stringify({ baseUrl: sim().url, ref, spec })],
          { timeout: 45_000 },
        );
        result = JSON.parse(stdout.trim()) as ChildResult;
      } finally {
        clearInterval(sampler);
      }
      const back = join(scratch, 'one-gib.back.bin');
      await server.download(ref, spec.remotePath, back);
      const tDownloaded = Date.now();
      const backSum = await sha256File(back);
      const sandboxId = sim().world.conversations.get(ref.id)!.sandboxId;
      await rm(join(sim().world.options.filesRoot, sandboxId, spec.remotePath), { force: true });
      await rm(back, { force: true });
      await rm(local, { force: true });

      const growth = result.peakRss - result.baselineRss;
      const figures = {
        uploadMs: result.ms,
        throughputMBps: Math.round((SIZE_MIB * MiB) / MB / (result.ms / 1000)),
        childBaselineMB: Math.round(result.baselineRss / MB),
        childPeakMB: Math.round(result.peakRss / MB),
        childGrowthMB: Math.round(growth / MB),
        childSamples: result.samples,
        progressReports: result.reports,
        workerBaselineMB: Math.round(workerBaseline / MB),
        workerPeakMB: Math.round(workerPeak / MB),
        generateMs: tGenerated - t0,
        totalMs: Date.now() - t0,
        downloadAndHashMs: Date.now() - tDownloaded + (tDownloaded - tGenerated - result.ms),
      };
      console.log(`1 GiB upload: ${JSON.stringify(figures)}`);

      expect(backSum).toBe(sum);
      expect(result.lastBytes).toBe(SIZE_MIB * MiB);
      expect(result.monotonic).toBe(true);
      expect(result.samples).toBeGreaterThan(0);
      expect(growth, `uploader RSS grew by ${figures.childGrowthMB} MB`).toBeLessThan(150 * MB);
      expect(result.peakRss, `uploader peak RSS ${figures.childPeakMB} MB`).toBeLessThan(150 * MB);
      // ≤ ~10 reports a second, plus the first and the final one
      expect(result.reports).toBeLessThanOrEqual(Math.ceil(result.ms / 100) + 2);
    },
    90_000,
  );
});
