// The "no keychain" path for real: a child process whose session bus does not exist (and with no X11
// display to autolaunch one) probes keytar, and must hear "unavailable" quickly, then fall back to a
// session-only key through AccountService.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const child = path.join(__dirname, 'fixtures', 'no-keychain-child.ts');
const BOUND_MS = 15_000;

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'no-keychain-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('no keychain reachable (Linux: no session bus)', () => {
  it('probe reports unavailable in bounded time, and a session-only key is accepted', async (ctx) => {
    if (process.platform !== 'linux') {
      ctx.skip('skipped: simulating a missing keychain via D-Bus only works on Linux');
    }
    const env: NodeJS.ProcessEnv = { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' };
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
    delete env.GNOME_KEYRING_CONTROL;

    const key = `sk-nokeychain-${randomBytes(12).toString('hex')}`;
    const started = Date.now();
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child, dataDir, key], {
      env,
      cwd: path.resolve(__dirname, '../..'),
      timeout: BOUND_MS,
    });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(BOUND_MS);
    expect(stdout).not.toContain(key);

    const report = JSON.parse(stdout) as Record<string, unknown>;
    expect(report.status).toMatchObject({ state: 'unavailable', reason: 'unreachable' });
    expect((report.status as { detail: string }).detail).toMatch(/connect|D-Bus|nonexistent/i);
    expect(report.probeMs).toBeLessThan(4_000);
    expect(report.addError).toMatchObject({
      type: 'KeychainUnavailableError',
      code: 'keychain-unavailable',
      reason: 'unreachable',
    });
    expect((report.addError as { message: string }).message).toMatch(
      /could not be reached.*this session only/s,
    );
    expect(report.serversAfterRefusal).toBe(0);
    expect(report.view).toMatchObject({ keyStorage: 'session', hasKey: true, kind: 'cloud' });
    expect(report.keyRoundTrips).toBe(true);
    expect(report.keyInFile).toBe(false);
  }, 20_000);
});
