// Finding 10 (issue 15), browser-mode transport: anything holding the bridge socket (the token and the page's
// Origin) called `uploads:plan` with raw paths and got /etc/passwd and our own servers.json into a sandbox.
// A page names no file on disk: it streams its files (`/uploads/stage` + `uploads:planStaged`). Here a bare
// socket client tries the old way; it is refused, and no upload reaches the server.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MemoryLogger } from '../../src/main/logger';
import { createStagedUploads } from '../../src/main/web/staged-uploads';
import type { RunningWebMain } from '../../src/main/web/web-main';
import { startQuietWebMain } from './start-web-main';
import { createConversation, useSimulator, waitFor } from '../support/sim';

const root = path.resolve(__dirname, '../..');
const built = existsSync(path.join(root, 'out', 'renderer', 'index.html'));

interface Answer {
  id: number;
  result: { ok: boolean; data?: unknown; error?: { code: string; message: string } };
}

/** A raw bridge-socket client: what any local process holding the token could run. */
async function rawSocket(
  port: number,
  token: string,
): Promise<{ call: (channel: string, input: unknown) => Promise<Answer['result']>; close: () => void }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/bridge?token=${token}`, {
    headers: { origin: `http://127.0.0.1:${port}` },
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let next = 1;
  const waiting = new Map<number, (result: Answer['result']) => void>();
  ws.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString('utf8')) as Partial<Answer>;
    if (typeof message.id === 'number' && message.result) waiting.get(message.id)?.(message.result);
  });
  return {
    call: (channel, input) =>
      new Promise((resolve) => {
        const id = next++;
        waiting.set(id, resolve);
        ws.send(JSON.stringify({ id, channel, input }));
      }),
    close: () => ws.terminate(),
  };
}

describe.skipIf(!built)('browser mode: uploads:plan with raw paths', () => {
  const sim = useSimulator({ stepMs: 5 });
  let dataDir: string;
  let running: RunningWebMain;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'web-upload-paths-'));
    running = await startQuietWebMain(dataDir);
  });
  afterAll(async () => {
    await running?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is refused for a bare socket client, and nothing reaches the server', async () => {
    const { port, token } = running.server;
    const client = await rawSocket(port, token);
    try {
      const conv = await createConversation(sim());
      const added = await client.call('servers:add', { server: { name: 'Sim', baseUrl: sim().url } });
      expect(added.ok).toBe(true);
      const serverId = (added.data as { id: string }).id;
      const ref = { serverId, id: conv.id, version: 'V1' };
      await waitFor(
        async () => {
          const list = await client.call('conversations:list', undefined);
          return list.ok && (list.data as { id: string }[]).some((c) => c.id === conv.id);
        },
        10_000,
        'the conversation tracked',
      );
      const from = sim().requests.length;
      for (const paths of [['/etc/passwd'], [path.join(dataDir, 'servers.json')], [dataDir]]) {
        const planned = await client.call('uploads:plan', { ref, paths, targetDir: '/workspace/project' });
        expect(planned.ok, paths[0]).toBe(false);
        expect(planned.error?.code).toBe('forbidden');
        expect(planned.error?.message).toMatch(/only files the page itself sends/);
      }
      // No plan exists to start, and no upload request ever reached the agent server.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(
        sim()
          .requests.slice(from)
          .filter((r) => r.path.startsWith('/api/file/upload')),
      ).toEqual([]);
      const outbox = await client.call('outbox:list', undefined);
      expect((outbox.data as { kind: string }[]).filter((i) => i.kind === 'upload')).toEqual([]);
    } finally {
      client.close();
    }
  });
});

describe('browser mode: the plans behind uploads:plan refuse raw paths themselves', () => {
  it('a path outside the staging folder, or no stage, is refused before it is read', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'web-upload-plans-'));
    const staged = await createStagedUploads({
      dataDir,
      outbox: { onChange: () => () => undefined },
      logger: new MemoryLogger(),
    });
    try {
      const ref = { serverId: 's', id: 'c', version: 'V1' as const };
      // What the contract's `uploads:plan` handler calls in browser mode (handlers.ts shares these plans).
      for (const paths of [['/etc/passwd'], [path.join(staged.staging.root, '..', 'servers.json')]])
        await expect(staged.plans.make(ref, paths)).rejects.toMatchObject({ kind: 'forbidden' });
      // Even a path inside the staging folder is refused without the stage it belongs to.
      await expect(staged.plans.make(ref, [path.join(staged.staging.root, 'x')])).rejects.toMatchObject({
        kind: 'forbidden',
      });
    } finally {
      staged.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
