// Builds the renderer bench page (scripts/bench/renderer/page/) into a temp folder: one classic script and
// its CSS, minified, with React in production mode as the app ships it. A classic script (not a module) so
// Chromium runs it from a file:// URL.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { type PageQuery, pageSearch } from './protocol';

const ENTRY = path.join(__dirname, 'page', 'main.tsx');

const HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <title>Renderer bench</title>
    <link rel="stylesheet" href="./page.css" />
  </head>
  <body>
    <div id="root"></div>
    <script src="./page.js"></script>
  </body>
</html>
`;

export interface BuiltPage {
  url: (query: PageQuery) => string;
  remove: () => Promise<void>;
}

export async function buildPage(): Promise<BuiltPage> {
  const dir = await mkdtemp(path.join(tmpdir(), 'openhands-bench-renderer-'));
  try {
    await build({
      entryPoints: [ENTRY],
      bundle: true,
      platform: 'browser',
      target: 'chrome120',
      format: 'iife',
      outfile: path.join(dir, 'page.js'),
      jsx: 'automatic',
      minify: true,
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'silent',
    });
    await writeFile(path.join(dir, 'index.html'), HTML);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const index = pathToFileURL(path.join(dir, 'index.html')).href;
  return {
    url: (query) => `${index}${pageSearch(query)}`,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
