import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

function electronPackageDir(): string | undefined {
  try {
    return dirname(require.resolve('electron/package.json'));
  } catch {
    return undefined;
  }
}

/**
 * The Electron executable the `electron` package has fetched, or undefined while it has none. From Electron 42
 * on, `npm install` fetches nothing (the package has no install script): the binary comes on first launch.
 * Reads the package's `path.txt` the way its own index.js does, without requiring it (which would start the
 * download).
 */
export function findElectronBinary(): string | undefined {
  const packageDir = electronPackageDir();
  if (!packageDir) return undefined;
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const executable = join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(executable) ? executable : undefined;
}

/**
 * The Electron executable, fetched now with the package's own installer (`install-electron`, from Electron's
 * release downloads) when it is missing; or, when it cannot be had (no network, a blocked host), why, in one
 * line. Bounded by `timeoutMs`.
 */
export function ensureElectronBinary(timeoutMs = 180_000): { path: string } | { missing: string } {
  const found = findElectronBinary();
  if (found) return { path: found };
  const packageDir = electronPackageDir();
  if (!packageDir) return { missing: 'the electron package is not installed (run `npm install`)' };
  const run = spawnSync(process.execPath, [join(packageDir, 'install.js')], {
    encoding: 'utf8',
    timeout: timeoutMs,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const fetched = findElectronBinary();
  if (fetched) return { path: fetched };
  if (run.error) return { missing: `downloading it failed (${run.error.message})` };
  // install.js prints the error and a stack: its first line says what went wrong ("fetch failed").
  const first = `${run.stderr}\n${run.stdout}`
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line.length > 0 && !line.startsWith('at '));
  return { missing: `downloading it failed (${first ?? `exit code ${String(run.status)}`})` };
}

/** The executable electron-builder looks for inside an unpacked Electron distribution, per platform. */
export function electronExecutableIn(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'Electron.app';
  if (platform === 'win32') return 'electron.exe';
  return 'electron';
}

export type ElectronDistChoice = { dist: string; source: string } | { error: string };

/**
 * Where electron-builder should take Electron from: `--electron-dist`, else ELECTRON_DIST, else the electron
 * package's own dist/ when its binary was downloaded. Without one, electron-builder would try to download
 * Electron itself: fail early with what to do instead.
 */
export function chooseElectronDist(options: {
  explicit: string | undefined;
  env: string | undefined;
  platform: NodeJS.Platform;
  installedBinary: string | undefined;
  electronVersion: string;
}): ElectronDistChoice {
  const executable = electronExecutableIn(options.platform);
  const given = options.explicit ?? options.env;
  const source = options.explicit !== undefined ? '--electron-dist' : 'ELECTRON_DIST';
  if (given !== undefined) {
    if (existsSync(join(given, executable))) return { dist: given, source };
    return {
      error:
        `package: ${source} is ${given}, but ${join(given, executable)} does not exist.\n` +
        `Point it at an unpacked Electron ${options.electronVersion} for ${options.platform} (the folder that holds ${executable}).`,
    };
  }
  if (options.installedBinary) {
    // dist/electron, dist/electron.exe, dist/Electron.app/Contents/MacOS/Electron → dist/
    const marker = `${join('dist', executable)}`;
    const at = options.installedBinary.lastIndexOf(marker);
    if (at >= 0)
      return { dist: options.installedBinary.slice(0, at + 'dist'.length), source: 'the electron package' };
  }
  return {
    error: [
      'package: no Electron distribution is available, so the app cannot be packaged here.',
      `electron-builder packs the Electron ${options.electronVersion} binaries for ${options.platform} together with the app, and the`,
      'electron package has not fetched them (it does so on first launch, and that download failed here).',
      'Do one of:',
      '  - on a machine that can reach Electron’s downloads: `npx install-electron`, then package again;',
      `  - pass an unpacked Electron ${options.electronVersion}: \`npm run package -- --electron-dist <dir>\` or ELECTRON_DIST=<dir>.`,
    ].join('\n'),
  };
}
