// Bundles a TypeScript entry into one CommonJS file for plain `node` (as the app ships its main process),
// so child processes start without a TypeScript loader in the way. Written under node_modules/.cache so
// native and optional modules left external still resolve from the repository's node_modules.
import path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.resolve(__dirname, '../..');
export const BUNDLE_DIR = path.join(ROOT, 'node_modules', '.cache', 'openhands-bench');

export async function bundle(entry: string, name: string): Promise<string> {
  const outfile = path.join(BUNDLE_DIR, `${name}.cjs`);
  await build({
    entryPoints: [path.resolve(ROOT, entry)],
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    outfile,
    external: ['electron', 'keytar', 'bufferutil', 'utf-8-validate'],
    logLevel: 'silent',
  });
  return outfile;
}

/** Peak and current resident set size of a live process (Linux /proc), in bytes; undefined elsewhere. */
export async function procMemory(pid: number): Promise<{ hwm: number; rss: number } | undefined> {
  const { readFile } = await import('node:fs/promises');
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string): number =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { hwm: kb('VmHWM') * 1024, rss: kb('VmRSS') * 1024 };
  } catch {
    return undefined;
  }
}

/** Samples a child's memory every `everyMs` until stopped; returns the highest peak and RSS seen. */
export function sampleMemory(pid: number, everyMs = 20): { stop: () => { peak: number; samples: number } } {
  let peak = 0;
  let samples = 0;
  let stopped = false;
  const loop = async (): Promise<void> => {
    while (!stopped) {
      const m = await procMemory(pid);
      if (m) {
        peak = Math.max(peak, m.hwm, m.rss);
        samples++;
      }
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  };
  void loop();
  return {
    stop: () => {
      stopped = true;
      return { peak, samples };
    },
  };
}
