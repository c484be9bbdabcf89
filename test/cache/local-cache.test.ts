import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeEvents, mergeEvents } from '../../src/main/cache/event-file';
import { LocalCache, type LocalCacheOptions } from '../../src/main/cache/local-cache';
import { MemoryLogger } from '../../src/main/logger';
import { events, filesUnder, row, SERVER, tempDir } from './support';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  await cleanup();
});

const KEY = `${SERVER}/${'1'.padStart(32, '0')}`;

async function open(
  extra: Partial<LocalCacheOptions> = {},
  logger = new MemoryLogger(),
): Promise<LocalCache> {
  return LocalCache.open({ dir, logger, writeDelayMs: 5, ...extra });
}

describe('local cache', () => {
  it('keeps lists, sync times and events across a restart; removals leave', async () => {
    const a = await open();
    a.applyChanges({ changed: [row(1), row(2), row(3)], removed: [], at: 0 });
    a.markSynced(SERVER, 1234);
    a.saveEvents(KEY, { events: events(10), hasEarlier: false });
    await a.close();

    const b = await open();
    expect(b.list(SERVER).map((c) => c.title)).toEqual([
      'Conversation 1',
      'Conversation 2',
      'Conversation 3',
    ]);
    expect(b.lastSyncAt(SERVER)).toBe(1234);
    expect(await b.readEvents(KEY)).toEqual({ events: events(10), hasEarlier: false });

    b.applyChanges({ changed: [], removed: [KEY], at: 1 });
    await b.close();
    const c = await open();
    expect(c.list(SERVER).map((x) => x.id)).toEqual([row(2).id, row(3).id]);
    expect(await c.readEvents(KEY)).toBeUndefined();
    expect([...(await filesUnder(dir)).keys()].filter((f) => f.startsWith('events/')).length).toBe(0);
  });

  it('merges saves with what was cached, by id, and keeps the newest within the budget', async () => {
    const a = await open({ maxEventsPerConversation: 50 });
    a.saveEvents(KEY, { events: events(30), hasEarlier: false });
    await a.flush();
    // The store holds a tail overlapping the cached one (as after seeding and a reconcile).
    a.saveEvents(KEY, { events: events(30, 20), hasEarlier: true });
    await a.close();
    const b = await open({ maxEventsPerConversation: 50 });
    const read = (await b.readEvents(KEY))!;
    expect(read.events.map((e) => e.id)).toEqual(events(50).map((e) => e.id));
    expect(read.hasEarlier).toBe(false);

    // Overlapping at the newest cached event, as a reconcile from it (timestamp ≥ newest) returns.
    b.saveEvents(KEY, { events: events(21, 49), hasEarlier: true });
    await b.close();
    const c = await open({ maxEventsPerConversation: 50 });
    const trimmed = (await c.readEvents(KEY))!;
    expect(trimmed.events.map((e) => e.id)).toEqual(events(50, 20).map((e) => e.id));
    expect(trimmed.hasEarlier).toBe(true);
  });

  it('drops what was cached when the store started over past a gap (no hole in the window)', () => {
    const merged = mergeEvents(
      { events: events(10), hasEarlier: false },
      { events: events(5, 500), hasEarlier: true },
    );
    expect(merged.events.map((e) => e.id)).toEqual(events(5, 500).map((e) => e.id));
    expect(merged.hasEarlier).toBe(true);
  });

  it('cuts by bytes without splitting equal timestamps', () => {
    const list = events(10, 0, 1000);
    for (const e of list.slice(4, 7)) e.timestamp = list[4]!.timestamp;
    // Room for ~4.5 events: the cut would fall inside the run 4..6, so the run goes as a whole.
    const out = encodeEvents(KEY, { events: list, hasEarlier: false }, { maxEvents: 100, maxBytes: 4700 }, 0);
    expect(out.events).toBe(3);
    expect(out.hasEarlier).toBe(true);
    expect(
      out.text
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => (JSON.parse(l) as { id: string }).id),
    ).toEqual(['e7', 'e8', 'e9']);
  });

  it('evicts the least recently opened conversations beyond the global cap', async () => {
    const keys = [1, 2, 3, 4].map((i) => `${SERVER}/${String(i).padStart(32, '0')}`);
    let now = 1000;
    const clock = { now: () => now, sleep: () => Promise.resolve() };
    const a = await open({ maxTotalBytes: 3 * 12_000, clock });
    for (const key of keys.slice(0, 3)) {
      a.saveEvents(key, { events: events(10, 0, 1000), hasEarlier: false });
      await a.flush();
      now += 10;
    }
    // Opening the first makes the second the least recently opened.
    await a.readEvents(keys[0]!);
    now += 10;
    a.saveEvents(keys[3]!, { events: events(10, 0, 1000), hasEarlier: false });
    await a.close();
    const b = await open({ maxTotalBytes: 3 * 12_000, clock });
    expect(await b.readEvents(keys[1]!)).toBeUndefined();
    for (const key of [keys[0]!, keys[2]!, keys[3]!])
      expect((await b.readEvents(key))?.events.length).toBe(10);
    expect(b.eventBytes()).toBeLessThanOrEqual(3 * 12_000);
  });

  it('forgets a removed server entirely, and servers no longer configured at start', async () => {
    const other = 'b'.repeat(32);
    const a = await open();
    a.applyChanges({ changed: [row(1), row(2, other)], removed: [], at: 0 });
    a.markSynced(other, 5);
    a.saveEvents(KEY, { events: events(3), hasEarlier: false });
    a.saveEvents(`${other}/${'2'.padStart(32, '0')}`, { events: events(3), hasEarlier: false });
    await a.flush();
    await a.forgetServer(SERVER);
    await a.close();
    const files = [...(await filesUnder(dir)).keys()];
    expect(files.some((f) => f.includes(SERVER))).toBe(false);
    expect(files.some((f) => f.includes(other))).toBe(true);

    const b = await open();
    await b.retainServers([]);
    await b.close();
    expect([...(await filesUnder(dir)).keys()].filter((f) => f !== 'state.json')).toEqual([]);
    expect(b.lastSyncAt(other)).toBeNull();
  });

  it('reads the version 1 files of the first release (migration baseline)', async () => {
    await cp(path.join(__dirname, 'fixtures', 'v1'), dir, { recursive: true });
    const logger = new MemoryLogger();
    const cache = await open({}, logger);
    const list = cache.list(SERVER);
    expect(list.map((c) => [c.title, c.status])).toEqual([
      ['Fix the flaky test', 'finished'],
      ['Upgrade dependencies', 'waiting-for-input'],
    ]);
    expect(cache.lastSyncAt(SERVER)).toBe(1714557600000);
    expect(cache.capabilities(SERVER)).toEqual({ appMode: 'oss', v1: true, checkedAt: 1714557500000 });
    const cached = await cache.readEvents(`${SERVER}/${'c'.repeat(32)}`);
    expect(cached?.events.map((e) => e.kind)).toEqual(['MessageEvent', 'ActionEvent', 'ObservationEvent']);
    expect(cached?.hasEarlier).toBe(false);
    expect(logger.lines).toEqual([]);
  });

  it('sets a corrupt or newer-format file aside with one log line, rebuilds it, and leaves the outbox alone', async () => {
    await cp(path.join(__dirname, 'fixtures', 'v1'), dir, { recursive: true });
    const outbox = path.join(dir, '..', `${path.basename(dir)}-outbox.jsonl`);
    await writeFile(outbox, 'journal\n');
    await writeFile(path.join(dir, 'lists', `${SERVER}.json`), '{"version":1,"serverId":');
    await writeFile(
      path.join(dir, 'state.json'),
      JSON.stringify({ version: 7, servers: {}, conversations: {} }),
    );
    const logger = new MemoryLogger();
    const cache = await open({}, logger);
    expect(cache.list(SERVER)).toEqual([]);
    expect(logger.lines).toHaveLength(2);
    expect(logger.lines[0]).toMatch(
      /^warn cache: .*could not be used \(.*\); set aside as .*corrupt-.* and rebuilt/,
    );
    expect(logger.lines.join('\n')).toMatch(/version 7 is newer than this build's 1/);

    // A damaged event file: set aside when read, one more line, a cache miss.
    const eventFile = path.join(dir, 'events', SERVER, `${'c'.repeat(32)}.jsonl`);
    await writeFile(eventFile, '{"version":1,"key":"x","hasEarlier":false,"savedAt":1}\nnot json\n');
    expect(await cache.readEvents(`${SERVER}/${'c'.repeat(32)}`)).toBeUndefined();
    expect(logger.lines).toHaveLength(2); // state.json was set aside: the conversation is unknown, the file unread

    cache.applyChanges({ changed: [row(9)], removed: [], at: 0 });
    await cache.close();
    const again = await open({}, new MemoryLogger());
    expect(again.list(SERVER).map((c) => c.id)).toEqual([row(9).id]);
    expect(await readFile(outbox, 'utf8')).toBe('journal\n');
    const aside = (await readdir(path.join(dir, 'lists'))).filter((n) => n.includes('.corrupt-'));
    expect(aside).toHaveLength(1);
  });

  it('sets a damaged event file aside when it is read', async () => {
    const logger = new MemoryLogger();
    const a = await open({}, logger);
    a.saveEvents(KEY, { events: events(3), hasEarlier: false });
    await a.close();
    const file = path.join(dir, 'events', SERVER, `${KEY.split('/')[1]!}.jsonl`);
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('"e1"', '"e1'));
    const b = await open({}, logger);
    expect(await b.readEvents(KEY)).toBeUndefined();
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatch(/line 3 is not JSON/);
  });

  it('removes temp files a killed write left behind', async () => {
    await mkdir(path.join(dir, 'lists'), { recursive: true });
    await writeFile(path.join(dir, 'lists', `.${SERVER}.json.123.abc.tmp`), '{"ver');
    await open();
    expect(await readdir(path.join(dir, 'lists'))).toEqual([]);
  });
});
