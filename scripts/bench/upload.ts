// 3. Upload: a 1 GiB file (smoke: 8 MiB) to a sandbox's agent server — our upload (runUpload through
// OpenHandsServer, in its own `node` process: test/uploads/upload-child.ts) against `curl -F file=@…` to
// the same route of the same server in the same run. Peak RSS of each uploading process from /proc.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { statfsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { UploadSpec } from '../../src/main/uploads/upload-runner';
import type { ChildResult } from '../../test/uploads/upload-child';
import { writeRandomFile } from '../../test/uploads/support';
import { startSimulator, type Simulator } from '../../test/simulator/simulator';
import { bundle, sampleMemory } from './bundle';
import { MB, MiB } from './stats';
import { atMost, type Benchmark, type RunResult } from './types';

interface Measured {
  ms: number;
  peakRss: number;
}

function hasCurl(): boolean {
  return spawnSync('curl', ['--version'], { stdio: 'ignore' }).status === 0;
}

async function ours(
  child: string,
  sim: Simulator,
  conversationId: string,
  spec: UploadSpec,
): Promise<Measured> {
  const input = JSON.stringify({
    baseUrl: sim.url,
    ref: { serverId: 'bench', id: conversationId, version: 'V1' },
    spec,
  });
  const proc = execFile(process.execPath, [child, input], { timeout: 600_000, maxBuffer: 1 << 20 });
  const sampler = sampleMemory(proc.pid!);
  let stdout = '';
  let stderr = '';
  proc.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
  const sampled = sampler.stop();
  if (code !== 0) throw new Error(`our upload failed (exit ${code}): ${stderr.trim()}`);
  const result = JSON.parse(stdout.trim()) as ChildResult;
  if (result.lastBytes !== spec.size)
    throw new Error(`our upload reported ${result.lastBytes} of ${spec.size} bytes`);
  return { ms: result.ms, peakRss: Math.max(result.peakRss, sampled.peak) };
}

async function curl(url: string, key: string, file: string): Promise<Measured> {
  const proc = spawn(
    'curl',
    [
      '-sS',
      '--fail',
      '-o',
      '/dev/null',
      '-w',
      '%{time_total}',
      '-H',
      `X-Session-API-Key: ${key}`,
      '-F',
      `file=@${file}`,
      url,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const sampler = sampleMemory(proc.pid!);
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
  const sampled = sampler.stop();
  if (code !== 0) throw new Error(`curl failed (exit ${code}): ${stderr.trim()}`);
  return { ms: Number(stdout.trim()) * 1000, peakRss: sampled.peak };
}

let runIndex = 0;

export const upload: Benchmark = {
  name: 'upload',
  title: '3. Upload',
  method:
    'A file of random bytes goes to a sandbox of the simulator (agent server 1.19.1, `POST /api/file/upload?path=`, ' +
    'streamed to disk by busboy). Ours: `runUpload` through `OpenHandsServer` (streamed multipart, exact ' +
    'Content-Length, progress) in a child `node` process (test/uploads/upload-child.ts, bundled); its time is ' +
    'the upload alone (process start excluded). Baseline: `curl -F file=@…` to the same route and server in the ' +
    "same run, timed by curl's `time_total`. Peak RSS: the highest of /proc/<pid>/status VmHWM/VmRSS sampled " +
    'every 20 ms (and, for ours, the child’s own samples). Throughput in MB/s (10^6 bytes).',
  rows: [
    {
      id: 'upload.throughput',
      label: 'Throughput',
      unit: 'MB/s',
      digits: 0,
      ratio: 'ours/baseline',
      goal: { text: '≥ 0.8× curl', on: 'median', met: (v, b) => b !== null && v / b >= 0.8 },
    },
    {
      id: 'upload.peakRss',
      label: 'Peak RSS of the uploading process',
      unit: 'MB',
      digits: 0,
      goal: atMost(150, 'MB', 'max'),
    },
  ],
  async run(options): Promise<RunResult> {
    const mib = options.smoke ? 8 : 1024;
    const size = mib * MiB;
    const scratch = await mkdtemp(path.join(tmpdir(), 'openhands-bench-upload-'));
    const free = (() => {
      const s = statfsSync(scratch);
      return s.bavail * s.bsize;
    })();
    if (free < 2.2 * size) {
      await rm(scratch, { recursive: true, force: true });
      throw new Error(
        `needs ${Math.ceil((2.2 * size) / MiB)} MiB free in ${tmpdir()}, has ${Math.floor(free / MiB)}`,
      );
    }
    const sim = await startSimulator({ stepMs: 5 });
    try {
      const child = await bundle('test/uploads/upload-child.ts', 'upload-child');
      const local = path.join(scratch, 'bench-upload.bin');
      await writeRandomFile(local, mib);
      const info = await stat(local);
      const record = await sim.seedConversation({ title: 'Upload benchmark' });
      const sandbox = sim.world.sandboxes.get(record.sandboxId)!;
      const landed = (remote: string): string =>
        path.join(sim.world.options.filesRoot, record.sandboxId, remote);
      const check = async (remote: string): Promise<void> => {
        const got = (await stat(landed(remote))).size;
        if (got !== size) throw new Error(`${remote} arrived with ${got} of ${size} bytes`);
        await rm(landed(remote), { force: true });
      };

      const spec: UploadSpec = {
        localPath: local,
        remotePath: '/workspace/project/ours.bin',
        size,
        mtimeMs: info.mtimeMs,
      };
      const measureOurs = async (): Promise<Measured> => {
        const m = await ours(child, sim, record.id, spec);
        await check(spec.remotePath);
        return m;
      };
      const measureCurl = async (): Promise<Measured> => {
        const remote = '/workspace/project/curl.bin';
        const url = `${sandbox.agent.url}/api/file/upload?path=${encodeURIComponent(remote)}`;
        const m = await curl(url, sandbox.agent.sessionApiKey ?? '', local);
        await check(remote);
        return m;
      };
      const notes = [`${mib} MiB file; ours and curl take turns going first from one run to the next.`];
      const curlFirst = runIndex++ % 2 === 1;
      let base: Measured | null = null;
      if (!hasCurl()) notes.push('curl is not installed: no baseline.');
      else if (curlFirst) base = await measureCurl();
      const mine = await measureOurs();
      if (hasCurl() && !curlFirst) base = await measureCurl();
      const throughput = (m: Measured): number => size / MB / (m.ms / 1000);
      return {
        values: {
          'upload.throughput': { ours: throughput(mine), baseline: base ? throughput(base) : null },
          'upload.peakRss': { ours: mine.peakRss / MB, baseline: base ? base.peakRss / MB : null },
        },
        notes,
      };
    } finally {
      await sim.close();
      await rm(scratch, { recursive: true, force: true });
    }
  },
};
