import type * as FsPromises from 'node:fs/promises';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemorySecretStore } from '../../src/main/accounts/secret-store';
import { createDispatch } from '../../src/main/bridge/dispatch';
import { createBridgeHandlers } from '../../src/main/bridge/handlers';
import { createMainServices } from '../../src/main/compose';
import { MemoryLogger } from '../../src/main/logger';
import { encodeRecord } from '../../src/main/outbox/outbox-store';
import { setMainLanguage } from '../../src/main/i18n';
import { storageMessage } from '../../src/main/storage/storage-errors';
import { SystemEventEmitter } from '../../src/main/system-events';
import type { StoredOutboxItem } from '../../src/shared/outbox';

// Finding 8 of issue 15: start-up on a read-only data folder or a full disk was fatal (the outbox journal
// was rewritten at every start). The tests run as root, where chmod does not stop writes, so the fs error is
// injected: while `fault.code` is set, node:fs/promises fails every open for writing, writeFile, rename and
// write on an open file with that errno. Reads go through.
const fault = vi.hoisted(() => ({ code: null as string | null, writes: 0 }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const { faultyFsPromises } = await import('../support/faulty-fs');
  return faultyFsPromises(await importOriginal<typeof FsPromises>(), fault, { partialOnFull: false });
});

const queued: StoredOutboxItem = {
  id: 'item-1',
  action: { kind: 'rename', ref: { serverId: 's', id: 'a'.repeat(32), version: 'V1' }, title: 'Keep me' },
  lane: `s/${'a'.repeat(32)}`,
  seq: 1,
  enqueuedAt: 1000,
  state: 'queued',
  attempts: 0,
  firstSentAt: null,
  nextAttemptAt: 1000,
  error: null,
};

async function start(dataDir: string, logger: MemoryLogger) {
  const services = await createMainServices({
    dataDir,
    keychain: new MemorySecretStore(),
    logger,
    fastMs: 60_000,
    slowMs: 60_000,
    adapters: {
      notify: () => undefined,
      renderTray: () => undefined,
      forward: () => undefined,
      system: new SystemEventEmitter(),
    },
  });
  const dispatch = createDispatch(
    createBridgeHandlers(services, { name: 'x', version: '0', platform: 'linux' }),
    logger,
  );
  return { services, dispatch };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  fault.code = null;
  setMainLanguage('en');
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe('start-up and running on a read-only data folder or a full disk', () => {
  it('starts read-only, says so plainly, keeps the queued action and rewrites nothing', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'ro-start-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    // A torn tail after the queued item (a crash mid-append): the journal wants a rewrite it cannot get.
    const journal =
      encodeRecord({ op: 'put', item: queued }) + encodeRecord({ op: 'del', id: 'x' }).slice(0, 9);
    await writeFile(path.join(dataDir, 'outbox.jsonl'), journal);
    fault.code = 'EROFS';
    const logger = new MemoryLogger();
    const { services, dispatch } = await start(dataDir, logger);
    cleanups.push(() => services.close());

    expect(services.storageProblem).toMatchObject({ kind: 'read-only' });
    expect(services.storageProblem?.message).toBe(storageMessage('read-only', dataDir));
    expect(logger.lines.some((l) => l.includes('runs read-only'))).toBe(true);
    // The window hears it too (the read-only banner), not only the log.
    expect(await dispatch('app:info', undefined)).toMatchObject({
      ok: true,
      data: { storage: { kind: 'read-only', message: storageMessage('read-only', dataDir) } },
    });
    const list = await dispatch('outbox:list', undefined);
    expect(list.ok && list.data).toEqual([expect.objectContaining({ id: 'item-1', detail: 'Keep me' })]);
    // Acting is refused with that sentence, not "Something went wrong".
    const enqueued = await dispatch('outbox:enqueue', {
      kind: 'rename',
      ref: { serverId: 's', id: 'b'.repeat(32), version: 'V1' },
      title: 'New',
    });
    expect(enqueued).toMatchObject({ ok: false, error: { code: 'read-only' } });
    expect(JSON.stringify(enqueued)).not.toMatch(/something went wrong/i);
    fault.code = null;
    expect(await readFile(path.join(dataDir, 'outbox.jsonl'), 'utf8')).toBe(journal);
  });

  it('says it in Chinese when the app speaks Chinese', () => {
    setMainLanguage('zh-CN');
    expect(storageMessage('read-only', '/data')).toMatch(/^无法写入应用的数据文件夹（\/data）/);
    expect(storageMessage('disk-full', '/data')).toMatch(/^磁盘已满/);
  });

  it('reports a disk that fills up while running as disk full, for the outbox and for the cache', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'full-run-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const logger = new MemoryLogger();
    const { services, dispatch } = await start(dataDir, logger);
    cleanups.push(() => services.close());
    expect(services.storageProblem).toBeNull();

    fault.code = 'ENOSPC';
    const enqueued = await dispatch('outbox:enqueue', {
      kind: 'rename',
      ref: { serverId: 's', id: 'b'.repeat(32), version: 'V1' },
      title: 'New',
    });
    expect(enqueued).toMatchObject({
      ok: false,
      error: { code: 'disk-full', message: expect.stringMatching(/^The disk is full/) as string },
    });
    // A cache write (the sync time of a server) says disk full in the log too.
    services.cache.markSynced('s', Date.now());
    await services.cache.flush();
    const cacheLines = logger.lines.filter((l) => l.includes('cache: a write failed'));
    expect(cacheLines.length).toBeGreaterThan(0);
    for (const line of cacheLines) expect(line).toMatch(/The disk is full/);
    // Saving a setting says it as well, and the settings held stay as they were.
    const before = services.settings.get();
    const saved = await dispatch('settings:update', { theme: before.theme === 'dark' ? 'light' : 'dark' });
    expect(saved).toMatchObject({
      ok: false,
      error: { code: 'disk-full', message: expect.stringMatching(/^The disk is full/) as string },
    });
    expect(services.settings.get()).toEqual(before);
  });
});
