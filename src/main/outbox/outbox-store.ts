// The outbox's durable store: an append-only journal in the user-data folder.
//
// Format: one record per line, `<crc32 as 8 hex> <json>\n`, where the JSON is `{"op":"put","item":…}` or
// `{"op":"del","id":…}`. Why a journal and not a snapshot rewritten per change: an enqueue appends one short
// line and fsyncs one file (concurrent enqueues share one write + fsync), instead of rewriting every queued
// item, fsyncing a temp file, renaming it and fsyncing the folder. Crash safety comes from the checksum: a
// kill (or power loss) mid-append leaves at most a torn tail, which fails its checksum and is dropped on load;
// every record before it was fsynced before its caller heard "done". The journal is compacted (rewritten
// with only the live items, atomically: temp file, fsync, rename, folder fsync) on open and whenever it has
// grown well past the live set, so it never grows without bound.
//
// A bad record followed by good ones is not a torn tail but corruption: the file is set aside as
// `<file>.corrupt-<timestamp>`, the good records are kept, and the problem is reported.
//
// A full disk or read-only folder never makes opening fail, and never costs a record: the journal is only
// rewritten at open when it needs repair (a torn tail, corruption) or compaction, and a rewrite that cannot
// be done leaves the file exactly as it was. The repair is then retried before the next append (appending
// after a torn tail would glue the new record to it), and every write that fails says "disk full" or
// "read-only" (compose.ts injects storage-errors.ts's mapping, as the outbox injects its validator), not a
// bare errno.
import { randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import type { StoredOutboxItem } from '../../shared/outbox';
import { moveAside } from '../storage/atomic-json';

/**
 * Checks one stored item read back from disk: the item, or what is wrong with it. Injected (the outbox
 * passes its zod schema) so the journal itself stays free of the schema library.
 */
export type ItemValidator = (
  value: unknown,
) => { ok: true; item: StoredOutboxItem } | { ok: false; why: string };

type JournalRecord = { op: 'put'; item: StoredOutboxItem } | { op: 'del'; id: string };

export interface OutboxStoreProblem {
  /** Where the damaged journal was moved. */
  movedTo: string;
  /** One line: what was wrong. */
  error: string;
  /** Records that could not be read (their items may be lost; the user is told). */
  droppedRecords: number;
}

export interface OpenedOutboxStore {
  store: OutboxStore;
  /** The live items, in enqueue order. */
  items: StoredOutboxItem[];
  /** Set when the journal was damaged beyond a torn tail. */
  problem: OutboxStoreProblem | null;
  /** A torn last record was dropped (normal after a crash mid-write). */
  droppedTornTail: boolean;
  /**
   * The journal could not be repaired or compacted (disk full, read-only folder): it was left as it was,
   * every item is loaded, and writes are tried again (and fail with this kind of error) until it can be.
   */
  writeProblem: Error | null;
}

export interface OutboxStoreOptions {
  /** Validates each item on load (the outbox passes its zod schema). */
  validate: ItemValidator;
  /** Compact when the journal holds more than this many records beyond the live ones (default 200). */
  compactSlack?: number;
  now?: () => Date;
  /**
   * What a failed write is reported as (compose.ts passes `asStorageError`: disk full / read-only as the
   * user should read them). Injected so the journal stays free of the app's error types. Default: as is.
   */
  writeError?: (error: unknown, dir: string) => unknown;
}

export function encodeRecord(record: JournalRecord): string {
  const json = JSON.stringify(record);
  return `${crc32(json).toString(16).padStart(8, '0')} ${json}\n`;
}

function decodeLine(
  line: string,
  validate: ItemValidator,
): { ok: true; record: JournalRecord } | { ok: false; why: string } {
  const space = line.indexOf(' ');
  if (space !== 8) return { ok: false, why: 'no checksum' };
  const json = line.slice(9);
  if (crc32(json).toString(16).padStart(8, '0') !== line.slice(0, 8))
    return { ok: false, why: 'bad checksum' };
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { ok: false, why: 'not JSON' };
  }
  const record = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (record.op === 'del' && typeof record.id === 'string' && record.id)
    return { ok: true, record: { op: 'del', id: record.id } };
  if (record.op !== 'put') return { ok: false, why: 'unknown record' };
  const item = validate(record.item);
  if (!item.ok) return { ok: false, why: `unexpected item (${item.why})` };
  return { ok: true, record: { op: 'put', item: item.item } };
}

