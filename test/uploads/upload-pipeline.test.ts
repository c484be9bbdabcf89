import { UPLOAD_CHUNK_BYTES } from '../../src/main/api/file-transfer';
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/main/api/errors';
import { UploadManager, type UploadStatus } from '../../src/main/uploads/upload-manager';
import { planUpload } from '../../src/main/uploads/upload-plan';
import { runUpload, type UploadRunner, type UploadSpec } from '../../src/main/uploads/upload-runner';
import type { ConversationRef } from '../../src/shared/conversations';
import { useSimulator, waitFor } from '../support/sim';
import type { Simulator } from '../simulator/simulator';
import { expectApiError, makeServer, since, type TestServer } from '../api/support';
import { MiB, sha256File, writeRandomFile } from './support';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'openhands-uploads-test-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function specFor(localPath: string, targetDir = '/workspace/project'): Promise<UploadSpec> {
  const plan = await planUpload([localPath], { targetDir });
  expect(plan.skipped).toEqual([]);
  return plan.files[0]!;
}

function storedPath(sim: Simulator, ref: ConversationRef, remotePath: string): string {
  const sandboxId = sim.world.conversations.get(ref.id)!.sandboxId;
  return join(sim.world.options.filesRoot, sandboxId, remotePath);
}

const noop = (): void => undefined;

describe('the manager on a V1 conversation (default agent server)', () => {
  const sim = useSimulator({ stepMs: 5 });
  let server: TestServer;
  let ref: ConversationRef;
  beforeAll(async () => {
    server = makeServer(sim().url);
    ref = await server.createConversation({});
  });

  it('reports monotonic, throttled progress that reaches the total, and the file arrives intact', async () => {
    const local = join(scratch, 'progress.bin');
    const sum = await writeRandomFile(local, 64);
    const spec = await specFor(local);
    let raw = 0;
    const counting: UploadRunner = (s, r, sp, o) =>
      runUpload(s, r, sp, { ...o, onProgress: (b, t) => (raw++, o.onProgress(b, t)) });
    const manager = new UploadManager({ runner: counting });
    const seen: UploadStatus[] = [];
    manager.subscribe((s) => seen.push(s));
    const started = Date.now();
    const id = manager.add(server, ref, spec);
    const final = await manager.whenSettled(id);
    const elapsed = Date.now() - started;
    expect(final.state).toBe('done');
    expect(final).toMatchObject({ bytes: 64 * MiB, total: 64 * MiB, etaMs: 0, error: null });
    expect(seen.map((s) => s.state)[0]).toBe('queued');
    const progress = seen.filter((s) => s.state === 'uploading').map((s) => s.bytes);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!).toBeGreaterThanOrEqual(progress[i - 1]!);
    expect(progress.at(-1)).toBe(64 * MiB);
    // Throttled: ≤ one report per 100 ms plus the first, the final and the state change.
    expect(progress.length).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 3);
    expect(raw).toBeGreaterThanOrEqual((64 * MiB) / UPLOAD_CHUNK_BYTES); // one report per chunk read
    expect(progress.length).toBeLessThan(raw / 2);
    expect(await sha256File(storedPath(sim(), ref, spec.remotePath))).toBe(sum);
  });

  it('cancels mid-file (the server has no complete file), then a retry completes byte-identical', async () => {
    const local = join(scratch, 'cancel.bin');
    const sum = await writeRandomFile(local, 64);
    const spec = await specFor(local);
    let id = '';
    let cancelledAt = 0;
    const manager = new UploadManager({
      runner: (s, r, sp, o) =>
        runUpload(s, r, sp, {
          ...o,
          onProgress: (b, t) => {
            o.onProgress(b, t);
            if (!cancelledAt && b >= 0.3 * t) {
              cancelledAt = b;
              manager.cancel(id);
            }
          },
        }),
    });
    id = manager.add(server, ref, spec);
    const cancelled = await manager.whenSettled(id);
    expect(cancelled.state).toBe('cancelled');
    expect(cancelledAt).toBeGreaterThanOrEqual(0.3 * spec.size);
    expect(cancelledAt).toBeLessThan(0.5 * spec.size);

    // The simulator may still be flushing what it had received when the connection dropped; a download
    // of a growing file would send more bytes than its Content-Length. Wait until it settles.
    const stored = storedPath(sim(), ref, spec.remotePath);
    let last = -1;
    await waitFor(
      async () => {
        await new Promise((r) => setTimeout(r, 100));
        const size = (await stat(stored).catch(() => undefined))?.size ?? 0;
        const stable = size === last;
        last = size;
        return stable;
      },
      5000,
      'the partial upload to settle',
    );
    const back = join(scratch, 'cancel-back.bin');
    const partial = await server
      .download(ref, spec.remotePath, back)
      .then(async () => ({ size: (await stat(back)).size, sum: await sha256File(back) }))
      .catch((error: unknown) => {
        expect(error).toBeInstanceOf(ApiError);
        return undefined;
      });
    if (partial) {
      expect(partial.size).toBeLessThan(spec.size);
      expect(partial.sum).not.toBe(sum);
    }

    manager.retry(id);
    expect(['queued', 'uploading']).toContain(manager.get(id)?.state);
    expect(manager.get(id)?.attempt).toBe(2);
    const done = await manager.whenSettled(id);
    expect(done.state, done.error?.message).toBe('done');
    await server.download(ref, spec.remotePath, back);
    expect(await sha256File(back)).toBe(sum);
  });

  it('refuses a file whose mtime or size changed since it was queued, sending nothing', async () => {
    const local = join(scratch, 'changing.txt');
    await writeFile(local, 'first version');
    const spec = await specFor(local);
    await utimes(local, new Date(), new Date(spec.mtimeMs + 5000));
    const from = sim().requests.length;
    const signal = new AbortController().signal;
    const error = await expectApiError(
      runUpload(server, ref, spec, { signal, onProgress: noop }),
      'bad-request',
    );
    expect(error.message).toContain('changed since it was queued');
    await writeFile(local, 'second, longer version');
    const again = { ...spec, mtimeMs: (await stat(local)).mtimeMs };
    await expectApiError(runUpload(server, ref, again, { signal, onProgress: noop }), 'bad-request');
    expect(since(sim(), from)).toEqual([]);

    const manager = new UploadManager();
    const id = manager.add(server, ref, spec);
    const failed = await manager.whenSettled(id);
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatchObject({ kind: 'bad-request' });
    expect(failed.error?.message).toContain('changed since it was queued');
  });

  it('refuses a file that is gone', async () => {
    const spec: UploadSpec = {
      localPath: join(scratch, 'gone.txt'),
      remotePath: '/workspace/project/gone.txt',
      size: 1,
      mtimeMs: 1,
    };
    const signal = new AbortController().signal;
    const error = await expectApiError(
      runUpload(server, ref, spec, { signal, onProgress: noop }),
      'bad-request',
    );
    expect(error.message).toContain('gone.txt');
  });
});

