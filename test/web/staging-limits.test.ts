// Finding 12 (issue 15), upload staging over real HTTP (`POST /uploads/stage`): abandoned drops used to hold
// all 20 slots for 30 minutes, nothing bounded the staged bytes in total, and a name under a staged file
// (`a.txt`, then `a.txt/b.txt`) was answered with a 500. The staging clock is a fake one here.
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryLogger } from '../../src/main/logger';
import { MAX_OPEN_STAGES, OPEN_STAGE_IDLE_MS, RECLAIM_IDLE_MS } from '../../src/main/uploads/upload-staging';
import { UploadStaging } from '../../src/main/uploads/upload-staging';
import { createStagedUploads, type StagedUploads } from '../../src/main/web/staged-uploads';
import { startWebServer, type WebServer } from '../../src/main/web/web-server';

const TOTAL = 1000;

describe('upload staging limits, over HTTP', () => {
  let dir: string;
  let staged: StagedUploads;
  let server: WebServer;
  let clock = 0;
  const logger = new MemoryLogger();

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'staging-limits-'));
    const rendererDir = path.join(dir, 'renderer');
    await mkdir(rendererDir);
    staged = await createStagedUploads({
      dataDir: dir,
      outbox: { onChange: () => () => undefined },
      logger,
      maxTotalBytes: TOTAL,
      now: () => clock,
    });
    server = await startWebServer({
      port: 0,
      host: '127.0.0.1',
      rendererDir,
      dispatch: () => Promise.resolve({ ok: false, error: { code: 'unknown-channel', message: 'none' } }),
      logger,
      token: 't'.repeat(43),
      stageUpload: (req, stageId, name) => staged.receive(req, stageId, name),
    });
  });
  beforeEach(() => {
    clock += 24 * 60 * 60_000;
  });
  afterAll(async () => {
    await server.close();
    staged.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** One file to `/uploads/stage`, as the page sends it. */
  function stage(
    name: string,
    body: Buffer,
    stageId?: string,
  ): Promise<{ status: number; json: { stageId?: string; error?: { code: string; message: string } } }> {
    const query = new URLSearchParams({ name, ...(stageId ? { plan: stageId } : {}) });
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          path: `/uploads/stage?${query.toString()}`,
          method: 'POST',
          headers: {
            host: `127.0.0.1:${server.port}`,
            origin: `http://127.0.0.1:${server.port}`,
            cookie: `openhands_token_${server.port}=${server.token}`,
            'content-length': String(body.length),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as { stageId?: string } }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  const stagesOnDisk = async (): Promise<string[]> => readdir(staged.staging.root);

  it('abandoned drops free their slots: a new drop reclaims an idle one, and idle ones expire', async () => {
    const abandoned: string[] = [];
    for (let i = 0; i < MAX_OPEN_STAGES; i += 1) {
      const res = await stage(`f${i}.txt`, Buffer.from('x'));
      expect(res.status).toBe(200);
      abandoned.push(res.json.stageId!);
    }
    // Every slot was used a moment ago: still "try again shortly".
    expect((await stage('new.txt', Buffer.from('x'))).status).toBe(429);
    // Idle for RECLAIM_IDLE_MS: the next drop takes the slot of the one idle longest (not 30 minutes later).
    clock += RECLAIM_IDLE_MS;
    const reclaimed = await stage('new.txt', Buffer.from('x'));
    expect(reclaimed.status).toBe(200);
    await expect.poll(stagesOnDisk).not.toContain(abandoned[0]);
    // The reclaimed drop is gone for good; the others are still open until they expire.
    expect((await stage('late.txt', Buffer.from('x'), abandoned[0])).status).toBe(404);
    expect((await stage('more.txt', Buffer.from('x'), abandoned[1])).status).toBe(200);
    // After OPEN_STAGE_IDLE_MS without a byte, abandoned drops are dropped at the next drop.
    clock += OPEN_STAGE_IDLE_MS + 1;
    expect((await stage('fresh.txt', Buffer.from('x'))).status).toBe(200);
    await expect.poll(async () => (await stagesOnDisk()).length).toBe(1);
    expect(staged.staging.totalBytes).toBe(1);
  });

  it('a total staged-bytes quota: past it, 507 "quota-exceeded" with a clear message, and the room back', async () => {
    clock += OPEN_STAGE_IDLE_MS + 1;
    const first = await stage('big.bin', Buffer.alloc(600, 1));
    expect(first.status).toBe(200);
    const used = staged.staging.totalBytes;
    const over = await stage('second.bin', Buffer.alloc(TOTAL - used + 1, 2));
    expect(over.status).toBe(507);
    expect(over.json.error?.code).toBe('quota-exceeded');
    expect(over.json.error?.message).toMatch(/no more room for staged uploads/);
    // Nothing of the refused file is kept, and the first drop is untouched.
    expect(staged.staging.totalBytes).toBe(used);
    const fits = await stage('small.bin', Buffer.alloc(TOTAL - used, 3), first.json.stageId);
    expect(fits.status).toBe(200);
    expect(staged.staging.totalBytes).toBe(TOTAL);
    // Full: even one more byte in the same drop is refused, and that drop is dropped (its room given back).
    const full = await stage('one.bin', Buffer.from('z'), first.json.stageId);
    expect(full.status).toBe(507);
    expect(staged.staging.totalBytes).toBe(0);
    await expect.poll(stagesOnDisk).toEqual([]);
  });

  it('a name under (or around) a staged file is a 409 conflict, not a 500', async () => {
    clock += OPEN_STAGE_IDLE_MS + 1;
    const first = await stage('a.txt', Buffer.from('a'));
    expect(first.status).toBe(200);
    const id = first.json.stageId!;
    const under = await stage('a.txt/b.txt', Buffer.from('b'), id);
    expect(under.status).toBe(409);
    expect(under.json.error?.code).toBe('conflict');
    expect(under.json.error?.message).toMatch(/a\.txt\/b\.txt cannot be staged/);
    expect((await stage('d/e.txt', Buffer.from('e'), id)).status).toBe(200);
    expect((await stage('d', Buffer.from('d'), id)).status).toBe(409);
    // The first file is still there, whole, and the stage still takes files.
    expect((await stage('c.txt', Buffer.from('c'), id)).status).toBe(200);
    expect((await readdir(path.join(staged.staging.root, id))).sort()).toEqual(['a.txt', 'c.txt', 'd']);
    expect(logger.lines.filter((line) => line.startsWith('error'))).toEqual([]);
  });
});

describe('upload staging quota, without a declared size', () => {
  it('cuts off a streamed body once the total would pass the quota, and keeps nothing of it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'staging-quota-'));
    const staging = await UploadStaging.open(path.join(dir, 'staging'), {
      logger: new MemoryLogger(),
      maxTotalBytes: 100,
    });
    try {
      const id = staging.create();
      await staging.receive(id, 'a.bin', Readable.from([Buffer.alloc(60)]));
      const other = staging.create();
      await expect(
        staging.receive(other, 'b.bin', Readable.from([Buffer.alloc(30), Buffer.alloc(30)])),
      ).rejects.toMatchObject({ kind: 'conflict', status: 507 });
      expect(staging.totalBytes).toBe(60);
      expect(staging.has(other)).toBe(false);
      await expect.poll(async () => readdir(staging.root)).toEqual([id]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