/** Reads a journal: torn tail dropped, corruption counted. Exported for tests. */
export function parseJournal(
  text: string,
  validate: ItemValidator,
): {
  items: Map<string, StoredOutboxItem>;
  records: number;
  tornTail: boolean;
  bad: { line: number; why: string }[];
} {
  const lines = text.split('\n');
  // The text after the last newline is an unfinished append (or '' when the file ends cleanly).
  const tail = lines.pop() ?? '';
  const decoded = lines.map((line, index) => ({ index, result: decodeLine(line, validate) }));
  // Bad records after the last good one are a torn tail too (e.g. zeros after a power cut).
  let lastGood = -1;
  decoded.forEach((d, i) => {
    if (d.result.ok) lastGood = i;
  });
  const items = new Map<string, StoredOutboxItem>();
  const bad: { line: number; why: string }[] = [];
  let records = 0;
  for (const { index, result } of decoded.slice(0, lastGood + 1)) {
    if (!result.ok) {
      bad.push({ line: index + 1, why: result.why });
      continue;
    }
    records += 1;
    if (result.record.op === 'put') items.set(result.record.item.id, result.record.item);
    else items.delete(result.record.id);
  }
  return { items, records, tornTail: tail.length > 0 || decoded.length - 1 > lastGood, bad };
}

export class OutboxStore {
  private readonly live = new Map<string, StoredOutboxItem>();
  private handle: FileHandle | undefined;
  private pending: { line: string; done: () => void; fail: (e: unknown) => void; undo: () => void }[] = [];
  private flushing: Promise<void> | undefined;
  private records = 0;
  private closed = false;
  private readonly slack: number;
  /** Start-up repair that could not be done yet (disk full, read-only): done before the next append. */
  private pendingRepair: (() => Promise<void>) | undefined;
  private readonly writeError: (error: unknown, dir: string) => unknown;

  private constructor(
    readonly file: string,
    options: OutboxStoreOptions,
  ) {
    this.slack = options.compactSlack ?? 200;
    this.writeError = options.writeError ?? ((error) => error);
  }

