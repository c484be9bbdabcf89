// The README's first command on a fresh machine, for real: a clean clone, an environment with nothing but
// PATH (Node 22 first), a new HOME and the machine's own network settings (CA, proxy), `npm install`, then `npm run demo` answering. keytar's build is made to
// fail the way it does without libsecret's headers (a pkg-config that finds no libsecret-1): the install
// must still succeed, keytar being optional, and the demo still start.
//
// Slow (a whole install and a build): it runs in CI (`CI` set, as .ci/run does) or with
// OPENHANDS_FRESH_INSTALL_TEST=1, and says why it skipped otherwise.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const MACHINE_NETWORK_ENV = [
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'HTTPS_PROXY',
  'HTTP_PROXY',
  'NO_PROXY',
  'https_proxy',
  'http_proxy',
  'no_proxy',
];
const enabled = Boolean(process.env.CI) || process.env.OPENHANDS_FRESH_INSTALL_TEST === '1';

describe('a fresh machine', () => {
  it('`npm install && npm run demo` installs (keytar failing to build) and the demo answers', async (ctx) => {
    if (!enabled) ctx.skip('slow: runs in CI, or set OPENHANDS_FRESH_INSTALL_TEST=1');
    if (!existsSync(path.join(root, '.git'))) ctx.skip('not a git checkout: nothing to clone');
    const work = await mkdtemp(path.join(tmpdir(), 'fresh-machine-'));
    try {
      const clone = path.join(work, 'clone');
      execFileSync('git', ['clone', '--quiet', root, clone]);
      // A new HOME; npm's download cache is shared with this machine's (it holds only registry tarballs),
      // so the install reads the registry without fetching every package again.
      const home = path.join(work, 'home');
      await mkdir(home);
      const cache = path.join(homedir(), '.npm');
      if (existsSync(cache)) await symlink(cache, path.join(home, '.npm'));
      // pkg-config without libsecret-1, as on a machine without libsecret-1-dev.
      const bin = path.join(work, 'bin');
      await mkdir(bin);
      await writeFile(
        path.join(bin, 'pkg-config'),
        '#!/bin/sh\necho "Package libsecret-1 was not found in the pkg-config search path." >&2\nexit 1\n',
      );
      await chmod(path.join(bin, 'pkg-config'), 0o755);
      const env: Record<string, string> = {
        PATH: [bin, path.dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
        HOME: home,
      };
      // The machine's own network settings (a proxy, the CA of a TLS-inspecting one) are not the project's:
      // without them no npm install reaches the registry from here.
      for (const name of MACHINE_NETWORK_ENV) if (process.env[name]) env[name] = process.env[name];

      const install = spawnLogged('npm', ['install', '--no-audit', '--no-fund'], clone, env);
      expect(await install.exit, `npm install failed:\n${install.output()}`).toBe(0);
      // keytar did not build, and that was not an install failure.
      expect(existsSync(path.join(clone, 'node_modules/keytar/build/Release/keytar.node'))).toBe(false);

      const demo = spawnLogged('npm', ['run', '-s', 'demo'], clone, env, true);
      try {
        const pageUrl = await new Promise<string>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`demo did not start:\n${demo.output()}`)), 120_000);
          demo.onOutput(() => {
            const page = /browser mode\): (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(demo.output());
            if (page) {
              clearTimeout(timer);
              resolve(page[1]!);
            }
          });
          void demo.exit.then((code) => reject(new Error(`demo exited with ${code}:\n${demo.output()}`)));
        });
        expect(demo.output()).toMatch(
          /The Electron binary could not be had here \(.+\), so the app opens in browser mode/,
        );
        const page = await fetch(pageUrl);
        expect(page.status).toBe(200);
        expect(await page.text()).toContain('<div id="root">');
      } finally {
        demo.stop();
        await demo.exit;
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }, 600_000);
});

function spawnLogged(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
  group = false,
): {
  exit: Promise<number | null>;
  output: () => string;
  onOutput: (listener: () => void) => void;
  stop: () => void;
} {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: group });
  let text = '';
  const listeners: (() => void)[] = [];
  const take = (d: Buffer): void => {
    text += d.toString();
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  return {
    exit: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
    output: () => text,
    onOutput: (listener) => listeners.push(listener),
    stop: () => {
      if (child.pid !== undefined && child.exitCode === null)
        process.kill(group ? -child.pid : child.pid, 'SIGTERM');
    },
  };
}
