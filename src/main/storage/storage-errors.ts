// What a failed write to the user-data folder means for the user. Node reports it as an errno code
// (ENOSPC, EROFS …) that would otherwise reach the page as "Something went wrong": here it becomes an
// ApiError of kind `disk-full` or `read-only` (the bridge passes those through as they are), worded in the
// app's language (catalog area `storage`).
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { ApiError } from '../api/errors';
import { t } from '../i18n';

/** No space (or quota) left: the write can succeed later, once space is freed. */
const DISK_FULL = new Set(['ENOSPC', 'EDQUOT']);
/** The folder cannot be written at all: a read-only mount, permissions, or a file where a folder should be. */
const READ_ONLY = new Set(['EROFS', 'EACCES', 'EPERM', 'ENOTDIR', 'EISDIR']);

export type StorageProblemKind = 'disk-full' | 'read-only';

export function storageProblemKind(error: unknown): StorageProblemKind | undefined {
  if (error instanceof ApiError) {
    return error.kind === 'disk-full' || error.kind === 'read-only' ? error.kind : undefined;
  }
  const code = error instanceof Error && 'code' in error ? String(error.code) : undefined;
  if (code === undefined) return undefined;
  if (DISK_FULL.has(code)) return 'disk-full';
  if (READ_ONLY.has(code)) return 'read-only';
  return undefined;
}

export function storageMessage(kind: StorageProblemKind, dir: string): string {
  return kind === 'disk-full' ? t('storage.diskFull') : t('storage.readOnly', { dir });
}

/**
 * A write failure as the user should read it: disk full or read-only as its own ApiError (the errno error
 * kept as the cause, for the log); anything else unchanged.
 */
export function asStorageError(error: unknown, dir: string): unknown {
  if (error instanceof ApiError) return error;
  const kind = storageProblemKind(error);
  return kind ? new ApiError(kind, storageMessage(kind, dir), { cause: error }) : error;
}

/**
 * Whether `dir` can be written now: creates and removes one small file there (never touching the app's own
 * files). The problem as an ApiError when it cannot, null when it can.
 */
export async function probeWritable(
  dir: string,
  fs: {
    mkdir: (dir: string, options: { recursive: true; mode: number }) => Promise<unknown>;
    writeFile: (file: string, data: string, options: { flag: 'wx'; mode: number }) => Promise<void>;
    unlink: (file: string) => Promise<void>;
  },
): Promise<ApiError | null> {
  const probe = path.join(dir, `.write-probe-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    await fs.writeFile(probe, 'ok', { flag: 'wx', mode: 0o600 });
  } catch (error) {
    await fs.unlink(probe).catch(() => undefined);
    const kind = storageProblemKind(error) ?? 'read-only';
    return new ApiError(kind, storageMessage(kind, dir), { cause: error });
  }
  await fs.unlink(probe).catch(() => undefined);
  return null;
}