  /** Loads (repairing and compacting) the journal at `file`, creating it when missing. */
  static async open(file: string, options: OutboxStoreOptions): Promise<OpenedOutboxStore> {
    const target = path.resolve(file);
    await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    const store = new OutboxStore(target, options);
    let text = '';
    try {
      text = await readFile(target, 'utf8');
    } catch (error) {
      if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) throw error;
    }
    const parsed = parseJournal(text, options.validate);
    const items = [...parsed.items.values()].sort((a, b) => a.seq - b.seq);
    for (const item of items) store.live.set(item.id, item);
    store.records = parsed.records;
    let problem: OutboxStoreProblem | null = null;
    const corrupt = parsed.bad.length > 0;
    const first = parsed.bad[0];
    const describe = `${path.basename(target)} had ${parsed.bad.length} unreadable record(s)${
      first ? ` (first at line ${first.line}: ${first.why})` : ''
    }; the readable ones were kept.`;
    let movedTo: string | undefined;
    // What the file needs before anything is appended to it; kept for later when it cannot be done now.
    const repair = async (): Promise<void> => {
      if (corrupt && movedTo === undefined)
        movedTo = await moveAside(target, (options.now ?? (() => new Date()))());
      try {
        await store.compact();
      } catch (error) {
        // The damaged copy goes back where it was: the journal is never left missing.
        if (corrupt && movedTo !== undefined) {
          await rename(movedTo, target).catch(() => undefined);
          movedTo = undefined;
        }
        throw error;
      }
    };
    const needsRewrite = corrupt || parsed.tornTail || parsed.records > store.live.size + store.slack;
    let writeProblem: Error | null = null;
    if (needsRewrite) {
      try {
        await repair();
      } catch (error) {
        const reported = store.writeError(error, path.dirname(target));
        writeProblem = reported instanceof Error ? reported : new Error(String(reported));
        store.pendingRepair = repair;
      }
    }
    if (corrupt)
      problem = {
        movedTo: movedTo ?? target,
        droppedRecords: parsed.bad.length,
        error:
          movedTo !== undefined
            ? describe
            : `${describe} It could not be set aside yet (${writeProblem?.message ?? 'unknown'}).`,
      };
    return { store, items, problem, droppedTornTail: parsed.tornTail, writeProblem };
  }

  get size(): number {
    return this.live.size;
  }

  /** Records the item (new or changed). Resolves once it is on disk (fsynced). */
  put(item: StoredOutboxItem): Promise<void> {
    const before = this.live.get(item.id);
    this.live.set(item.id, item);
    // Not on disk, so not live: a later compaction must not write what its caller was told failed.
    return this.append({ op: 'put', item }, () => {
      if (this.live.get(item.id) !== item) return;
      if (before) this.live.set(item.id, before);
      else this.live.delete(item.id);
    });
  }

  /** Forgets the item. Resolves once that is on disk. */
  remove(id: string): Promise<void> {
    const before = this.live.get(id);
    if (!before || !this.live.delete(id)) return Promise.resolve();
    return this.append({ op: 'del', id }, () => {
      if (!this.live.has(id)) this.live.set(id, before);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.flushing;
    await this.handle?.close();
    this.handle = undefined;
  }

  /** `undo` puts the live set back as it was, run (synchronously) when the record could not be written. */
  private append(record: JournalRecord, undo: () => void): Promise<void> {
    if (this.closed) {
      undo();
      return Promise.reject(new Error('The outbox store is closed.'));
    }
    const line = encodeRecord(record);
    return new Promise((done, fail) => {
      this.pending.push({ line, done, fail, undo });
      // `flushing` is cleared synchronously when the loop ends, so an append is never left unflushed.
      this.flushing ??= this.flushLoop();
    });
  }

  /** Group commit: everything queued while the previous write+fsync ran goes out in one write+fsync. */
  private async flushLoop(): Promise<void> {
    for (;;) {
      if (this.pending.length === 0) {
        this.flushing = undefined;
        return;
      }
      const batch = this.pending;
      this.pending = [];
      try {
        if (this.pendingRepair) {
          await this.pendingRepair();
          this.pendingRepair = undefined;
        }
        const handle = this.handle ?? (this.handle = await open(this.file, 'a', 0o600));
        await handle.write(batch.map((p) => p.line).join(''));
        await handle.datasync();
        this.records += batch.length;
        for (const p of batch) p.done();
      } catch (error) {
        // A failed write may have left part of a line: the journal is rewritten from the live set (which
        // no longer holds what failed) before the next append, so nothing is glued to that fragment.
        this.pendingRepair ??= () => this.compact();
        const reported = this.writeError(error, path.dirname(this.file));
        // Undone newest first, so an item put twice in one batch ends as it was before the batch.
        for (const p of [...batch].reverse()) p.undo();
        for (const p of batch) p.fail(reported);
        continue;
      }
      if (this.records > this.live.size + this.slack) {
        // A failed compaction leaves the (valid) long journal in place; try again after the next write.
        await this.compact().catch(() => undefined);
      }
    }
  }

  /** Rewrites the journal with only the live items, atomically. */
  private async compact(): Promise<void> {
    const dir = path.dirname(this.file);
    const temp = path.join(dir, `.${path.basename(this.file)}.${randomBytes(6).toString('hex')}.tmp`);
    const text = [...this.live.values()].map((item) => encodeRecord({ op: 'put', item })).join('');
    try {
      const handle = await open(temp, 'wx', 0o600);
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      // Closed first: Windows cannot rename over an open file. Appends wait for us (same loop).
      await this.handle?.close();
      this.handle = undefined;
      await rename(temp, this.file);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    await syncDirectory(dir);
    this.records = this.live.size;
  }
}

async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r').catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on a folder.
  } finally {
    await handle.close();
  }
}
