// File helpers of the local cache: reads that set a bad file aside instead of failing, and clean-up of the
// temp files a killed write leaves behind. Writes go through writeTextAtomic (temp file, fsync, rename).
import { readdir, readFile, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import { moveAside } from '../storage/atomic-json';

export type ReadText = { ok: true; text: string } | { ok: false; missing: true };

/** The file's text, or `missing`. Other I/O errors are thrown (the caller treats them as a cache miss). */
export async function readText(file: string): Promise<ReadText> {
  try {
    return { ok: true, text: await readFile(file, 'utf8') };
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return { ok: false, missing: true };
    throw error;
  }
}

/**
 * Moves a file that cannot be used out of the way (`<file>.corrupt-<time>`, kept for bug reports) and returns
 * where; when even that fails it is deleted, so the cache can always be rebuilt in its place.
 */
export async function setAside(file: string, now: Date): Promise<string> {
  try {
    return await moveAside(file, now);
  } catch {
    await unlink(file).catch(() => undefined);
    return '(deleted)';
  }
}

/** Deletes `.*.tmp` files (writes cut short by a crash) under `dir`, recursively. */
export async function removeTempFiles(dir: string): Promise<number> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch {
    return 0;
  }
  const temps = entries.filter((e) => e.isFile() && e.name.startsWith('.') && e.name.endsWith('.tmp'));
  await Promise.all(temps.map((e) => rm(path.join(e.parentPath, e.name), { force: true })));
  return temps.length;
}

export async function removeFile(file: string): Promise<void> {
  await rm(file, { force: true });
}

export function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && (error as NodeJS.ErrnoException).code === code;
}
