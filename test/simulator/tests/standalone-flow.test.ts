import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { call, waitFor } from '../../support/sim';

const ROOT = resolve(__dirname, '../../..');

/** Starts `npm run simulator -- …` and resolves with the URL from the line it prints once it accepts requests. */
function startStandalone(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('npm', ['run', '-s', 'simulator', '--', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`simulator did not start: ${out}${err}`)), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolvePromise({ child, url: `http://127.0.0.1:${m[1]}` });
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => reject(new Error(`simulator exited with ${code}: ${err}`)));
  });
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/**
 * The "done when" flow, against `npm run simulator` in its own process, using only HTTP and
 * WebSocket: create, follow the start task to READY, batch get, send a message with `run`, see the status
 * change on the socket, search events, upload and download a file, pause/resume the sandbox, see it in the V0 list.
 */
describe('standalone simulator: a whole V1 client flow over HTTP/WS', () => {
  let child: ChildProcess | undefined;
  let url = '';

  beforeAll(async () => {
    ({ child, url } = await startStandalone(['--port', '0', '--step-ms', '20', '--no-rate-limit']));
  }, 40_000);

  afterAll(() => {
    child?.kill('SIGTERM');
  });

  it('rejects unknown flags with a clear message', async () => {
    await expect(startStandalone(['--bogus'])).rejects.toThrow(/unknown option --bogus/);
  });

  it('creates, talks, streams, uploads, pauses and lists', async () => {
    const task = await call<{ id: string; status: string }>(`${url}/api/v1/app-conversations`, {
      method: 'POST',
      json: { selected_repository: 'acme/app' },
    });
    expect(task.body.status).toBe('WORKING');

    const ready = await waitFor(async () => {
      const res = await call<{ status: string; app_conversation_id: string | null }[]>(
        `${url}/api/v1/app-conversations/start-tasks?ids=${task.body.id}`,
      );
      return res.body[0]?.status === 'READY' ? res.body[0] : undefined;
    }, 15_000);
    const id = ready.app_conversation_id!;

    const batch = await call<
      { conversation_url: string; session_api_key: string; sandbox_id: string; execution_status: string }[]
    >(`${url}/api/v1/app-conversations?ids=${id}`);
    const { conversation_url: conversationUrl, session_api_key: key, sandbox_id: sandboxId } = batch.body[0]!;
    expect(batch.body[0]!.execution_status).toBe('idle');
    const agent = new URL(conversationUrl);
    const headers = { 'X-Session-API-Key': key };

    // Watch the socket while the message is sent over HTTP with run.
    const ws = new WebSocket(`ws://${agent.host}/sockets/events/${id}`, { headers });
    const statuses: string[] = [];
    let firstKey: string | undefined;
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as { kind: string; key?: string; value?: unknown };
      if (frame.kind === 'ConversationStateUpdateEvent') {
        firstKey ??= frame.key;
        if (frame.key === 'execution_status') statuses.push(String(frame.value));
      }
    });
    await new Promise((r, j) => {
      ws.once('open', r);
      ws.once('error', j);
    });
    await waitFor(() => firstKey, 5000, 'full_state frame');
    expect(firstKey).toBe('full_state');

    const sent = await call(`${conversationUrl}/events`, {
      method: 'POST',
      headers,
      json: { role: 'user', content: [{ type: 'text', text: 'List the files' }], run: true },
    });
    expect(sent.body).toEqual({ success: true });
    await waitFor(() => statuses.includes('finished'), 10_000, 'finished on the socket');
    expect(statuses.slice(0, 2)).toEqual(['running', 'finished']);
    ws.close();

    const events = await call<{ items: { kind: string; source: string }[] }>(
      `${conversationUrl}/events/search?limit=100`,
      { headers },
    );
    const kinds = events.body.items.map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['MessageEvent', 'ActionEvent', 'ObservationEvent']));
    expect(events.body.items.filter((e) => e.kind === 'MessageEvent').map((e) => e.source)).toEqual([
      'user',
      'agent',
    ]);

    const bytes = randomBytes(256 * 1024);
    const form = new FormData();
    form.append('file', new Blob([bytes]), 'data.bin');
    const up = await call(`${agent.origin}/api/file/upload?path=/workspace/project/data.bin`, {
      method: 'POST',
      headers,
      body: form,
    });
    expect(up.body).toEqual({ success: true });
    const down = await fetch(`${agent.origin}/api/file/download?path=/workspace/project/data.bin`, {
      headers,
    });
    expect(down.status).toBe(200);
    expect(sha256(new Uint8Array(await down.arrayBuffer()))).toBe(sha256(bytes));

    expect((await call(`${url}/api/v1/sandboxes/${sandboxId}/pause`, { method: 'POST' })).body).toEqual({
      success: true,
    });
    const paused = await call<{ sandbox_status: string; session_api_key: string | null }[]>(
      `${url}/api/v1/app-conversations?ids=${id}`,
    );
    expect(paused.body[0]).toMatchObject({ sandbox_status: 'PAUSED', session_api_key: null });
    await call(`${url}/api/v1/sandboxes/${sandboxId}/resume`, { method: 'POST' });
    await waitFor(async () => {
      const res = await call<{ sandbox_status: string }[]>(`${url}/api/v1/app-conversations?ids=${id}`);
      return res.body[0]?.sandbox_status === 'RUNNING';
    }, 10_000);
    const info = await call<{ execution_status: string }>(conversationUrl, { headers });
    expect(info.body.execution_status).toBe('finished');

    const v0 = await call<{
      results: { conversation_id: string; conversation_version: string; status: string; title: string }[];
    }>(`${url}/api/conversations?limit=20`);
    const row = v0.body.results.find((r) => r.conversation_id === id);
    expect(row).toMatchObject({ conversation_version: 'V1', status: 'RUNNING', title: 'List the files' });
  }, 40_000);
});
