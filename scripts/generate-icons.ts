// `npx tsx scripts/generate-icons.ts`: (re)writes the app and tray icons in build/ from scripts/icon-image.ts.
// The files are committed; test/packaging/icons.test.ts fails when they no longer match the drawing.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { iconFiles } from './icon-image';

const buildDir = path.resolve(__dirname, '..', 'build');
for (const [name, bytes] of iconFiles()) {
  const file = path.join(buildDir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bytes);
  console.log(`${path.relative(process.cwd(), file)} (${bytes.length} bytes)`);
}
