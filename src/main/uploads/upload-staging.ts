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
import type { Logger } from '../logger';
import { sanitizeSegment } from './upload-plan';

/** Deeper folders than this are refused (a dropped tree is rarely more than a dozen levels). */
const MAX_DEPTH = 32;
/** One stage holds at most this many files (a plan walks them all). */
const MAX_FILES_PER_STAGE = 10_000;
/** Stages never planned are dropped after this long (the page went away mid-drop). */
const OPEN_STAGE_TTL_MS = 30 * 60_000;
const MAX_OPEN_STAGES = 20;

interface Stage {
  dir: string;
  state: 'open' | 'planned' | 'started';
  files: number;
  createdAt: number;
  /** Outbox items still uploading a file of this stage → that file. */
  pending: Map<string, string>;
}

/**
 * A page-supplied relative path (`photos/2024/a.jpg`) as safe segments, or an error: no absolute paths, no
 * `.`/`..`, no empty segments, no NUL; each segment then sanitised like any dropped name (upload-plan.ts).
 */
export function stagedSegments(name: string): string[] {
  if (name.length === 0 || name.length > 4096 || name.includes('\0'))
    throw new ApiError('bad-request', 'A staged file needs a name.');
  const normalised = name.replace(/\\/g, '/');
  if (normalised.startsWith('/') || /^[A-Za-z]:/.test(normalised))
    throw new ApiError('bad-request', 'A staged file name must be relative.');
  const segments = normalised.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..'))
    throw new ApiError('bad-request', 'A staged file name may not contain empty, "." or ".." parts.');
  if (segments.length > MAX_DEPTH) throw new ApiError('bad-request', 'That folder is nested too deeply.');
  return segments.map((s) => sanitizeSegment(s));
}

/** Counts bytes through and fails the stream once more than `max` have passed. */
function capped(max: number, counted: (n: number) => void): Transform {
  let total = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      total += chunk.length;
      counted(total);
      if (total > max) done(new ApiError('bad-request', 'The file is larger than the staging limit.'));
      else done(null, chunk);
    },
  });
}

export class UploadStaging {
  private readonly stages = new Map<string, Stage>();
  /** Outbox item id → its stage. */
  private readonly items = new Map<string, string>();

  private constructor(
    readonly root: string,
    private readonly logger: Logger,
    private readonly now: () => number,
    readonly maxFileBytes: number,
  ) {}

  /** Empties (or makes) the staging folder. */
  static async open(
    root: string,
    options: { logger: Logger; now?: () => number; maxFileBytes?: number },
  ): Promise<UploadStaging> {
    await rm(root, { recursive: true, force: true });
    await mkdir(root, { recursive: true });
    return new UploadStaging(
      root,
      options.logger,
      options.now ?? Date.now,
      options.maxFileBytes ?? MAX_STAGED_FILE_BYTES,
    );
  }

  /** A new, empty stage; its id is what the page sends with the next files. */
  create(): string {
    this.prune();
    const open = [...this.stages.values()].filter((s) => s.state === 'open').length;
    if (open >= MAX_OPEN_STAGES)
      throw new ApiError('rate-limited', 'Too many uploads are being prepared at once; try again shortly.');
    const id = randomUUID();
    this.stages.set(id, {
      dir: path.join(this.root, id),
      state: 'open',
      files: 0,
      createdAt: this.now(),
      pending: new Map(),
    });
    return id;
  }

  has(stageId: string): boolean {
    return this.stages.get(stageId)?.state === 'open';
  }

  /**
   * Streams one file into an open stage (backpressure through `pipeline`, never buffered whole). A file larger
   * than the cap is cut off and removed; a name already staged is refused (`conflict`).
   */
  async receive(
    stageId: string,
    name: string,
    body: Readable,
    declaredBytes?: number,
  ): Promise<{ name: string; bytes: number }> {
    const stage = this.stages.get(stageId);
    if (!stage || stage.state !== 'open')
      throw new ApiError('not-found', 'That upload is no longer being prepared; drop the files again.');
    const segments = stagedSegments(name);
    if (declaredBytes !== undefined && declaredBytes > this.maxFileBytes)
      throw new ApiError('bad-request', 'The file is larger than the staging limit.');
    if (stage.files >= MAX_FILES_PER_STAGE) throw new ApiError('bad-request', 'Too many files in one drop.');
    const target = path.join(stage.dir, ...segments);
    // Belt and braces: the segments were checked, the joined path must still be inside the stage.
    if (!target.startsWith(stage.dir + path.sep))
      throw new ApiError('bad-request', 'A staged file must stay inside its folder.');
    stage.files += 1;
    await mkdir(path.dirname(target), { recursive: true });
    let bytes = 0;
    try {
      // `wx`: a second file under the same name never overwrites the first.
      await pipeline(
        body,
        capped(this.maxFileBytes, (n) => (bytes = n)),
        createWriteStream(target, { flags: 'wx' }),
      );
    } catch (error) {
      stage.files -= 1;
      if ((error as { code?: string }).code === 'EEXIST')
        throw new ApiError('conflict', `${segments.join('/')} was already staged.`);
      await unlink(target).catch(() => undefined);
      throw error;
    }
    return { name: segments.join('/'), bytes };
  }

  /** Closes a stage to new files; the paths to plan are its top-level entries. */
  async close(stageId: string): Promise<{ dir: string; paths: string[] }> {
    const stage = this.stages.get(stageId);
    if (!stage || stage.state !== 'open')
      throw new ApiError('not-found', 'That upload is no longer being prepared; drop the files again.');
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
    if (stage.pending.size === 0) this.discard(stageId);
    else void unlink(file).catch(() => undefined);
  }

  /** Drops a stage and its files (a plan discarded, or the last upload settled). */
  discard(stageId: string): void {
    const stage = this.stages.get(stageId);
    if (!stage) return;
    this.stages.delete(stageId);
    for (const itemId of stage.pending.keys()) this.items.delete(itemId);
    rm(stage.dir, { recursive: true, force: true }).catch((error: unknown) =>
      this.logger.warn(`uploads: could not remove a staging folder: ${(error as Error).message}`),
    );
  }

  private prune(): void {
    const now = this.now();
    for (const [id, stage] of this.stages)
      if (stage.state === 'open' && now - stage.createdAt > OPEN_STAGE_TTL_MS) this.discard(id);
  }
}