describe('the manager runs at most `concurrency` uploads at once', () => {
  it('caps, cancels a queued one at once, and starts the next when a slot frees', async () => {
    const server = makeServer('http://127.0.0.1:9');
    const ref: ConversationRef = { serverId: 'srv', id: 'c', version: 'V1' };
    const gates = new Map<string, () => void>();
    let running = 0;
    let peak = 0;
    const runner: UploadRunner = async (_s, _r, spec, { signal, onProgress }) => {
      running++;
      peak = Math.max(peak, running);
      try {
        await new Promise<void>((resolve, reject) => {
          gates.set(spec.localPath, resolve);
          signal.addEventListener('abort', () => reject(new ApiError('aborted', 'cancelled')));
        });
        onProgress(spec.size, spec.size);
      } finally {
        running--;
      }
    };
    const manager = new UploadManager({ runner });
    const ids = ['a', 'b', 'c', 'd', 'e'].map((n) =>
      manager.add(server, ref, { localPath: n, remotePath: `/workspace/${n}`, size: 10, mtimeMs: 1 }),
    );
    expect(manager.list().map((s) => s.state)).toEqual([
      'uploading',
      'uploading',
      'uploading',
      'queued',
      'queued',
    ]);
    manager.cancel(ids[4]!);
    expect(manager.get(ids[4]!)?.state).toBe('cancelled');
    gates.get('a')!();
    await waitFor(() => manager.get(ids[3]!)?.state === 'uploading', 1000, 'd starts');
    expect(manager.get(ids[0]!)?.state).toBe('done');
    manager.cancel(ids[1]!);
    expect((await manager.whenSettled(ids[1]!)).state).toBe('cancelled');
    gates.get('c')!();
    gates.get('d')!();
    await Promise.all(ids.map((id) => manager.whenSettled(id)));
    expect(peak).toBe(3);
    expect(manager.list().map((s) => s.state)).toEqual(['done', 'cancelled', 'done', 'done', 'cancelled']);
    manager.remove(ids[0]!);
    expect(manager.list()).toHaveLength(4);
  });
});

describe.each(['1.3.0', '1.20.0'])('route form on agent server %s', (agentVersion) => {
  const sim = useSimulator({ stepMs: 5, agentVersion });
  it('uploads a binary file into the working directory byte-identical', async () => {
    const server = makeServer(sim().url);
    const ref = await server.createConversation({});
    const local = join(scratch, `form-${agentVersion}.bin`);
    const sum = await writeRandomFile(local, 1);
    const spec = await specFor(local);
    const from = sim().requests.length;
    const manager = new UploadManager();
    const done = await manager.whenSettled(manager.add(server, ref, spec));
    expect(done.state).toBe('done');
    const uploads = since(sim(), from).filter((e) => e.path.startsWith('/api/file/upload'));
    expect(uploads).toHaveLength(1);
    const encoded = encodeURIComponent(spec.remotePath);
    expect(uploads[0]!.url).toBe(
      agentVersion === '1.3.0' ? `/api/file/upload/${encoded}` : `/api/file/upload?path=${encoded}`,
    );
    expect(await sha256File(storedPath(sim(), ref, spec.remotePath))).toBe(sum);
  });
});

describe('V0 conversation (legacy server)', () => {
  const sim = useSimulator({ stepMs: 5, profile: 'legacy', v1Enabled: false });
  it('uploads a text file through the legacy route', async () => {
    const server = makeServer(sim().url);
    const ref = await server.createConversation({});
    expect(ref.version).toBe('V0');
    await waitFor(() => sim().world.legacy.get(ref.id)?.status === 'RUNNING', 5000, 'V0 RUNNING');
    const local = join(scratch, 'legacy notes.txt');
    const text = 'Grüße 😀 from the upload pipeline\n';
    await writeFile(local, text);
    const spec = await specFor(local, '/workspace');
    const from = sim().requests.length;
    const manager = new UploadManager();
    const done = await manager.whenSettled(manager.add(server, ref, spec));
    expect(done).toMatchObject({ state: 'done', bytes: Buffer.byteLength(text) });
    expect(since(sim(), from).map((e) => e.path)).toContain(`/api/conversations/${ref.id}/upload-files`);
    const stored = join(sim().world.options.filesRoot, 'legacy', ref.id, 'workspace', 'legacy notes.txt');
    expect(await readFile(stored, 'utf8')).toBe(text);
  });
});
