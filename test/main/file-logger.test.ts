// The main process's log file (file-logger.ts, electron-log's file transport): lines land in it, it rotates
// at its size limit, only the user can read it, and browser mode keeps it in the user-data folder with no key
// in it.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createFileLogger } from '../../src/main/file-logger';
import { startWebMain } from '../../src/main/web/web-main';

const root = path.resolve(__dirname, '../..');
const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'file-logger-'));
  dirs.push(dir);
  return dir;
}

describe('the log file', () => {
  it('holds every level with a timestamp, is readable by the user only, and rotates at its limit', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'logs', 'main.log');
    const logger = createFileLogger(file, { maxBytes: 4096, console: false });
    logger.info('outbox: item 1 delivered');
    logger.warn('poller: server s1 failed (offline)');
    logger.error('storage: the disk is full');
    const text = await readFile(file, 'utf8');
    expect(text.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] \[info\]\s+outbox: item 1 delivered$/,
      ),
      expect.stringMatching(/\[warn\]\s+poller: server s1 failed \(offline\)$/),
      expect.stringMatching(/\[error\]\s+storage: the disk is full$/),
    ]);
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);

    for (let i = 0; i < 200; i++) logger.info(`line ${i} ${'x'.repeat(40)}`);
    const old = path.join(dir, 'logs', 'main.old.log');
    expect(existsSync(old)).toBe(true);
    // The current file started again after the rotation; together they hold the newest lines.
    expect((await stat(file)).size).toBeLessThanOrEqual(4096 + 200);
    expect(await readFile(file, 'utf8')).toContain('line 199 ');
  });

  it('browser mode writes it under the user-data folder, and no API key goes into it', async (ctx) => {
    if (!existsSync(path.join(root, 'out', 'renderer', 'index.html')))
      ctx.skip('out/renderer is missing: run `npm run build` first');
    const dataDir = await tempDir();
    const running = await startWebMain({
      argv: ['--port', '0', '--user-data-dir', dataDir],
      env: {},
      appRoot: root,
      out: () => undefined,
      err: () => undefined,
    });
    expect(running).toBeDefined();
    const key = `sk-logtest-${randomBytes(12).toString('hex')}`;
    try {
      const { port, token } = running!.server;
      const ws = new WebSocket(`ws://127.0.0.1:${port}/bridge?token=${token}`, {
        origin: `http://127.0.0.1:${port}`,
      });
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      const answered = new Promise((resolve) => ws.once('message', resolve));
      ws.send(
        JSON.stringify({
          id: 1,
          channel: 'servers:add',
          input: {
            server: { name: 'Keyed', baseUrl: 'http://127.0.0.1:9', apiKey: key },
            sessionOnlyKey: true,
          },
        }),
      );
      await answered;
      ws.close();
    } finally {
      await running?.close();
    }
    const log = await readFile(path.join(dataDir, 'logs', 'main.log'), 'utf8');
    expect(log).toMatch(/\[info\]\s+accounts: added server [0-9a-f]{32}/);
    expect(log).not.toContain(key);
  });
});
