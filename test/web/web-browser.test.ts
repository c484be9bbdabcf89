import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CHROMIUM_ARGS, findChromium } from '../support/chromium';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MemoryLogger } from '../../src/main/logger';
import { startWebMain } from '../../src/main/web/web-main';
import { createConversation, useSimulator, waitFor } from '../support/sim';

const root = path.resolve(__dirname, '../..');
const built = existsSync(path.join(root, 'out', 'renderer', 'index.html'));
const found = findChromium();
const chromium = 'path' in found ? found.path : undefined;

/** One bridge call over the socket, as a page would make it. */
async function bridgeCall(port: number, token: string, channel: string, input?: unknown): Promise<unknown> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/bridge?token=${token}`, {
    origin: `http://127.0.0.1:${port}`,
  });
  try {
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const reply = new Promise<{ result: unknown }>((resolve) =>
      ws.once('message', (d: Buffer) => resolve(JSON.parse(d.toString('utf8')) as { result: unknown })),
    );
    ws.send(JSON.stringify({ id: 1, channel, input }));
    return (await reply).result;
  } finally {
    ws.close();
  }
}

describe('browser mode in a real browser', () => {
  const sim = useSimulator();

  it('renders the app with window.openhands carried over the WebSocket', async (ctx) => {
    if (!built) ctx.skip('out/renderer is missing: run `npm run build` first');
    if (!chromium) ctx.skip('no Chromium on this machine to load the page in');
    const dataDir = await mkdtemp(path.join(tmpdir(), 'web-browser-'));
    const log = new MemoryLogger();
    const lines: string[] = [];
    const running = await startWebMain({
      argv: ['--port', '0', '--user-data-dir', dataDir],
      env: {},
      appRoot: root,
      logger: log,
      out: (line) => lines.push(line),
      err: (line) => lines.push(line),
    });
    try {
      expect(running).toBeDefined();
      const { port, token, url } = running!.server;
      expect(lines).toEqual([`OpenHands Desktop (browser mode): ${url}?token=${token}`]);
      const conv = await createConversation(sim(), {});
      expect(
        await bridgeCall(port, token, 'servers:add', { server: { name: 'Sim', baseUrl: sim().url } }),
      ).toMatchObject({
        ok: true,
      });
      await waitFor(
        async () => {
          const listed = (await bridgeCall(port, token, 'conversations:list')) as { data: { id: string }[] };
          return listed.data.some((c) => c.id === conv.id);
        },
        10_000,
        'the conversation in the list',
      );
      const { stdout } = await promisify(execFile)(
        chromium!,
        [
          '--headless',
          ...CHROMIUM_ARGS,
          `--user-data-dir=${path.join(dataDir, 'chromium-profile')}`,
          '--virtual-time-budget=5000',
          '--dump-dom',
          `${url}?token=${token}`,
        ],
        { timeout: 30_000 },
      );
      // The app's script ran under the CSP and rendered the window. (A dumped DOM under virtual time may be
      // taken before the bridge's answers arrive; test/e2e drives the same page over the socket for real.)
      expect(stdout).toContain('Pending actions (0)');
      expect(stdout).toContain('aria-label="Conversations"');
      expect(log.lines.some((l) => l.includes('web: a page connected'))).toBe(true);
    } finally {
      await running?.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
