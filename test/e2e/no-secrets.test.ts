// An API key entered in the page goes to main and into the OS keychain, and from then on never comes back:
// not in the DOM, web storage, cookies, IndexedDB, the console, any WebSocket frame main sends, browser
// mode's log, or any file in the user-data folder. Real Chromium, real browser mode, real keychain
// (Linux: the throwaway gnome-keyring of `npm run test:unit`), the simulator as a Cloud-style server.
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeytarSecretStore } from '../../src/main/accounts/secret-store';
import { APP_NAME } from '../../src/shared/app-info';
import { requireKeychain } from '../accounts/fixtures/keychain';
import {
  addServerViaBridge,
  bridgeData,
  type E2eApp,
  startApp,
  waitForConversations,
} from './support/harness';

/** Every file under `dir`, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** What the page itself can see of its storage, as text. */
interface PageStorage {
  html: string;
  href: string;
  cookie: string;
  localStorage: string;
  sessionStorage: string;
  indexedDbNames: string;
  cacheNames: string;
}

function readPageStorage(app: E2eApp): Promise<PageStorage> {
  return app.page.evaluate(async () => {
    interface StorageLike {
      readonly length: number;
      key(index: number): string | null;
      getItem(key: string): string | null;
    }
    interface PageGlobals {
      document: { cookie: string; documentElement: { outerHTML: string } };
      location: { href: string };
      localStorage: StorageLike;
      sessionStorage: StorageLike;
      indexedDB: { databases(): Promise<{ name?: string }[]> };
      caches?: { keys(): Promise<string[]> };
    }
    const g = globalThis as unknown as PageGlobals;
    const dump = (storage: StorageLike): string => {
      const all: Record<string, string | null> = {};
      for (let i = 0; i < storage.length; i += 1) {
        const key = storage.key(i);
        if (key !== null) all[key] = storage.getItem(key);
      }
      return JSON.stringify(all);
    };
    const databases = await g.indexedDB.databases();
    return {
      html: g.document.documentElement.outerHTML,
      href: g.location.href,
      cookie: g.document.cookie,
      localStorage: dump(g.localStorage),
      sessionStorage: dump(g.sessionStorage),
      indexedDbNames: JSON.stringify(databases.map((d) => d.name ?? '')),
      cacheNames: JSON.stringify(g.caches ? await g.caches.keys() : []),
    };
  });
}

/** The key as the bytes it could be written in: UTF-8, UTF-16LE, base64. */
function encodingsOf(key: string): Buffer[] {
  return [
    Buffer.from(key, 'utf8'),
    Buffer.from(key, 'utf16le'),
    Buffer.from(Buffer.from(key).toString('base64')),
  ];
}

/** Every place the page, browser mode or the user-data folder shows the key, as "where" descriptions. */
async function leaksOf(app: E2eApp, key: string): Promise<{ leaks: string[]; filesScanned: string[] }> {
  const leaks: string[] = [];
  const check = (where: string, text: string): void => {
    if (text.includes(key)) leaks.push(where);
  };

  check('page.content()', await app.page.content());
  const storage = await readPageStorage(app);
  for (const where of Object.keys(storage) as (keyof PageStorage)[]) check(`page ${where}`, storage[where]);
  for (const cookie of await app.context.cookies()) check(`cookie ${cookie.name}`, JSON.stringify(cookie));
  for (const entry of app.console) check(`console ${entry.type}`, entry.text);
  for (const error of app.pageErrors) check('page error', error);
  for (const line of app.logs) check('browser mode log', line);

  // The page has to send the key once, in its servers:add call; main must never send it back.
  for (const frame of app.frames) {
    if (!frame.payload.includes(key)) continue;
    const channel = frame.direction === 'sent' ? channelOf(frame.payload) : undefined;
    if (channel !== 'servers:add')
      leaks.push(`websocket frame ${frame.direction}: ${frame.payload.slice(0, 200)}`);
  }

  const files = await filesUnder(app.userDataDir);
  for (const file of files) {
    const bytes = await readFile(file);
    if (encodingsOf(key).some((encoded) => bytes.includes(encoded))) {
      leaks.push(`file ${path.relative(app.userDataDir, file)}`);
    }
  }
  return { leaks, filesScanned: files.map((f) => path.relative(app.userDataDir, f)) };
}

function channelOf(payload: string): string | undefined {
  try {
    const frame = JSON.parse(payload) as { channel?: unknown };
    return typeof frame.channel === 'string' ? frame.channel : undefined;
  } catch {
    return undefined;
  }
}

describe('no API key ever reaches the page', () => {
  it('keeps the key in main and the OS keychain only, across a restart', async (ctx) => {
    const keychain = new KeytarSecretStore({ service: APP_NAME });
    requireKeychain(ctx, await keychain.probe());
    const apiKey = `sk-e2e-${randomBytes(16).toString('hex')}`;

    const app = await startApp({ ctx, simulator: { apiKey } });
    await Promise.all([
      app.sim.world.seedMany(3),
      app.sim.seedConversation({ title: 'E2E finished run', messages: ['Say hello'] }),
    ]);
    await app.screenshot('opened');

    const added = await addServerViaBridge(app.page, { name: 'Simulator', baseUrl: app.sim.url, apiKey });
    if (!added.ok) throw new Error(`servers.add failed: ${added.error.code}: ${added.error.message}`);
    const serverId = added.data.id;
    // The app's real keychain service: never leave a test key behind, even when an assertion fails.
    ctx.onTestFinished(async () => {
      await keychain.delete(serverId).catch(() => false);
    });
    expect(added.data).toMatchObject({ keyStorage: 'keychain', hasKey: true });
    await app.screenshot('server-added');

    // The simulator answers only with the key: conversations arriving prove main uses it.
    const conversations = await waitForConversations(app.page, 4);
    expect(conversations.map((c) => c.title)).toContain('E2E finished run');
    expect(await bridgeData(app.page, 'servers', 'list')).toEqual([
      expect.objectContaining({ id: serverId, keyStorage: 'keychain', hasKey: true }),
    ]);
    expect(await bridgeData(app.page, 'servers', 'test', { id: serverId })).toMatchObject({
      ok: true,
      authenticated: true,
    });
    expect(await bridgeData(app.page, 'outbox', 'list')).toEqual([]);
    await app.screenshot('conversations-arrived');

    // The key is in the keychain (read with keytar itself, not through the app), so the scan below cannot
    // pass because the key went nowhere.
    const keytar = await import('keytar');
    expect(await keytar.getPassword(APP_NAME, serverId)).toBe(apiKey);
    // The page did send it (once, in servers:add), so the frame capture works.
    expect(app.frames.filter((f) => f.payload.includes(apiKey)).map((f) => channelOf(f.payload))).toEqual([
      'servers:add',
    ]);

    const running = await leaksOf(app, apiKey);
    expect(running.filesScanned).toContain('servers.json');
    expect(running.leaks).toEqual([]);

    // After a restart the key comes from the keychain alone, and still never reaches the page or the disk.
    await app.restartWeb();
    await waitForConversations(app.page, 4);
    expect(await bridgeData(app.page, 'servers', 'test', { id: serverId })).toMatchObject({
      ok: true,
      authenticated: true,
    });
    await app.screenshot('after-restart');
    const restarted = await leaksOf(app, apiKey);
    expect(restarted.leaks).toEqual([]);

    // Removing the server removes its key from the keychain.
    expect(await bridgeData(app.page, 'servers', 'remove', { id: serverId })).toEqual({ keyDeleted: true });
    expect(await keytar.getPassword(APP_NAME, serverId)).toBeNull();
  }, 30_000);
});
