// Browser mode's staging folder: files a page streamed to main (it has no paths to give), kept under
// `<user data>/upload-staging/<stage id>/<relative path>` until their uploads are done or cancelled, or the
// plan made from them is discarded. Cleared at start-up: nothing there is owned by anyone after a restart.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, unlink } from 'node:fs/promises';
import path from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MAX_STAGED_FILE_BYTES } from '../../shared/bridge/staged-uploads';
import type { OutboxItemView } from '../../shared/outbox';
import { ApiError } from '../api/errors';
import { t } from '../i18n';
import type { Logger } from '../logger';
import { sanitizeSegment } from './upload-plan';

/** Deeper folders than this are refused (a dropped tree is rarely more than a dozen levels). */
const MAX_DEPTH = 32;
/** One stage holds at most this many files (a plan walks them all). */
const MAX_FILES_PER_STAGE = 10_000;
/**
 * An open stage with no file arriving and nothing received for this long was abandoned (the page went away
 * mid-drop, or a client opened stages and never used them): it is dropped and its slot is free again. A live
 * page sends its files back to back, so a stage between two files is idle for milliseconds only, and a file
 * still streaming keeps its stage however long it takes.
 */
export const OPEN_STAGE_IDLE_MS = 2 * 60_000;
/** At the limit, a new drop may take over the slot of a stage idle at least this long (nothing streaming). */
export const RECLAIM_IDLE_MS = 15_000;
export const MAX_OPEN_STAGES = 20;
/**
 * All staged files together (every stage, open, planned or still uploading) stay under this: it bounds what
 * a page, or anything holding the token, can put on the local disk. One file at the per-file cap fits.
 */
export const MAX_TOTAL_STAGED_BYTES = 2 * MAX_STAGED_FILE_BYTES;

/**
 * The HTTP status web-server.ts answers when staging space is used up (507 Insufficient Storage): the page
 * then fails the whole drop with this message, where a refused single file (400/409) is only skipped.
 */
export const QUOTA_STATUS = 507;

interface Stage {
  dir: string;
  state: 'open' | 'planned' | 'started';
  files: number;
  /** When a file last started or finished arriving (or the stage was made). */
  lastActivity: number;
  /** Files being streamed in right now: such a stage is never abandoned. */
  inFlight: number;
  /** Bytes this stage holds on disk, and per staged file (so a settled upload gives its bytes back). */
  bytes: number;
  sizes: Map<string, number>;
  /** Outbox items still uploading a file of this stage → that file. */
  pending: Map<string, string>;
}

/**
 * A page-supplied relative path (`photos/2024/a.jpg`) as safe segments, or an error: no absolute paths, no
 * `.`/`..`, no empty segments, no NUL; each segment then sanitised like any dropped name (upload-plan.ts).
 */
export function stagedSegments(name: string): string[] {
  if (name.length === 0 || name.length > 4096 || name.includes('\0'))
    throw new ApiError('bad-request', t('mainErrors.stagedNameMissing'));
  const normalised = name.replace(/\\/g, '/');
  if (normalised.startsWith('/') || /^[A-Za-z]:/.test(normalised))
    throw new ApiError('bad-request', t('mainErrors.stagedNameAbsolute'));
  const segments = normalised.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..'))
    throw new ApiError('bad-request', t('mainErrors.stagedNameBadParts'));
  if (segments.length > MAX_DEPTH) throw new ApiError('bad-request', t('mainErrors.stagedTooDeep'));
  return segments.map((s) => sanitizeSegment(s));
}

/** 400, not 413: the page skips that one file (src/renderer/web-bridge.ts) and stages the rest. */
function tooLarge(): ApiError {
  return new ApiError('bad-request', t('mainErrors.stagedTooLarge'));
}

function quotaExceeded(): ApiError {
  return new ApiError('conflict', t('mainErrors.stagedQuota'), { status: QUOTA_STATUS });
}

/**
 * Counts bytes through and fails the stream once more than `max` have passed, or when `more(n)` (told of
 * each chunk's size before it is written) refuses it.
 */
function capped(max: number, more: (n: number) => ApiError | undefined): Transform {
  let total = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      total += chunk.length;
      if (total > max) return done(tooLarge());
      const refused = more(chunk.length);
      if (refused) done(refused);
      else done(null, chunk);
    },
  });
}

export class UploadStaging {
  private readonly stages = new Map<string, Stage>();
  /** Outbox item id → its stage. */
  private readonly items = new Map<string, string>();
  /** Bytes of every stage together (written so far, files still arriving included). */
  private stagedBytes = 0;

