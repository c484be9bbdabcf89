import type { Dirent, Stats } from 'node:fs';
import { access, constants, lstat, readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { checkRemotePath } from '../api/file-transfer';
import { t } from '../i18n';
import type { UploadSpec } from './upload-runner';

export const DEFAULT_TARGET_DIR = '/workspace/project';
export const DEFAULT_MAX_FILES_WITHOUT_CONFIRM = 50;
export const DEFAULT_MAX_BYTES_WITHOUT_CONFIRM = 200 * 1024 * 1024;
/** Linux (ext4, overlayfs) limits a name to 255 bytes. */
export const MAX_SEGMENT_BYTES = 255;

export interface PlanOptions {
  /** Absolute sandbox folder the dropped items land in (default `/workspace/project`). */
  targetDir?: string;
  maxFilesWithoutConfirm?: number;
  maxBytesWithoutConfirm?: number;
}

export interface SkippedItem {
  path: string;
  reason: string;
}

export interface UploadPlan {
  files: UploadSpec[];
  totalBytes: number;
  count: number;
  skipped: SkippedItem[];
  /** More files or bytes than the thresholds: ask the user before queueing. */
  needsConfirmation: boolean;
}

// Control characters (C0, DEL, C1), bidirectional overrides (`evil\u202Etxt.exe`), slashes and the
// characters Windows refuses in names.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069/\\<>:"|?*]/g;
/** Device names Windows reserves with any extension (`con`, `nul.txt`, `COM1.log`). */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The longest prefix of `text` (whole code points) that fits in `maxBytes` of UTF-8. */
function truncateUtf8(text: string, maxBytes: number): string {
  let out = '';
  let bytes = 0;
  for (const char of text) {
    const size = utf8Length(char);
    if (bytes + size > maxBytes) break;
    out += char;
    bytes += size;
  }
  return out;
}

/**
 * One path segment made safe for the sandbox (and for a later download to Windows): NFC, no control
 * characters, bidi overrides, slashes or Windows-reserved characters (each becomes `_`), no `.`/`..`/empty names, no
 * trailing dots or spaces, no reserved device names, at most 255 UTF-8 bytes (the extension is kept).
 */
export function sanitizeSegment(name: string, maxBytes = MAX_SEGMENT_BYTES): string {
  let out = name.normalize('NFC').replace(UNSAFE_CHARS, '_');
  // Trailing dots and spaces vanish on Windows; a name of only dots would be `.`/`..` or invisible.
  out = out.replace(/[. ]+$/, (tail) => '_'.repeat(tail.length));
  if (out.trim() === '') out = '_';
  if (WINDOWS_RESERVED.test(out)) out = `_${out}`;
  if (utf8Length(out) > maxBytes) {
    const dot = out.lastIndexOf('.');
    const ext = dot > 0 && out.length - dot <= 16 ? out.slice(dot) : '';
    out = truncateUtf8(out.slice(0, out.length - ext.length), maxBytes - utf8Length(ext)) + ext;
  }
  return out;
}

/** `targetDir` + the sanitised relative path, checked by the same rule the transfer code applies. */
export function remotePathFor(targetDir: string, relativeSegments: string[]): string {
  const base = checkRemotePath(targetDir).replace(/\/+$/, '');
  return checkRemotePath(`${base}/${relativeSegments.map((s) => sanitizeSegment(s)).join('/')}`);
}

/** Why a file (or, with `folder`, a folder) cannot be read, as one whole phrase. */
function unreadable(error: unknown, folder = false): string {
  const code = (error as { code?: string }).code;
  if (code === 'EACCES' || code === 'EPERM')
    return t(folder ? 'mainErrors.skipFolderNoPermission' : 'mainErrors.skipNoPermission');
  if (code === 'ENOENT') return t(folder ? 'mainErrors.skipFolderGone' : 'mainErrors.skipGone');
  const detail = (error as Error).message ?? String(error);
  return t(folder ? 'mainErrors.skipFolderUnreadable' : 'mainErrors.skipUnreadable', { detail });
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep));
}

