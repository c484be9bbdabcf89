import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { OpenHandsBridge } from '../../src/shared/bridge/contract';
import type { OutboxItemView } from '../../src/shared/outbox';
import { MemoryLogger } from '../../src/main/logger';
import { UploadPlans } from '../../src/main/uploads/upload-plans';
import { stagedSegments, UploadStaging } from '../../src/main/uploads/upload-staging';
import type { RunningWebMain } from '../../src/main/web/web-main';
import { startQuietWebMain } from './start-web-main';
import { createConversation, useSimulator, waitFor } from '../support/sim';
import { loadWebBridge, type SocketLike } from './load-web-bridge';

const root = path.resolve(__dirname, '../..');
const built = existsSync(path.join(root, 'out', 'renderer', 'index.html'));

/** A raw POST (fetch forbids setting Host and normalises names). */
function post(
  port: number,
  pathname: string,
  headers: Record<string, string>,
  body: Buffer,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: pathname,
        method: 'POST',
        headers: { host: `127.0.0.1:${port}`, 'content-length': String(body.length), ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe.skipIf(!built)('browser-mode uploads (staged through main)', () => {
  const sim = useSimulator();
  let dataDir: string;
  let running: RunningWebMain;
  let bridge: OpenHandsBridge;
  let origin: string;
  let cookie: string;
  const outboxEvents: OutboxItemView[] = [];
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'web-uploads-'));
    // Left over from an earlier run: cleared at start-up.
    await mkdir(path.join(dataDir, 'upload-staging', 'old-stage'), { recursive: true });
    await writeFile(path.join(dataDir, 'upload-staging', 'old-stage', 'left.txt'), 'stale');
    running = await startQuietWebMain(dataDir);
    const { port, token } = running.server;
    origin = `http://127.0.0.1:${port}`;
    cookie = `openhands_token_${port}=${token}`;
    const { createWebBridge } = await loadWebBridge();
    // The page's transport, with what a browser adds by itself: the cookie and the Origin.
    bridge = createWebBridge({
      url: `ws://127.0.0.1:${port}/bridge`,
      createSocket: (url) => {
        const ws = new WebSocket(url, { headers: { cookie, origin } });
        sockets.push(ws);
        // `ws` implements the DOM socket's addEventListener/send, with its own event types.
        return ws as unknown as SocketLike;
      },
      origin,
      fetch: (url, init) =>
        fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), cookie, origin } }),
    });
    bridge.onOutboxChanges((item) => outboxEvents.push(item));
  });
  afterAll(async () => {
    for (const ws of sockets) ws.terminate();
    await running?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('clears the staging folder at start-up', async () => {
    expect(await readdir(path.join(dataDir, 'upload-staging'))).toEqual([]);
  });

  it('stages a file only with the cookie, from the page’s own origin, under a safe name', async () => {
    const port = running.server.port;
    const body = Buffer.from('hello');
    const ok = await post(port, '/uploads/stage?name=a.txt', { cookie, origin }, body);
    expect(ok.status).toBe(200);
    const receipt = JSON.parse(ok.body) as { stageId: string; name: string; bytes: number };
    expect(receipt).toMatchObject({ name: 'a.txt', bytes: 5 });
    expect(await readdir(path.join(dataDir, 'upload-staging', receipt.stageId))).toEqual(['a.txt']);

    expect((await post(port, '/uploads/stage?name=b.txt', { origin }, body)).status).toBe(403);
    expect((await post(port, '/uploads/stage?name=b.txt', { cookie }, body)).status).toBe(403);
    expect(
      (await post(port, '/uploads/stage?name=b.txt', { cookie, origin: 'http://evil.example' }, body)).status,
    ).toBe(403);
    expect(
      (
        await post(
          port,
          '/uploads/stage?name=b.txt',
          { cookie: `openhands_token_${port}=nope`, origin },
          body,
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await post(
          port,
          '/uploads/stage?name=b.txt',
          {
            cookie,
            origin,
            'sec-fetch-site': 'cross-site',
          },
          body,
        )
      ).status,
    ).toBe(403);
    expect(
      (await post(port, '/uploads/stage?name=b.txt', { cookie, origin, host: `evil.example:${port}` }, body))
        .status,
    ).toBe(403);

    const plan = `&plan=${receipt.stageId}`;
    for (const name of [
      '..%2Fescape.txt',
      '..',
      'a%2F..%2F..%2Fx',
      '%2Fetc%2Fpasswd',
      'C%3A%5Cx',
      'a%2F%2Fb',
      '',
    ]) {
      const res = await post(port, `/uploads/stage?name=${name}${plan}`, { cookie, origin }, body);
      expect(res.status, name).toBe(400);
    }
    // The same name twice is refused, never overwritten; an unknown stage is not found.
    expect((await post(port, `/uploads/stage?name=a.txt${plan}`, { cookie, origin }, body)).status).toBe(409);
    expect(
      (
        await post(
          port,
          '/uploads/stage?name=a.txt&plan=00000000-0000-4000-8000-000000000000',
          { cookie, origin },
          body,
        )
      ).status,
    ).toBe(404);
    expect(await readdir(path.join(dataDir, 'upload-staging', receipt.stageId))).toEqual(['a.txt']);
    expect(await readdir(path.dirname(dataDir))).not.toContain('escape.txt');
    // The socket-only channel validates its input like any other.
    expect(
      await (bridge as unknown as { uploads: { plan: OpenHandsBridge['uploads']['plan'] } }).uploads.plan({
        ref: { serverId: 'x', id: 'y', version: 'V1' },
        files: [],
      }),
    ).toMatchObject({ ok: false });
  });

  it('uploads a 5 MB file and a folder file byte-identical, then deletes the staged copies', async () => {
    const conv = await createConversation(sim(), {});
    const added = await bridge.servers.add({ server: { name: 'Sim', baseUrl: sim().url } });
    if (!added.ok) throw new Error(added.error.message);
    const ref = { serverId: added.data.id, id: conv.id, version: 'V1' as const };
    await waitFor(
      async () => {
        const list = await bridge.conversations.list();
        return list.ok && list.data.some((c) => c.id === conv.id);
      },
      10_000,
      'the conversation tracked',
    );

    const big = randomBytes(5 * 1024 * 1024);
    const bigFile = new File([big], 'big.bin');
    const nested = new File(['in a folder'], 'note.txt');
    Object.defineProperty(nested, 'webkitRelativePath', { value: 'docs/sub/note.txt' });
    const evil = new File(['nope'], 'evil.txt');
    Object.defineProperty(evil, 'webkitRelativePath', { value: '../evil.txt' });

    const planned = await bridge.uploads.plan({
      ref,
      files: [bigFile, nested, evil],
      targetDir: '/workspace/project',
    });
    if (!planned.ok) throw new Error(planned.error.message);
    expect(planned.data).toMatchObject({ count: 2, totalBytes: big.length + 11, needsConfirmation: false });
    expect(planned.data.skipped).toEqual([{ path: '../evil.txt', reason: expect.any(String) as string }]);
    const stages = await readdir(path.join(dataDir, 'upload-staging'));
    expect(stages.length).toBeGreaterThan(0);

    const started = await bridge.uploads.start({ planId: planned.data.planId });
    if (!started.ok) throw new Error(started.error.message);
    expect(started.data.map((i) => i.detail).sort()).toEqual([
      '/workspace/project/big.bin',
      '/workspace/project/docs/sub/note.txt',
    ]);
    await waitFor(
      () => started.data.every((i) => outboxEvents.some((e) => e.id === i.id && e.state === 'done')),
      20_000,
      'uploads done',
    );
    const download = async (p: string): Promise<Buffer> => {
      const res = await fetch(`${conv.agentUrl}/api/file/download?path=${encodeURIComponent(p)}`, {
        headers: { 'X-Session-API-Key': conv.sessionApiKey },
      });
      expect(res.status).toBe(200);
      return Buffer.from(await res.arrayBuffer());
    };
    expect((await download('/workspace/project/big.bin')).equals(big)).toBe(true);
    expect((await download('/workspace/project/docs/sub/note.txt')).toString()).toBe('in a folder');
    // This plan's staging folder is gone once its uploads are done (the earlier test's stage is still open).
    await waitFor(
      async () => (await readdir(path.join(dataDir, 'upload-staging'))).length < stages.length,
      5000,
      'staged copies deleted',
    );
  }, 60_000);
});

describe('upload staging on disk', () => {
  const log = new MemoryLogger();

  it('refuses unsafe names before touching the disk and sanitises the rest', () => {
    for (const bad of ['', '..', '../x', 'a/../b', '/abs', 'C:\\x', 'a//b', './a', 'a\0b'])
      expect(() => stagedSegments(bad), JSON.stringify(bad)).toThrow();
    expect(stagedSegments('dir\\sub/na<me>.txt')).toEqual(['dir', 'sub', 'na_me_.txt']);
    expect(() => stagedSegments(Array.from({ length: 40 }, () => 'd').join('/'))).toThrow(/deeply/);
  });

  it('cuts off a file over the cap, removes it, and deletes files as their uploads settle', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'staging-'));
    try {
      const staging = await UploadStaging.open(path.join(dir, 'upload-staging'), {
        logger: log,
        maxFileBytes: 1024,
      });
      const stage = staging.create();
      await expect(
        staging.receive(stage, 'big.bin', Readable.from([Buffer.alloc(700), Buffer.alloc(700)])),
      ).rejects.toThrow(/limit/);
      await expect(staging.receive(stage, 'big.bin', Readable.from([]), 4096)).rejects.toThrow(/limit/);
      expect(await readdir(path.join(staging.root, stage))).toEqual([]);
      await staging.receive(stage, 'a.txt', Readable.from([Buffer.from('a')]));
      await staging.receive(stage, 'd/b.txt', Readable.from([Buffer.from('b')]));
      const { paths } = await staging.close(stage);
      expect(paths.map((p) => path.relative(staging.root, p))).toEqual([
        path.join(stage, 'a.txt'),
        path.join(stage, 'd'),
      ]);
      await expect(staging.receive(stage, 'late.txt', Readable.from([]))).rejects.toThrow(/no longer/);
      staging.adopt(stage, [
        { itemId: 'one', localPath: path.join(staging.root, stage, 'a.txt') },
        { itemId: 'two', localPath: path.join(staging.root, stage, 'd', 'b.txt') },
      ]);
      staging.settle({ id: 'one', state: 'failed' });
      staging.settle({ id: 'one', state: 'cancelled' });
      await waitFor(async () => !(await readdir(path.join(staging.root, stage))).includes('a.txt'));
      expect(await readdir(path.join(staging.root, stage))).toEqual(['d']);
      staging.settle({ id: 'two', state: 'done' });
      await waitFor(async () => (await readdir(staging.root)).length === 0, 2000, 'stage removed');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('tells its hooks when a held plan is discarded without starting', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'plans-'));
    try {
      await writeFile(path.join(dir, 'f.txt'), 'x');
      let now = 0;
      const discarded: (string | undefined)[] = [];
      const plans = new UploadPlans(() => now, 1000, 2, {
        discarded: (held) => discarded.push(held.stageId),
      });
      const ref = { serverId: 's', id: 'c', version: 'V1' as const };
      await plans.make(ref, [path.join(dir, 'f.txt')], undefined, 'stage-1');
      now = 2000;
      await plans.make(ref, [path.join(dir, 'f.txt')], undefined, 'stage-2');
      expect(discarded).toEqual(['stage-1']);
      await plans.make(ref, [path.join(dir, 'f.txt')], undefined, 'stage-3');
      await plans.make(ref, [path.join(dir, 'f.txt')], undefined, 'stage-4');
      expect(discarded).toEqual(['stage-1', 'stage-2']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