  private constructor(
    readonly root: string,
    private readonly logger: Logger,
    private readonly now: () => number,
    readonly maxFileBytes: number,
    readonly maxTotalBytes: number,
  ) {}

  /** Empties (or makes) the staging folder. */
  static async open(
    root: string,
    options: { logger: Logger; now?: () => number; maxFileBytes?: number; maxTotalBytes?: number },
  ): Promise<UploadStaging> {
    await rm(root, { recursive: true, force: true });
    await mkdir(root, { recursive: true });
    return new UploadStaging(
      root,
      options.logger,
      options.now ?? Date.now,
      options.maxFileBytes ?? MAX_STAGED_FILE_BYTES,
      options.maxTotalBytes ?? MAX_TOTAL_STAGED_BYTES,
    );
  }

  /** Bytes all stages hold now. */
  get totalBytes(): number {
    return this.stagedBytes;
  }

  /**
   * A new, empty stage; its id is what the page sends with the next files. At the limit of open stages, the
   * one idle longest (nothing streaming, idle ≥ RECLAIM_IDLE_MS) is dropped to make room.
   */
  create(): string {
    this.prune();
    const open = [...this.stages.entries()].filter(([, s]) => s.state === 'open');
    if (open.length >= MAX_OPEN_STAGES) {
      const now = this.now();
      const idle = open
        .filter(([, s]) => s.inFlight === 0 && now - s.lastActivity >= RECLAIM_IDLE_MS)
        .sort(([, a], [, b]) => a.lastActivity - b.lastActivity)[0];
      if (!idle) throw new ApiError('rate-limited', t('mainErrors.stagedTooManyStages'));
      this.logger.info('uploads: an abandoned staged upload was dropped to make room for a new one');
      this.discard(idle[0]);
    }
    const id = randomUUID();
    this.stages.set(id, {
      dir: path.join(this.root, id),
      state: 'open',
      files: 0,
      lastActivity: this.now(),
      inFlight: 0,
      bytes: 0,
      sizes: new Map(),
      pending: new Map(),
    });
    return id;
  }

  has(stageId: string): boolean {
    return this.stages.get(stageId)?.state === 'open';
  }

  /**
   * Streams one file into an open stage (backpressure through `pipeline`, never buffered whole). A file larger
   * than the cap is cut off and removed (400); a name already staged, or one inside or around a staged file,
   * is refused (`conflict`, 409); past the total quota the file is cut off and the stage dropped (507).
   */
  async receive(
    stageId: string,
    name: string,
    body: Readable,
    declaredBytes?: number,
  ): Promise<{ name: string; bytes: number }> {
    const stage = this.stages.get(stageId);
    if (!stage || stage.state !== 'open') throw new ApiError('not-found', t('mainErrors.stagedGone'));
    const segments = stagedSegments(name);
    if (declaredBytes !== undefined && declaredBytes > this.maxFileBytes) throw tooLarge();
    if (declaredBytes !== undefined && this.stagedBytes + declaredBytes > this.maxTotalBytes) {
      this.discard(stageId);
      throw quotaExceeded();
    }
    if (stage.files >= MAX_FILES_PER_STAGE)
      throw new ApiError('bad-request', t('mainErrors.stagedTooManyFiles'));
    const target = path.join(stage.dir, ...segments);
    // Belt and braces: the segments were checked, the joined path must still be inside the stage.
    if (!target.startsWith(stage.dir + path.sep))
      throw new ApiError('bad-request', t('mainErrors.stagedOutside'));
    const shown = segments.join('/');
    stage.files += 1;
    stage.inFlight += 1;
    stage.lastActivity = this.now();
    let bytes = 0;
    let overQuota = false;
    try {
      // A folder part that is already a staged file (`a`, then `a/b`): EEXIST or ENOTDIR from mkdir.
      await mkdir(path.dirname(target), { recursive: true }).catch((error: unknown) => {
        throw folderConflict(error, shown) ?? error;
      });
      const out = createWriteStream(target, { flags: 'wx' });
      // `wx`: a second file under the same name (or a staged folder's name) never overwrites the first.
      await pipeline(
        body,
        capped(this.maxFileBytes, (n) => {
          if (!this.live(stageId, stage)) return new ApiError('not-found', t('mainErrors.stagedGone'));
          if (this.stagedBytes + n > this.maxTotalBytes) {
            overQuota = true;
            return quotaExceeded();
          }
          bytes += n;
          stage.bytes += n;
          this.stagedBytes += n;
          return undefined;
        }),
        out,
      );
    } catch (error) {
      stage.files -= 1;
      // A stage dropped meanwhile already gave back all its bytes.
      if (this.live(stageId, stage)) {
        stage.bytes -= bytes;
        this.stagedBytes -= bytes;
      }
      const conflict = nameConflict(error, shown);
      // The partial file is removed, never the staged file (or folder) a conflicting name points at.
      if (!conflict && !stage.sizes.has(target)) await unlink(target).catch(() => undefined);
      // Past the quota this drop cannot be completed: its other files give their room back at once.
      if (overQuota) this.discard(stageId);
      throw conflict ?? error;
    } finally {
      stage.inFlight -= 1;
      stage.lastActivity = this.now();
    }
    stage.sizes.set(target, bytes);
    return { name: shown, bytes };
  }

