import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The Electron executable the `electron` package installed, or undefined when its binary was not
 * downloaded (ELECTRON_SKIP_BINARY_DOWNLOAD, or no internet at install time). Reads the package's
 * `path.txt` the way its own index.js does, without requiring it (which throws when it is missing).
 */
export function findElectronBinary(): string | undefined {
  let packageDir: string;
  try {
    packageDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return undefined;
  }
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const executable = join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(executable) ? executable : undefined;
}
