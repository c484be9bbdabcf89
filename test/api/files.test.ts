import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, statfsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransferProgress } from '../../src/main/api/file-transfer';
import type { ConversationRef } from '../../src/shared/conversations';
import { useSimulator, waitFor } from '../support/sim';
import { DEFAULT_AGENT_VERSIONS, type Simulator } from '../simulator/simulator';
import { expectApiError, makeServer, peakRssGrowth, since, type TestServer } from './support';

const MiB = 1024 * 1024;

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Progress must only move forward and end exactly at the file size, with the right total. */
function expectProgress(progress: TransferProgress[], size: number): void {
  expect(progress.length).toBeGreaterThan(1);
  for (let i = 1; i < progress.length; i++)
    expect(progress[i]!.bytes).toBeGreaterThan(progress[i - 1]!.bytes);
  expect(progress.at(-1)!.bytes).toBe(size);
  for (const p of progress) expect(p.totalBytes).toBe(size);
}

function fileRequests(sim: Simulator, from: number, action: 'upload' | 'download') {
  return since(sim, from).filter((e) => e.server === 'agent' && e.path.startsWith(`/api/file/${action}`));
}

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'openhands-files-test-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const REMOTE = '/workspace/project/data/random.bin';
const ENCODED = encodeURIComponent(REMOTE);

describe.each([
  { version: DEFAULT_AGENT_VERSIONS.current, form: 'query' },
  { version: '1.3.0', form: 'path' },
  { version: '1.20.0', form: 'query' },
] as const)('V1 upload and download with agent server $version ($form form)', ({ version, form }) => {
  const sim = useSimulator({ stepMs: 5, agentVersion: version });
  let server: TestServer;
  let ref: ConversationRef;
  beforeAll(async () => {
    server = makeServer(sim().url);
    ref = await server.createConversation({});
  });

  it('uploads 5 MiB and downloads it back byte-identical, with forward-only progress', async () => {
    const local = join(scratch, `up-${version}.bin`);
    const back = join(scratch, `down-${version}.bin`);
    await writeFile(local, randomBytes(5 * MiB));
    const size = 5 * MiB;

    const from = sim().requests.length;
    const up: TransferProgress[] = [];
    await server.upload(ref, local, REMOTE, { onProgress: (p) => up.push(p) });
    expectProgress(up, size);

    const down: TransferProgress[] = [];
    const result = await server.download(ref, REMOTE, back, { onProgress: (p) => down.push(p) });
    expect(result.bytes).toBe(size);
    expectProgress(down, size);
    expect(await sha256(back)).toBe(await sha256(local));

    // One request each, in the form this release has (the version was read from /server_info).
    const uploads = fileRequests(sim(), from, 'upload');
    const downloads = fileRequests(sim(), from, 'download');
    expect(uploads).toHaveLength(1);
    expect(downloads).toHaveLength(1);
    for (const [entry, action] of [
      [uploads[0]!, 'upload'],
      [downloads[0]!, 'download'],
    ] as const) {
      expect(entry.status).toBe(200);
      if (form === 'query') {
        expect(entry.path).toBe(`/api/file/${action}`);
        expect(entry.url).toBe(`/api/file/${action}?path=${ENCODED}`);
      } else {
        expect(entry.url).toBe(`/api/file/${action}/${ENCODED}`);
        expect(entry.path).toBe(`/api/file/${action}/${REMOTE}`);
      }
    }
    expect(since(sim(), from).some((e) => e.path === '/server_info')).toBe(true);
  });

  it('refuses `..`, `.`, relative and NUL paths with bad-request, sending nothing', async () => {
    const local = join(scratch, `small-${version}.txt`);
    await writeFile(local, 'hello');
    await server.upload(ref, local, '/workspace/warm.txt'); // agent and route form are now known
    const bad = [
      'workspace/a.txt',
      'a.txt',
      '/workspace/../etc/passwd',
      '/workspace/project/..',
      '/workspace/./a.txt',
      '/workspace/a\0.txt',
      '/workspace/a\n.txt',
      '',
    ];
    const from = sim().requests.length;
    for (const remote of bad) {
      await expectApiError(server.upload(ref, local, remote), 'bad-request');
      await expectApiError(server.download(ref, remote, join(scratch, 'never.txt')), 'bad-request');
    }
    expect(since(sim(), from)).toEqual([]);
  });
});