  /** Closes a stage to new files; the paths to plan are its top-level entries. */
  async close(stageId: string): Promise<{ dir: string; paths: string[] }> {
    const stage = this.stages.get(stageId);
    if (!stage || stage.state !== 'open') throw new ApiError('not-found', t('mainErrors.stagedGone'));
    stage.state = 'planned';
    const entries = await readdir(stage.dir).catch(() => [] as string[]);
    entries.sort();
    return { dir: stage.dir, paths: entries.map((e) => path.join(stage.dir, e)) };
  }

  /** The plan was started: each outbox item owns its file until it is done or cancelled. */
  adopt(stageId: string, items: readonly { itemId: string; localPath: string }[]): void {
    const stage = this.stages.get(stageId);
    if (!stage) return;
    stage.state = 'started';
    for (const { itemId, localPath } of items) {
      stage.pending.set(itemId, localPath);
      this.items.set(itemId, stageId);
    }
    if (stage.pending.size === 0) this.discard(stageId);
  }

  /** An outbox change: a staged upload that is done or cancelled no longer needs its file. */
  settle(item: Pick<OutboxItemView, 'id' | 'state'>): void {
    if (item.state !== 'done' && item.state !== 'cancelled') return;
    const stageId = this.items.get(item.id);
    if (stageId === undefined) return;
    this.items.delete(item.id);
    const stage = this.stages.get(stageId);
    const file = stage?.pending.get(item.id);
    if (!stage || file === undefined) return;
    stage.pending.delete(item.id);
    if (stage.pending.size === 0) return this.discard(stageId);
    const size = stage.sizes.get(file) ?? 0;
    stage.sizes.delete(file);
    stage.bytes -= size;
    this.stagedBytes -= size;
    void unlink(file).catch(() => undefined);
  }

  /** Drops a stage and its files (a plan discarded, or the last upload settled). */
  discard(stageId: string): void {
    const stage = this.stages.get(stageId);
    if (!stage) return;
    this.stages.delete(stageId);
    this.stagedBytes -= stage.bytes;
    stage.bytes = 0;
    for (const itemId of stage.pending.keys()) this.items.delete(itemId);
    rm(stage.dir, { recursive: true, force: true }).catch((error: unknown) =>
      this.logger.warn(`uploads: could not remove a staging folder: ${(error as Error).message}`),
    );
  }

  private live(stageId: string, stage: Stage): boolean {
    return this.stages.get(stageId) === stage;
  }

  /** Drops abandoned open stages (see OPEN_STAGE_IDLE_MS). */
  private prune(): void {
    const now = this.now();
    for (const [id, stage] of this.stages)
      if (stage.state === 'open' && stage.inFlight === 0 && now - stage.lastActivity > OPEN_STAGE_IDLE_MS)
        this.discard(id);
  }
}

function errorCode(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

/** The file's own name is taken (by a staged file, or a staged folder: EEXIST/EISDIR), as a 409. */
function nameConflict(error: unknown, shown: string): ApiError | undefined {
  const code = errorCode(error);
  if (code === 'EEXIST' || code === 'EISDIR')
    return new ApiError('conflict', t('mainErrors.stagedDuplicate', { name: shown }), { status: 409 });
  return undefined;
}

/** A part of the file's folder is a staged file (`a`, then `a/b`), as a 409 rather than a 500. */
function folderConflict(error: unknown, shown: string): ApiError | undefined {
  const code = errorCode(error);
  if (code !== 'EEXIST' && code !== 'ENOTDIR') return undefined;
  return new ApiError('conflict', t('mainErrors.stagedFolderConflict', { name: shown }), { status: 409 });
}
