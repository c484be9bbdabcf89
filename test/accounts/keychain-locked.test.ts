// A locked keyring for real (Linux): a child with its own session bus and gnome-keyring saves a server's
// key, locks the keyring over D-Bus and uses the server. A locked libsecret collection reads as "no key"
// rather than failing, so before this was handled requests went out without their key and a save said
// "no keyring service". Now: "locked", in words, and nothing reaches the server.
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer } from '../api/support';

const root = path.resolve(__dirname, '../..');
const child = path.join(__dirname, 'fixtures', 'keychain-locked-child.ts');
const TOOLS = ['dbus-run-session', 'gnome-keyring-daemon', 'dbus-send'];

function missingTools(): string[] {
  return TOOLS.filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
}

interface ChildReport {
  keyBeforeLock: boolean;
  status: { state: string; reason?: string; message?: string };
  getKeyError: { type: string; reason?: string } | null;
  saveError: { type: string; reason?: string } | null;
  report: { ok: boolean; reachable: boolean; summary: string; problem: { kind: string; message: string } };
  requestError: { type: string; kind?: string; message?: string } | null;
}

describe('a locked keyring (Linux, gnome-keyring)', () => {
  const requests: { url: string; keyed: boolean }[] = [];
  let server: Awaited<ReturnType<typeof startHttpServer>>;
  beforeAll(async () => {
    server = await startHttpServer((req, res) => {
      requests.push({
        url: req.url ?? '',
        keyed: req.headers['x-session-api-key'] !== undefined || req.headers.authorization !== undefined,
      });
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"detail":"Unauthorized"}');
    });
  });
  afterAll(() => server.close());

  it('is reported as locked, and no request leaves without its key', async (ctx) => {
    const missing = process.platform === 'linux' ? missingTools() : TOOLS;
    if (missing.length > 0) {
      const reason = `needs Linux with ${missing.join(', ')}`;
      if (process.env.CI && process.platform === 'linux') throw new Error(`CI must run this test: ${reason}`);
      ctx.skip(`skipped: ${reason}`);
    }
    const key = `sk-locked-${randomBytes(12).toString('hex')}`;
    const { stdout } = await promisify(execFile)(
      'dbus-run-session',
      ['--', 'scripts/with-keyring.sh', process.execPath, '--import', 'tsx', child, server.url, key],
      { cwd: root, timeout: 45_000 },
    );
    expect(stdout).not.toContain(key);
    const out = JSON.parse(stdout) as ChildReport;

    expect(out.keyBeforeLock).toBe(true);
    expect(out.status).toMatchObject({ state: 'unavailable', reason: 'locked' });
    expect(out.status.message).toContain('The system keychain is locked');
    expect(out.getKeyError).toEqual({ type: 'keychain', reason: 'locked' });
    expect(out.saveError).toEqual({ type: 'keychain', reason: 'locked' });
    expect(out.report.ok).toBe(false);
    expect(out.report.reachable).toBe(false);
    expect(out.report.problem.kind).toBe('keychain');
    expect(out.report.summary).toContain('The system keychain is locked');
    expect(out.report.summary).not.toMatch(/no keyring service|Error:|KeychainUnavailable/);
    expect(out.requestError).toMatchObject({ type: 'api', kind: 'keychain' });
    // The server heard nothing that needed the key (an unkeyed /server_info probe would be harmless, but
    // nothing at all was asked).
    expect(requests).toEqual([]);
  }, 60_000);
});
