import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findElectronBinary } from '../scripts/electron-binary';
import { call } from './support/sim';

describe('npm run demo', () => {
  it('serves a seeded simulator and says plainly whether a window opens', async () => {
    // Here (CI) there is no Electron binary: the demo must say so rather than fail.
    const expectedNotice = findElectronBinary() ? '' : 'The Electron binary is not installed here';
    const child = spawn('npm', ['run', '-s', 'demo'], {
      cwd: resolve(__dirname, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      const url = await new Promise<string>((resolveUrl, reject) => {
        const timer = setTimeout(() => reject(new Error(`demo did not start: ${out}`)), 30_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /(http:\/\/127\.0\.0\.1:\d+)\/ with (\d+) demo conversations/.exec(out);
          if (m && out.includes(expectedNotice)) {
            clearTimeout(timer);
            resolveUrl(m[1]!);
          }
        });
        child.on('exit', (code) => reject(new Error(`demo exited with ${code}: ${out}`)));
      });
      const list = await call<{
        items: { title: string; sandbox_status: string; execution_status: string | null }[];
      }>(`${url}/api/v1/app-conversations/search`);
      expect(list.body.items.map((c) => c.title)).toEqual(
        expect.arrayContaining([
          'Fix the flaky login test',
          'Clean up the build folder',
          'Write the release notes',
        ]),
      );
      expect(list.body.items.some((c) => c.sandbox_status === 'PAUSED')).toBe(true);
    } finally {
      child.kill('SIGTERM');
    }
  }, 40_000);
});
