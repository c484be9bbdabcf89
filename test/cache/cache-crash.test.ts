// Crash safety of the local cache: a child writes it in a loop and is killed with SIGKILL at a random moment;
// the next start must read a valid cache (or set a bad file aside and rebuild it), never crash.
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalCache } from '../../src/main/cache/local-cache';
import { MemoryLogger } from '../../src/main/logger';
import { trialRandom, trialSeed } from '../support/seeded-random';
import { SERVER, tempDir } from './support';

let root: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir: root, cleanup } = await tempDir('cache-crash-'));
});
afterEach(async () => {
  await cleanup();
});

let writer: string;
// The child is the real cache code bundled once into plain CommonJS, so each trial starts in ~50 ms
// (through tsx it takes over a second).
beforeAll(async () => {
  const out = await tempDir('cache-writer-');
  writer = path.join(out.dir, 'cache-writer.js');
  await build({
    entryPoints: [path.join(__dirname, 'fixtures', 'cache-writer.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    outfile: writer,
    logLevel: 'silent',
  });
  return out.cleanup;
});

/** Starts the writer on `dir`, waits until its first round is on disk, kills it `delayMs` after. */
async function runAndKill(dir: string, delayMs: number): Promise<void> {
  const child = spawn(process.execPath, [writer, dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_c, signal) => resolve(signal)),
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.includes('ready\n')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`writer exited early (code ${code})`)));
  });
  await new Promise((r) => setTimeout(r, delayMs));
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
}

describe('local cache crash safety', () => {
  const TRIALS = 32;
  const PARALLEL = 4;

  it(`reads a valid cache (or rebuilds it) after SIGKILL at random moments (${TRIALS} trials)`, async () => {
    let setAside = 0;
    let conversationsRead = 0;
    // The kill moments come from the seed (printed; CRASH_SEED=… replays them).
    const seed = trialSeed('cache crash safety', 'test/cache/cache-crash.test.ts');
    const trial = async (n: number): Promise<void> => {
      // Each folder is reused by successive trials: later children start from what the killed ones left.
      const dir = path.join(root, `trial-${n % PARALLEL}`);
      const delayMs = trialRandom(seed, n)() * 60;
      await runAndKill(dir, delayMs);
      const at = `trial ${n} (killed ${delayMs.toFixed(1)} ms after ready, CRASH_SEED=${seed})`;
      const logger = new MemoryLogger();
      const cache = await LocalCache.open({ dir, logger });
      const list = cache.list(SERVER);
      for (const c of list) expect(c.title, at).toMatch(/^Round \d+ #\d+$/);
      for (const c of list.slice(0, 4)) {
        const cached = await cache.readEvents(`${SERVER}/${c.id}`);
        if (!cached) continue;
        conversationsRead++;
        const ids = cached.events.map((e) => e.id);
        expect(new Set(ids).size, `${at}: duplicate ids`).toBe(ids.length);
        const times = cached.events.map((e) => e.timestamp);
        expect([...times].sort(), `${at}: out of order`).toEqual(times);
      }
      // Any problem is one "set aside … rebuilt" line per file, never an exception.
      for (const line of logger.lines)
        expect(line, at).toMatch(/could not be used .* set aside as .* rebuilt/);
      setAside += logger.lines.length;
      const temps = (await readdir(dir, { recursive: true })).filter((f) => String(f).endsWith('.tmp'));
      expect(temps, `${at}: temp files left`).toEqual([]);
      await cache.close();
    };
    for (let start = 0; start < TRIALS; start += PARALLEL)
      await Promise.all(
        Array.from({ length: Math.min(PARALLEL, TRIALS - start) }, (_, i) => trial(start + i)),
      );
    expect(conversationsRead).toBeGreaterThan(TRIALS);
    console.log(
      `cache crash safety: ${TRIALS} SIGKILL trials, ${conversationsRead} cached conversations read back, ` +
        `${setAside} files set aside (seed ${seed})`,
    );
  }, 60_000);
});
