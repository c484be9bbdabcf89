#!/usr/bin/env node
// `npm run test:unit [-- <vitest args>]`: runs `vitest run <args>`.
//
// On Linux, the keychain tests need a Secret Service (keytar → libsecret → D-Bus). When the session has
// none and `dbus-run-session` and `gnome-keyring-daemon` are installed (Debian: dbus, gnome-keyring), the
// suite runs inside a private session bus with a throwaway unlocked keyring:
//   dbus-run-session -- scripts/with-keyring.sh node vitest.mjs run <args>
// Everywhere else (macOS, Windows, a Linux desktop session with a working keyring, or the tools missing)
// it is plain vitest; the keychain tests then use the session's keychain or say why they skipped.
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const vitest = path.join(path.dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
const vitestCommand = [process.execPath, vitest, 'run', ...process.argv.slice(2)];

/** @param {string} name */
function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    try {
      accessSync(path.join(dir, name), constants.X_OK);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}

/** Does this session already offer a keychain keytar can use? Probed in a child, bounded in time. */
function sessionKeychainWorks() {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) return false;
  const probe = `require(${JSON.stringify(require.resolve('keytar'))})
    .getPassword('OpenHands Desktop test probe', 'probe')
    .then(() => process.exit(0), () => process.exit(1));`;
  const result = spawnSync(process.execPath, ['-e', probe], { stdio: 'ignore', timeout: 5_000 });
  return result.status === 0;
}

function useKeyringWrapper() {
  if (process.platform !== 'linux') return { wrap: false, why: 'not Linux' };
  if (!onPath('dbus-run-session') || !onPath('gnome-keyring-daemon')) {
    return { wrap: false, why: 'dbus-run-session or gnome-keyring-daemon is not installed' };
  }
  if (sessionKeychainWorks()) return { wrap: false, why: 'this session already has a working keychain' };
  return { wrap: true, why: 'no keychain in this session' };
}

const { wrap, why } = useKeyringWrapper();
/** @type {string | undefined} */
let scratch;
let command = vitestCommand;
/** @type {NodeJS.ProcessEnv} */
let env = process.env;
if (wrap) {
  // with-keyring.sh makes its throwaway HOME and XDG_RUNTIME_DIR under TMPDIR; removed when we finish.
  scratch = mkdtempSync(path.join(tmpdir(), 'openhands-test-keyring-'));
  env = { ...process.env, TMPDIR: scratch };
  command = ['dbus-run-session', '--', path.join(root, 'scripts', 'with-keyring.sh'), ...vitestCommand];
  console.log(`test:unit: running inside a private session bus with a throwaway gnome-keyring (${why})`);
} else if (process.platform === 'linux') {
  console.log(`test:unit: plain vitest (${why})`);
}

// dbus-daemon's notes about fd limits and service activation are noise here; everything else passes.
const benignDbusNoise =
  /^dbus-daemon\[\d+\]: .*(Failed to set fd limit|Activating service|Successfully activated)/;

const [file, ...args] = command;
if (file === undefined) throw new Error('empty command');
const child = spawn(file, args, { cwd: root, env, stdio: ['inherit', 'inherit', wrap ? 'pipe' : 'inherit'] });
if (child.stderr) {
  let pending = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (/** @type {string} */ chunk) => {
    const lines = (pending + chunk).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (!benignDbusNoise.test(line)) process.stderr.write(`${line}\n`);
  });
  child.stderr.on('end', () => {
    if (pending && !benignDbusNoise.test(pending)) process.stderr.write(pending);
  });
}

for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
  process.on(signal, () => child.kill(signal));
}

child.on('error', (error) => {
  console.error(`test:unit: could not start ${file}: ${error.message}`);
  cleanup();
  process.exit(1);
});
child.on('close', (code, signal) => {
  cleanup();
  process.exit(code ?? (signal ? 1 : 0));
});

function cleanup() {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
}
