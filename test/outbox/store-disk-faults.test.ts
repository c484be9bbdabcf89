import type * as FsPromises from 'node:fs/promises';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { validateItem } from '../../src/main/outbox/outbox';
import { encodeRecord, OutboxStore } from '../../src/main/outbox/outbox-store';
import { asStorageError } from '../../src/main/storage/storage-errors';
import { storedItem as item, tempDir } from './support';

// Finding 8 of issue 15. The tests run as root, where a chmod'ed folder is still writable, so the fs error is
// injected instead: node:fs/promises is wrapped so that, while `fault.code` is set, every open for writing,
// writeFile, rename and write on an open file fails with that errno — a read-only data folder (EROFS) or a
// full disk (ENOSPC, which writes half of the data first, as a real one can).
// Reads go through untouched.
const fault = vi.hoisted(() => ({ code: null as string | null, writes: 0 }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const { faultyFsPromises } = await import('../support/faulty-fs');
  return faultyFsPromises(await importOriginal<typeof FsPromises>(), fault, { partialOnFull: true });
});

const options = { validate: validateItem, writeError: asStorageError };

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  fault.code = null;
  fault.writes = 0;
});
afterEach(async () => {
  fault.code = null;
  await cleanup();
});

describe('the outbox journal on a read-only folder or a full disk', () => {
  it('opens a read-only journal without rewriting it, keeps every item, and refuses writes as read-only', async () => {
    const file = path.join(dir, 'outbox.jsonl');
    // A torn tail: the journal needs a rewrite, which cannot happen now.
    const torn = encodeRecord({ op: 'put', item: item(3) });
    const text =
      encodeRecord({ op: 'put', item: item(1) }) +
      encodeRecord({ op: 'put', item: item(2) }) +
      torn.slice(0, 20);
    await writeFile(file, text);
    fault.code = 'EROFS';
    const opened = await OutboxStore.open(file, options);
    expect(opened.items.map((i) => i.id)).toEqual(['item-1', 'item-2']);
    expect(opened.writeProblem).toMatchObject({ kind: 'read-only' });
    expect(opened.writeProblem?.message).toMatch(/cannot be written.*read-only/);
    await expect(opened.store.put(item(4))).rejects.toMatchObject({
      kind: 'read-only',
      message: expect.stringMatching(/data folder cannot be written/) as string,
    });
    fault.code = null;
    // Nothing was truncated or rewritten.
    expect(await readFile(file, 'utf8')).toBe(text);
    await opened.store.close();
  });

  it('opens a clean journal on a read-only folder without writing to it at all', async () => {
    const file = path.join(dir, 'outbox.jsonl');
    const text = encodeRecord({ op: 'put', item: item(1) });
    await writeFile(file, text);
    fault.code = 'EROFS';
    const opened = await OutboxStore.open(file, options);
    expect(fault.writes).toBe(0);
    expect(opened.writeProblem).toBeNull();
    expect(opened.items.map((i) => i.id)).toEqual(['item-1']);
    fault.code = null;
    await opened.store.close();
  });

  it('reports a full disk as disk full, and once there is room again writes on without losing a record', async () => {
    const file = path.join(dir, 'outbox.jsonl');
    const { store } = await OutboxStore.open(file, options);
    await store.put(item(1));
    fault.code = 'ENOSPC';
    await expect(store.put(item(2))).rejects.toMatchObject({
      kind: 'disk-full',
      message: expect.stringMatching(/^The disk is full/) as string,
    });
    fault.code = null;
    await store.put(item(3));
    await store.close();
    const reopened = await OutboxStore.open(file, options);
    // The failed put is not resurrected by the rewrite; the acknowledged ones are all there.
    expect(reopened.items.map((i) => i.id)).toEqual(['item-1', 'item-3']);
    expect(reopened.problem).toBeNull();
    await reopened.store.close();
  });
});
