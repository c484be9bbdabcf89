// 6. Start-up and footprint: browser mode from process start to a bridge answer, its RSS while tracking
// 1,000 conversations, and the renderer bundle's gzipped size.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { startSimulator } from '../../test/simulator/simulator';
import { procMemory } from './bundle';
import { sleep } from './main-services';
import { MB } from './stats';
import { atMost, type Benchmark, type RunResult } from './types';
import { startWebChild, webEntry } from './web-child';

const ROOT = path.resolve(__dirname, '../..');
const ASSETS = path.join(ROOT, 'out', 'renderer', 'assets');

/** gzip -9 of every .js and .css in out/renderer/assets (built first when missing). */
async function rendererGzipBytes(log: (line: string) => void): Promise<{ bytes: number; files: number }> {
  if (!existsSync(ASSETS)) {
    log('  out/renderer is missing: npm run build');
    const built = spawnSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('npm run build failed');
  }
  const files = (await readdir(ASSETS)).filter((f) => f.endsWith('.js') || f.endsWith('.css'));
  let bytes = 0;
  for (const file of files) bytes += gzipSync(await readFile(path.join(ASSETS, file)), { level: 9 }).length;
  return { bytes, files: files.length };
}

let runIndex = 0;

export const startup: Benchmark = {
  name: 'startup',
  title: '6. Start-up and footprint',
  method:
    'Browser mode’s entry (src/main/web/web-main.ts, bundled with esbuild into one CommonJS file as the app ' +
    'ships its main process, run with plain `node --port 0 --user-data-dir <empty temp dir>`). Start-up: from ' +
    'spawn to the printed address, and to the first answer on the page’s `/bridge` socket (`app:info`). ' +
    'Footprint: a second such process is given the simulator (`servers:add` over the bridge) holding N ' +
    'conversations, M running; once `conversations:list` returns all N, its VmRSS is sampled every 100 ms for ' +
    'the window and the highest value reported (VmHWM, the peak since start, in the notes). Renderer: gzip -9 ' +
    'of every .js and .css in out/renderer/assets as last built (`npm run build` runs first only when missing).',
  rows: [
    { id: 'startup.readyLine', label: 'Start-up: process start → address printed', unit: 'ms', digits: 0 },
    {
      id: 'startup.bridgeReady',
      label: 'Start-up: process start → bridge answers',
      unit: 'ms',
      digits: 0,
      goal: atMost(500, 'ms'),
    },
    {
      id: 'footprint.rss',
      label: 'Main-process RSS while tracking 1,000 conversations',
      unit: 'MB',
      digits: 0,
      goal: atMost(150, 'MB'),
    },
    {
      id: 'footprint.rendererGzip',
      label: 'Renderer bundle, gzipped (js + css)',
      unit: 'kB',
      digits: 1,
      goal: atMost(350, 'kB'),
    },
  ],
  async run(options): Promise<RunResult> {
    const sizes = options.smoke
      ? { conversations: 50, active: 5, windowMs: 2000 }
      : { conversations: 1000, active: 50, windowMs: 20_000 };
    const run = runIndex++;
    const entry = await webEntry();
    const notes: string[] = [];

    const cold = await startWebChild(entry);
    const readyLine = cold.readyAt - cold.spawnedAt;
    const bridgeReady = cold.bridgeAt - cold.spawnedAt;
    await cold.close();

    const sim = await startSimulator({
      stepMs: 3_600_000,
      maxSandboxes: Math.ceil(sizes.conversations / 100) + 5,
    });
    let rss = 0;
    try {
      const records = await sim.world.seedMany(sizes.conversations, 100);
      for (const r of records.slice(0, sizes.active)) sim.setExecutionStatus(r.id, 'running');
      const web = await startWebChild(entry);
      try {
        const added = (await web.call('servers:add', {
          server: { name: 'Benchmark simulator', baseUrl: sim.url },
        })) as {
          ok?: boolean;
        };
        if (added.ok !== true) throw new Error(`servers:add answered ${JSON.stringify(added)}`);
        const deadline = Date.now() + 60_000;
        for (;;) {
          const list = (await web.call('conversations:list')) as { ok?: boolean; data?: unknown };
          const tracked = list.ok === true && Array.isArray(list.data) ? list.data.length : 0;
          if (tracked >= sizes.conversations) break;
          if (Date.now() > deadline)
            throw new Error(
              `browser mode tracked ${tracked} of ${sizes.conversations} conversations after 60 s`,
            );
          await sleep(500);
        }
        const started = Date.now();
        let hwm = 0;
        while (Date.now() - started < sizes.windowMs) {
          const m = await procMemory(web.pid);
          if (m) {
            rss = Math.max(rss, m.rss);
            hwm = m.hwm;
          }
          await sleep(100);
        }
        notes.push(
          `footprint: ${sizes.conversations} conversations (${sizes.active} running), ${sizes.windowMs / 1000} s window.`,
          `footprint, run ${run + 1}: VmHWM since start (discovery included) ${Math.round(hwm / MB)} MB.`,
        );
      } finally {
        await web.close();
      }
    } finally {
      await sim.close();
    }

    const gz = await rendererGzipBytes(options.log);
    notes.push(`renderer: ${gz.files} files in out/renderer/assets.`);
    return {
      values: {
        'startup.readyLine': { ours: readyLine },
        'startup.bridgeReady': { ours: bridgeReady },
        'footprint.rss': { ours: rss / MB },
        'footprint.rendererGzip': { ours: gz.bytes / 1000 },
      },
      notes,
    };
  },
};