describe('remote path checks on a cold client', () => {
  const sim = useSimulator({ stepMs: 5 });

  // Regression guard, fixed bug (openhands-server.ts upload/download): the remote path is checked only inside uploadFile/downloadFile,
  // after the agent lookup (GET /api/v1/app-conversations) and the /server_info probe have gone out, so an
  // invalid path is not refused "before any request" unless both happen to be cached.
  it('refuses a `..` path before any request, even with nothing cached', async () => {
    const ref = await makeServer(sim().url).createConversation({});
    const cold = makeServer(sim().url);
    const local = join(scratch, 'cold.txt');
    await writeFile(local, 'x');
    const from = sim().requests.length;
    await expectApiError(cold.upload(ref, local, '/workspace/../etc/passwd'), 'bad-request');
    expect(since(sim(), from)).toEqual([]);
  });
});

describe('V0 uploads (legacy server)', () => {
  const sim = useSimulator({ stepMs: 5, profile: 'legacy', v1Enabled: false });
  let server: TestServer;
  let ref: ConversationRef;
  beforeAll(async () => {
    server = makeServer(sim().url);
    ref = await server.createConversation({});
    expect(ref.version).toBe('V0');
    await waitFor(() => sim().world.legacy.get(ref.id)?.status === 'RUNNING', 5000, 'V0 RUNNING');
  });

  it('uploads a text file through /upload-files', async () => {
    const local = join(scratch, 'notes.txt');
    const text = 'Grüße aus dem Test\nline two\n';
    await writeFile(local, text);
    const from = sim().requests.length;
    await server.upload(ref, local, '/workspace/notes.txt');
    const [entry] = since(sim(), from);
    expect(entry).toMatchObject({
      method: 'POST',
      path: `/api/conversations/${ref.id}/upload-files`,
      status: 200,
    });
    const stored = join(sim().world.options.filesRoot, 'legacy', ref.id, 'workspace', 'notes.txt');
    expect(await readFile(stored, 'utf8')).toBe(text);
  });

  it('refuses a binary file (NUL bytes) with bad-request before sending it', async () => {
    const local = join(scratch, 'image.png');
    await writeFile(local, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x0d, 0x0a, 0x1a, 0xff, 0x00]));
    const from = sim().requests.length;
    const error = await expectApiError(server.upload(ref, local, '/workspace/image.png'), 'bad-request');
    expect(error.message).toContain('image.png');
    expect(since(sim(), from)).toEqual([]);
  });
});

const ONE_GB = 1024 * MiB;
const freeInTmp = (() => {
  const s = statfsSync(tmpdir());
  return s.bavail * s.bsize;
})();

describe('large uploads stream from disk', () => {
  const sim = useSimulator({ stepMs: 5 });

  it.skipIf(freeInTmp < ONE_GB)(
    `keeps RSS flat while uploading 200 MiB (needs 1 GB free in ${tmpdir()}; has ${Math.floor(freeInTmp / MiB)} MiB)`,
    async () => {
      const server = makeServer(sim().url);
      const ref = await server.createConversation({});
      const local = join(scratch, 'big.bin');
      const size = 200 * MiB;
      await writeFile(local, '');
      await truncate(local, size); // sparse: no disk space, no memory
      const remote = '/workspace/big.bin';
      const sandboxId = sim().world.conversations.get(ref.id)!.sandboxId;
      const stored = join(sim().world.options.filesRoot, sandboxId, 'workspace', 'big.bin');
      try {
        let last = 0;
        const started = Date.now();
        const { growth } = await peakRssGrowth(() =>
          server.upload(ref, local, remote, { onProgress: (p) => (last = p.bytes) }),
        );
        expect(last).toBe(size);
        expect((await stat(stored)).size).toBe(size);
        expect(growth, `RSS grew by ${Math.round(growth / MiB)} MiB`).toBeLessThan(100 * 1e6);
        expect(Date.now() - started).toBeLessThan(60_000); // a sanity bound, not a benchmark
      } finally {
        await rm(local, { force: true });
        await rm(stored, { force: true });
      }
    },
  );
});
