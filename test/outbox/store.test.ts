import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateItem } from '../../src/main/outbox/outbox';
import { encodeRecord, OutboxStore, parseJournal } from '../../src/main/outbox/outbox-store';
import { storedItem as item, percentile, tempDir } from './support';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterEach(async () => {
  await cleanup();
});

describe('OutboxStore', () => {
  it('round-trips puts and removes, compacts, and reports p50/p99 enqueue latency', async () => {
    const file = path.join(dir, 'outbox.jsonl');
    const { store } = await OutboxStore.open(file, { compactSlack: 50, validate: validateItem });
    const latencies: number[] = [];
    for (let n = 0; n < 200; n++) {
      const started = performance.now();
      await store.put(item(n));
      latencies.push(performance.now() - started);
      if (n % 2 === 1) await store.remove(`item-${n}`);
    }
    // Concurrent enqueues share one write + fsync.
    const burst = performance.now();
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.put(item(1000 + i))));
    const burstMs = performance.now() - burst;
    await store.close();
    latencies.sort((a, b) => a - b);
    console.log(
      `outbox enqueue latency (fsynced, sequential, n=200): p50 ${percentile(latencies, 50).toFixed(2)} ms, ` +
        `p99 ${percentile(latencies, 99).toFixed(2)} ms; 50 concurrent enqueues in ${burstMs.toFixed(1)} ms`,
    );
    const text = await readFile(file, 'utf8');
    // Compaction kept the journal near the live set (150 live items, slack 50).
    expect(text.trim().split('\n').length).toBeLessThanOrEqual(150 + 51);
    const reopened = await OutboxStore.open(file, { validate: validateItem });
    expect(reopened.problem).toBeNull();
    expect(reopened.items.map((i) => i.id)).toEqual([
      ...Array.from({ length: 100 }, (_, k) => `item-${k * 2}`),
      ...Array.from({ length: 50 }, (_, i) => `item-${1000 + i}`),
    ]);
    await reopened.store.close();
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('drops a torn last record and keeps the rest', async () => {
    const file = path.join(dir, 'outbox.jsonl');
    const whole = encodeRecord({ op: 'put', item: item(1) }) + encodeRecord({ op: 'put', item: item(2) });
    const torn = encodeRecord({ op: 'put', item: item(3) });
    await writeFile(file, whole + torn.slice(0, torn.length - 10));
    const opened = await OutboxStore.open(file, { validate: validateItem });
    expect(opened.problem).toBeNull();
    expect(opened.droppedTornTail).toBe(true);
    expect(opened.items.map((i) => i.id)).toEqual(['item-1', 'item-2']);
    await opened.store.close();
    // A full-length record with a bad checksum at the end (e.g. zeros after a power cut) is a torn tail too.
    expect(parseJournal(whole + `${'0'.repeat(8)} ${'\u0000'.repeat(20)}\n`, validateItem)).toMatchObject({
      tornTail: true,
      bad: [],
    });
  });

  it('sets a corrupt journal aside, keeps the readable records and reports it', async () => {
    const file = path.join(dir, 'outbox.jsonl');
    const good = encodeRecord({ op: 'put', item: item(1) });
    const flipped = encodeRecord({ op: 'put', item: item(2) }).replace('title 2', 'title X');
    const notOurs = `${encodeRecord({ op: 'put', item: item(3) }).slice(0, 9)}{"op":"put","item":{"id":3}}\n`;
    const last = encodeRecord({ op: 'put', item: item(4) });
    await writeFile(file, good + flipped + notOurs + last);
    const opened = await OutboxStore.open(file, {
      validate: validateItem,
      now: () => new Date('2026-01-02T03:04:05.006Z'),
    });
    expect(opened.items.map((i) => i.id)).toEqual(['item-1', 'item-4']);
    expect(opened.problem).toMatchObject({
      droppedRecords: 2,
      movedTo: `${file}.corrupt-2026-01-02T03-04-05-006Z`,
    });
    expect(opened.problem?.error).toMatch(/2 unreadable record\(s\) \(first at line 2: bad checksum\)/);
    expect(await readFile(`${file}.corrupt-2026-01-02T03-04-05-006Z`, 'utf8')).toBe(
      good + flipped + notOurs + last,
    );
    await opened.store.close();
    const again = await OutboxStore.open(file, { validate: validateItem });
    expect(again.problem).toBeNull();
    expect(again.items.map((i) => i.id)).toEqual(['item-1', 'item-4']);
    await again.store.close();
  });
});
