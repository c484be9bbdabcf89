import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const built = existsSync(path.join(root, 'out', 'renderer', 'index.html'));

describe('npm run web', () => {
  it('prints the address with its token once the page can be opened, and serves it', async (ctx) => {
    // CI runs `npm run build` before the tests; only a bare checkout has no built renderer to serve.
    if (!built) ctx.skip('out/renderer is missing: run `npm run build` first');
    const dataDir = await mkdtemp(path.join(tmpdir(), 'web-cli-'));
    const child = spawn('npm', ['run', '-s', 'web', '--', '--port', '0', '--user-data-dir', dataDir], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      let out = '';
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const match = await new Promise<RegExpExecArray>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`web did not start: ${out} ${err}`)), 30_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m =
            /OpenHands Desktop \(browser mode\): (http:\/\/127\.0\.0\.1:(\d+)\/)\?token=([A-Za-z0-9_-]+)\n/.exec(
              out,
            );
          if (m) {
            clearTimeout(timer);
            resolve(m);
          }
        });
        child.once('exit', (code) => reject(new Error(`web exited with ${code}: ${out} ${err}`)));
      });
      const [line, url, , token] = match;
      expect(out.split('\n').filter((l) => l.includes('http://127.0.0.1:'))).toEqual([line.trim()]);
      const page = await fetch(`${url}?token=${token}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root">');
      expect(page.headers.get('set-cookie')).toContain('HttpOnly');
      expect((await fetch(url!)).status).toBe(401);
    } finally {
      // The whole process group: npm, tsx and node.
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
      await exited;
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 40_000);
});
