// Updates end to end below the UI: the real electron-updater (through our adapter and UpdateService) reads a
// feed served on loopback, downloads the new build through `net.request`, checks its sha512, and installs it
// only when the user restarts and nothing in the outbox is being sent. Only `electron` is stood in for: the
// library loads it with Node's own `require`, so the fake is put in Node's module cache as well as vi.mock.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { UpdateState } from '../../src/shared/updates';
import { AppImageUpdater } from 'electron-updater';
import { createElectronUpdater } from '../../src/main/electron/updater';
import { MemoryLogger } from '../../src/main/logger';
import { type SendingWatch, UpdateService } from '../../src/main/updates/update-service';
import { FakeClock } from '../support/fake-clock';
import { tempDir } from '../support/temp-dir';
import { app, electronFake, resetElectronFake } from './electron-fake';

vi.mock('electron', async () => (await import('./electron-fake')).electronFake);

const nodeRequire = createRequire(import.meta.url);
const electronPath = nodeRequire.resolve('electron');

/** Node's `require('electron')`, as electron-updater does it, yields the fake. */
function useFakeElectronForRequire(): void {
  nodeRequire.cache[electronPath] = {
    id: electronPath,
    filename: electronPath,
    loaded: true,
    exports: electronFake,
  } as unknown as NodeJS.Module;
}

