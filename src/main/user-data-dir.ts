// Where the app keeps its settings (servers.json, the outbox, …). Pure, so every platform is unit-tested
// on any platform: the caller passes process.argv, process.env, process.platform, os.homedir() and cwd.
import path from 'node:path';
import { APP_NAME } from '../shared/app-info';

export const USER_DATA_DIR_FLAG = '--user-data-dir';
export const USER_DATA_DIR_ENV = 'OPENHANDS_DESKTOP_USER_DATA';

export interface UserDataDirInput {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  platform: string;
  homedir: string;
  /** Base for a relative `--user-data-dir` / env value (pass process.cwd(); default: `homedir`). */
  cwd?: string;
}

/**
 * The user-data folder, first match wins:
 * 1. `--user-data-dir <dir>` or `--user-data-dir=<dir>` (the last one given, if repeated);
 * 2. env `OPENHANDS_DESKTOP_USER_DATA`;
 * 3. the platform's app-data folder + "OpenHands Desktop" (what Electron's `app.getPath('userData')` uses):
 *    macOS `~/Library/Application Support`, Windows `%APPDATA%` (else `~\AppData\Roaming`),
 *    Linux and others `$XDG_CONFIG_HOME` (if absolute) else `~/.config`.
 * Empty values are ignored. The result is absolute and normalised for the target platform.
 */
export function resolveUserDataDir(input: UserDataDirInput): string {
  const p = input.platform === 'win32' ? path.win32 : path.posix;
  const absolute = (dir: string): string => p.resolve(input.cwd ?? input.homedir, dir);

  const fromArgv = flagValue(input.argv, USER_DATA_DIR_FLAG);
  if (fromArgv) return absolute(fromArgv);

  const fromEnv = input.env[USER_DATA_DIR_ENV];
  if (fromEnv) return absolute(fromEnv);

  return p.join(appDataDir(input, p), APP_NAME);
}

function appDataDir(input: UserDataDirInput, p: typeof path.posix): string {
  switch (input.platform) {
    case 'darwin':
      return p.join(input.homedir, 'Library', 'Application Support');
    case 'win32': {
      const appData = input.env.APPDATA;
      return appData && p.isAbsolute(appData)
        ? p.normalize(appData)
        : p.join(input.homedir, 'AppData', 'Roaming');
    }
    default: {
      // XDG Base Directory spec: a relative XDG_CONFIG_HOME is invalid and must be ignored.
      const xdg = input.env.XDG_CONFIG_HOME;
      return xdg && p.isAbsolute(xdg) ? p.normalize(xdg) : p.join(input.homedir, '.config');
    }
  }
}

function flagValue(argv: readonly string[], flag: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--') break;
    if (arg === flag) {
      const next = argv[i + 1];
      if (next !== undefined && next !== '' && !next.startsWith('--')) {
        value = next;
        i += 1;
      }
    } else if (arg?.startsWith(`${flag}=`)) {
      const inline = arg.slice(flag.length + 1);
      if (inline !== '') value = inline;
    }
  }
  return value;
}
