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
      'electron package was installed without them (ELECTRON_SKIP_BINARY_DOWNLOAD=1, or no internet at install time).',
      'Do one of:',
      '  - on a machine with internet: `npm install` without ELECTRON_SKIP_BINARY_DOWNLOAD (or `node node_modules/electron/install.js`);',
      `  - pass an unpacked Electron ${options.electronVersion}: \`npm run package -- --electron-dist <dir>\` or ELECTRON_DIST=<dir>.`,
    ].join('\n'),
  };
}
