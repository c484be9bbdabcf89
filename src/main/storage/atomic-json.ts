// JSON files in the user-data folder that survive crashes and power loss: a reader sees either the previous
// complete file or the new complete file, never a torn one. A file that does not parse or does not match
// its schema is renamed aside (kept for the user and for bug reports) and reported, never silently dropped.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';

export type ReadJsonResult<T> =
  | { ok: true; value: T }
  | { ok: false; reason: 'missing' }
  | {
      ok: false;
      reason: 'corrupt';
      /** Where the bad file now is: `<file>.corrupt-<timestamp>` in the same folder. */
      movedTo: string;
      /** What was wrong with it, in one line (JSON syntax error or the first schema problems). */
      error: string;
    };

export interface WriteJsonOptions {
  /** File mode for a newly created file (default 0o600: settings are nobody else's business). */
  mode?: number;
}

/** Writes queued per absolute path, so concurrent writers to one file land in call order. */
const writeQueues = new Map<string, Promise<void>>();

/**
 * Replaces `filePath` with `value` as pretty-printed JSON, atomically: write a temp file in the same folder,
 * fsync it, rename it over the target, then fsync the folder (where the platform allows opening one) so
 * the rename itself is durable. Creates the folder if needed. Concurrent calls for the same path are
 * serialised; the last call's value is what ends up on disk.
 */
export function writeJsonAtomic(
  filePath: string,
  value: unknown,
  options: WriteJsonOptions = {},
): Promise<void> {
  const target = path.resolve(filePath);
  const text = JSON.stringify(value, null, 2);
  if (typeof text !== 'string') {
    return Promise.reject(new TypeError(`writeJsonAtomic: value for ${target} is not JSON-serialisable`));
  }
  return writeTextAtomic(target, `${text}\n`, options);
}

/**
 * Replaces `filePath` with `text` with the same guarantees and queueing as `writeJsonAtomic` (the local cache
 * writes compact JSON and JSONL through it: pretty-printing 10,000 rows would double the file).
 */
export function writeTextAtomic(
  filePath: string,
  text: string,
  options: WriteJsonOptions = {},
): Promise<void> {
  const target = path.resolve(filePath);
  const previous = writeQueues.get(target) ?? Promise.resolve();
  const write = previous.then(() => writeNow(target, text, options.mode ?? 0o600));
  // The queue continues after a failed write; the caller of that write gets the error.
  const tail = write.catch(() => undefined);
  writeQueues.set(target, tail);
  void tail.then(() => {
    if (writeQueues.get(target) === tail) writeQueues.delete(target);
  });
  return write;
}

async function writeNow(target: string, text: string, mode: number): Promise<void> {
  const dir = path.dirname(target);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = path.join(
    dir,
    `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    const handle = await open(temp, 'wx', mode);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dir);
}

/** Makes a rename durable. Windows cannot open a folder for fsync (and NTFS journals renames), so skip there. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  let handle;
  try {
    handle = await open(dir, 'r');
  } catch {
    return;
  }
  try {
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on a directory (EINVAL); the data itself is already synced.
  } finally {
    await handle.close();
  }
}

export interface ReadJsonOptions {
  /** Clock for the `.corrupt-<timestamp>` name (tests). */
  now?: () => Date;
}

/**
 * Reads and validates a JSON file. Missing → `{ok: false, reason: 'missing'}`. Unparsable or not matching
 * `schema` → the file is renamed to `<file>.corrupt-<timestamp>` and `{reason: 'corrupt'}` says where.
 * Other I/O failures (permissions, a folder in the way, a failed rename) are thrown: the file is left
 * where it is, and the caller must not overwrite it.
 */
export async function readJsonFile<S extends z.ZodType>(
  filePath: string,
  schema: S,
  options: ReadJsonOptions = {},
): Promise<ReadJsonResult<z.output<S>>> {
  const target = path.resolve(filePath);
  // Wait for queued writes to this file, so a read right after a write sees it.
  await writeQueues.get(target);
  let text: string;
  try {
    text = await readFile(target, 'utf8');
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return { ok: false, reason: 'missing' };
    throw error;
  }
  let problem: string;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    if (parsed.success) return { ok: true, value: parsed.data };
    problem = `does not match the expected format: ${summariseIssues(parsed.error)}`;
  } catch (error) {
    problem = `is not valid JSON: ${error instanceof Error ? error.message : String(error)}`;
  }
  const movedTo = await moveAside(target, (options.now ?? (() => new Date()))());
  return { ok: false, reason: 'corrupt', movedTo, error: `${path.basename(target)} ${problem}` };
}

function summariseIssues(error: z.ZodError): string {
  const shown = error.issues.slice(0, 3).map((issue) => {
    const where = issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
    return `${where}: ${issue.message}`;
  });
  const more = error.issues.length > shown.length ? ` (+${error.issues.length - shown.length} more)` : '';
  return `${shown.join('; ')}${more}`;
}

/** Renames a damaged file to `<file>.corrupt-<time>` (never over an earlier copy) and returns the new path. */
export async function moveAside(target: string, now: Date): Promise<string> {
  // 2024-05-01T12:30:00.123Z → 2024-05-01T12-30-00-123Z (no ':' — not allowed in Windows file names).
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  for (let attempt = 0; ; attempt += 1) {
    const candidate = `${target}.corrupt-${stamp}${attempt === 0 ? '' : `-${attempt}`}`;
    try {
      // Never replace an earlier corrupt copy: fail if the name is taken, then try the next one.
      await open(candidate, 'wx').then((h) => h.close());
    } catch (error) {
      if (isErrnoException(error) && error.code === 'EEXIST' && attempt < 100) continue;
      throw error;
    }
    try {
      await rename(target, candidate);
    } catch (error) {
      await unlink(candidate).catch(() => undefined);
      throw error;
    }
    return candidate;
  }
}

function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}
