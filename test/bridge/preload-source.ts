// The preload's code for tests that run it in a VM context with a fake `electron`.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.resolve(__dirname, '../..');
const BUILT = path.join(ROOT, 'out/preload/index.js');

/**
 * The preload as CommonJS: built from src with esbuild (the way electron-vite bundles it), or, with
 * `preferBuilt`, the built out/preload/index.js when there is one (what ships).
 */
export async function preloadSource(options: { preferBuilt?: boolean } = {}): Promise<string> {
  if (options.preferBuilt && existsSync(BUILT)) return readFileSync(BUILT, 'utf8');
  const result = await build({
    entryPoints: [path.join(ROOT, 'src/preload/index.ts')],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    external: ['electron'],
    write: false,
  });
  return result.outputFiles[0]!.text;
}