/**
 * Turns dropped paths (files and folders) into upload specs. Folders are walked recursively; symbolic links
 * inside a folder are followed only to files within that same folder (never out of the tree, never to
 * folders, so no cycles); sockets, FIFOs and devices are skipped; unreadable entries are reported.
 * A dropped item keeps its own name: `/home/me/photos` → `{targetDir}/photos/…`.
 */
export async function planUpload(paths: string[], options: PlanOptions = {}): Promise<UploadPlan> {
  const targetDir = options.targetDir ?? DEFAULT_TARGET_DIR;
  checkRemotePath(targetDir);
  const files: UploadSpec[] = [];
  const skipped: SkippedItem[] = [];
  const taken = new Map<string, string>();

  const addFile = async (localPath: string, info: Stats, segments: string[]): Promise<void> => {
    try {
      await access(localPath, constants.R_OK);
    } catch (error) {
      skipped.push({ path: localPath, reason: unreadable(error) });
      return;
    }
    let remotePath: string;
    try {
      remotePath = remotePathFor(targetDir, segments);
    } catch (error) {
      skipped.push({ path: localPath, reason: (error as Error).message });
      return;
    }
    const earlier = taken.get(remotePath);
    if (earlier !== undefined) {
      skipped.push({ path: localPath, reason: t('mainErrors.skipDuplicate', { earlier, remotePath }) });
      return;
    }
    taken.set(remotePath, localPath);
    files.push({ localPath, remotePath, size: info.size, mtimeMs: info.mtimeMs });
  };

  const walk = async (root: string, dir: string, segments: string[]): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      skipped.push({ path: dir, reason: unreadable(error, true) });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      const childSegments = [...segments, entry.name];
      if (entry.isDirectory()) {
        await walk(root, path, childSegments);
      } else if (entry.isFile()) {
        const info = await lstat(path).catch((error: unknown) => {
          skipped.push({ path, reason: unreadable(error) });
          return undefined;
        });
        if (info) await addFile(path, info, childSegments);
      } else if (entry.isSymbolicLink()) {
        const real = await realpath(path).catch(() => undefined);
        if (real === undefined) {
          skipped.push({ path, reason: t('mainErrors.skipBrokenLink') });
        } else if (!isInside(root, real)) {
          skipped.push({ path, reason: t('mainErrors.skipLinkOutside') });
        } else {
          const info = await stat(real).catch(() => undefined);
          if (info?.isFile()) await addFile(path, info, childSegments);
          else skipped.push({ path, reason: t('mainErrors.skipLinkNotFile') });
        }
      } else {
        skipped.push({ path, reason: t('mainErrors.skipSpecialFile') });
      }
    }
  };

  for (const input of paths) {
    // A dropped item was chosen by the user: a link there is followed (stat, not lstat).
    const info = await stat(input).catch((error: unknown) => {
      skipped.push({ path: input, reason: unreadable(error) });
      return undefined;
    });
    if (!info) continue;
    const name = basename(input) || input;
    if (info.isDirectory()) {
      const root = await realpath(input).catch(() => input);
      await walk(root, input, [name]);
    } else if (info.isFile()) {
      await addFile(input, info, [name]);
    } else {
      skipped.push({ path: input, reason: t('mainErrors.skipSpecialFile') });
    }
  }

  const totalBytes = files.reduce((n, f) => n + f.size, 0);
  const maxFiles = options.maxFilesWithoutConfirm ?? DEFAULT_MAX_FILES_WITHOUT_CONFIRM;
  const maxBytes = options.maxBytesWithoutConfirm ?? DEFAULT_MAX_BYTES_WITHOUT_CONFIRM;
  return {
    files,
    totalBytes,
    count: files.length,
    skipped,
    needsConfirmation: files.length > maxFiles || totalBytes > maxBytes,
  };
}
