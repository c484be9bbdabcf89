import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ensureElectronBinary } from '../scripts/electron-binary';
import { call } from './support/sim';

describe('npm run demo', () => {
  it('serves a seeded simulator, already configured as a server, in browser mode when Electron is absent', async (ctx) => {
    // Where Electron's download can be reached the demo fetches it and opens a window instead.
    if ('path' in ensureElectronBinary())
      ctx.skip('an Electron binary is available: the demo opens a window');
    const child = spawn('npm', ['run', '-s', 'demo'], {
      cwd: resolve(__dirname, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    try {
      let out = '';
      const { simUrl, pageUrl } = await new Promise<{ simUrl: string; pageUrl: string }>(
        (resolveUrls, reject) => {
          const timer = setTimeout(() => reject(new Error(`demo did not start: ${out}`)), 45_000);
          child.stdout.on('data', (d: Buffer) => {
            out += d.toString();
            const sim = /(http:\/\/127\.0\.0\.1:\d+)\/ with (\d+) demo conversations/.exec(out);
            const page = /browser mode\): (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
            if (sim && page) {
              clearTimeout(timer);
              resolveUrls({ simUrl: sim[1]!, pageUrl: page[1]! });
            }
          });
          child.on('exit', (code) => reject(new Error(`demo exited with ${code}: ${out}`)));
        },
      );
      expect(out).toMatch(
        /The Electron binary could not be had here \(downloading it failed \(.+\)\), so the app opens in browser mode/,
      );
      const list = await call<{ items: { title: string; sandbox_status: string }[] }>(
        `${simUrl}/api/v1/app-conversations/search`,
      );
      expect(list.body.items.map((c) => c.title)).toEqual(
        expect.arrayContaining(['Fix the flaky login test', 'Write the release notes']),
      );
      expect((await fetch(pageUrl)).status).toBe(200);

      // The app already knows the simulator: its conversations arrive over the bridge.
      const page = new URL(pageUrl);
      const ws = new WebSocket(`ws://${page.host}/bridge?token=${page.searchParams.get('token')}`, {
        origin: page.origin,
      });
      await new Promise((r, j) => {
        ws.once('open', r);
        ws.once('error', j);
      });
      const servers = await new Promise<{ result: { data: { baseUrl: string }[] } }>((r) => {
        ws.once('message', (d: Buffer) =>
          r(JSON.parse(d.toString()) as { result: { data: { baseUrl: string }[] } }),
        );
        ws.send(JSON.stringify({ id: 1, channel: 'servers:list' }));
      });
      ws.close();
      expect(servers.result.data.map((s) => s.baseUrl)).toEqual([simUrl]);
    } finally {
      if (child.pid) process.kill(-child.pid, 'SIGTERM');
    }
  }, 60_000);
});