interface Feed {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

/** An update feed as electron-builder publishes it for Linux: latest-linux.yml next to the AppImage. */
async function serveFeed(release: { version: string; file: Buffer; sha512Of?: Buffer }): Promise<Feed> {
  const name = `OpenHands-Desktop-${release.version}-linux-x86_64.AppImage`;
  const sha512 = createHash('sha512')
    .update(release.sha512Of ?? release.file)
    .digest('base64');
  const yml = [
    `version: ${release.version}`,
    'files:',
    `  - url: ${name}`,
    `    sha512: ${sha512}`,
    `    size: ${release.file.length}`,
    `path: ${name}`,
    `sha512: ${sha512}`,
    `releaseDate: '2026-12-01T10:00:00.000Z'`,
    '',
  ].join('\n');
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const route = (req.url ?? '').split('?')[0] ?? '';
    requests.push(route);
    if (route === '/feed/latest-linux.yml') {
      res.writeHead(200, { 'content-type': 'text/yaml' }).end(yml);
    } else if (route === `/feed/${name}`) {
      res.writeHead(200, { 'content-length': release.file.length }).end(release.file);
    } else {
      res.writeHead(404).end();
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/feed`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** An outbox whose "sending" the test switches. */
class OutboxWatch implements SendingWatch {
  sending = false;
  private readonly listeners = new Set<() => void>();
  isSending(): boolean {
    return this.sending;
  }
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  set(sending: boolean): void {
    this.sending = sending;
    for (const listener of this.listeners) listener();
  }
}

/** The new build: a script standing in for an AppImage, which says it ran (the updater starts it after install). */
function newBuild(marker: string): Buffer {
  return Buffer.from(`#!/bin/sh\necho "new build ran" > '${marker}'\n`);
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const saved = { env: { ...process.env }, resourcesPath: process.resourcesPath };
let dir: string;
let cleanup: () => Promise<void>;
let feed: Feed | undefined;

beforeEach(async () => {
  resetElectronFake();
  useFakeElectronForRequire();
  ({ dir, cleanup } = await tempDir('updater-'));
  app.appPath = dir;
  // As in an installed AppImage: the running file, and the resources folder (with no package-type file).
  process.env.APPIMAGE = path.join(dir, 'OpenHands-Desktop.AppImage');
  await writeFile(process.env.APPIMAGE, 'old build');
  process.env.XDG_CACHE_HOME = path.join(dir, 'cache');
  Object.assign(process, { resourcesPath: dir });
});

afterEach(async () => {
  await feed?.close();
  feed = undefined;
  process.env = { ...saved.env };
  Object.assign(process, { resourcesPath: saved.resourcesPath });
  delete nodeRequire.cache[electronPath];
  await cleanup();
});

/** The app as it starts: a feed config like electron-builder writes, the real updater, the service. */
async function startApp(feedUrl: string, outbox: SendingWatch, options: { devFeed?: boolean } = {}) {
  await writeFile(
    path.join(dir, 'dev-app-update.yml'),
    `provider: generic\nurl: ${feedUrl}\nupdaterCacheDirName: openhands-desktop-updater\n`,
  );
  const logger = new MemoryLogger();
  const clock = new FakeClock();
  // What electron-updater's `autoUpdater` is on Linux outside a deb/rpm/pacman package; a fresh one per test.
  const updater = new AppImageUpdater();
  const service = new UpdateService({
    updater: createElectronUpdater({ logger, devFeed: options.devFeed ?? true, updater }),
    outbox,
    clock,
    logger,
  });
  const states: UpdateState[] = [];
  service.onChange((state) => states.push(state));
  return { service, states, clock, logger };
}

describe('updates from a feed', () => {
  it('checks on start, downloads and verifies the new version, and restarts only once nothing is sending', async () => {
    if (process.platform !== 'linux') return; // The AppImage install step below is Linux's.
    const marker = path.join(dir, 'new-build-ran');
    const build = newBuild(marker);
    feed = await serveFeed({ version: '0.2.0', file: build });
    const outbox = new OutboxWatch();
    const { service, states, clock } = await startApp(feed.url, outbox);
    expect(service.state()).toEqual({ phase: 'idle', checkedAt: null, manual: false });

    service.start();
    await clock.advance(9_999);
    expect(feed.requests).toEqual([]);
    await clock.advance(1);
    await until(() => service.state().phase === 'ready', 'the update to be ready');
    expect(service.state()).toEqual({ phase: 'ready', version: '0.2.0', waitingForOutbox: false });
    expect(states.map((s) => s.phase)).toEqual(expect.arrayContaining(['checking', 'downloading', 'ready']));
    expect(feed.requests).toContain('/feed/latest-linux.yml');
    expect(feed.requests).toContain('/feed/OpenHands-Desktop-0.2.0-linux-x86_64.AppImage');
    // Downloaded, never installed by itself.
    expect(await readFile(process.env.APPIMAGE ?? '', 'utf8')).toBe('old build');
    expect(app.quit).not.toHaveBeenCalled();

    // Restart while an action is being sent: it waits.
    outbox.sending = true;
    expect(service.restart()).toEqual({ phase: 'ready', version: '0.2.0', waitingForOutbox: true });
    outbox.set(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(app.quit).not.toHaveBeenCalled();
    expect(await readFile(process.env.APPIMAGE ?? '', 'utf8')).toBe('old build');

    // The send finishes: the new build replaces the old, is started, and the app quits.
    outbox.set(false);
    await until(() => app.quit.mock.calls.length > 0, 'the app to quit for the update');
    expect(await readFile(process.env.APPIMAGE ?? '')).toEqual(build);
    await until(async () => (await readFile(marker, 'utf8').catch(() => '')) !== '', 'the new build to run');
    expect(await readFile(marker, 'utf8')).toBe('new build ran\n');
    service.close();
  });

  it('never offers a download whose sha512 does not match the feed', async () => {
    const build = newBuild(path.join(dir, 'never'));
    feed = await serveFeed({ version: '0.2.0', file: build, sha512Of: Buffer.from('another file') });
    const { service, logger } = await startApp(feed.url, new OutboxWatch());
    await service.check(true);
    await until(() => service.state().phase === 'error', 'the download to fail');
    expect(service.state()).toEqual({
      phase: 'error',
      message: 'Could not check for updates. The app keeps working; it tries again tomorrow.',
      manual: true,
    });
    expect(logger.lines.some((line) => line.includes('sha512 checksum mismatch'))).toBe(true);
    expect(service.restart().phase).toBe('error');
    expect(app.quit).not.toHaveBeenCalled();
    service.close();
  });

  it('says the app is up to date when the feed has its own version, and checks again a day later', async () => {
    feed = await serveFeed({ version: '0.1.0', file: newBuild(path.join(dir, 'never')) });
    const { service, clock } = await startApp(feed.url, new OutboxWatch());
    service.start();
    await clock.advance(10_000);
    await until(() => service.state().phase === 'idle' && feed?.requests.length === 1, 'the first check');
    expect(service.state()).toEqual({ phase: 'idle', checkedAt: clock.now(), manual: false });
    await clock.advance(24 * 60 * 60 * 1000 - 1);
    expect(feed.requests).toHaveLength(1);
    await clock.advance(1);
    await until(() => feed?.requests.length === 2, 'the daily check');
    expect(feed.requests).toEqual(['/feed/latest-linux.yml', '/feed/latest-linux.yml']);
    service.close();
  });

  it('is unavailable in a build run from source, and asks no feed', async () => {
    feed = await serveFeed({ version: '0.2.0', file: newBuild(path.join(dir, 'never')) });
    delete process.env.APPIMAGE;
    const { service, clock } = await startApp(feed.url, new OutboxWatch(), { devFeed: false });
    expect(service.state()).toEqual({ phase: 'unavailable', reason: 'not-packaged' });
    service.start();
    await clock.advance(10_000);
    expect(await service.check(true)).toEqual({ phase: 'unavailable', reason: 'not-packaged' });
    expect(feed.requests).toEqual([]);
  });
});
