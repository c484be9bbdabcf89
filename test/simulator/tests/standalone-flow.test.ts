import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
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
 * change on the socket, search events, upload and download a file, pause the sandbox and read the history
 * from the app server, resume, see it in the V1 list. The default profile is today's server: no V0 list.
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
    await expect(startStandalone(['--profile', 'old'])).rejects.toThrow(/--profile needs current or legacy/);
  });

  it('lists --profile in --help', () => {
    const help = spawnSync('npm', ['run', '-s', 'simulator', '--', '--help'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('[--profile current|legacy]');
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
    // The app server keeps its own copy of the events: the history reads while the sandbox is paused.
    const history = await call<{ items: { kind: string; source: string }[] }>(
      `${url}/api/v1/conversation/${id}/events/search?kind__eq=MessageEvent`,
    );
    expect(history.body.items.map((e) => e.source)).toEqual(['user', 'agent']);
    await call(`${url}/api/v1/sandboxes/${sandboxId}/resume`, { method: 'POST' });
    await waitFor(async () => {
      const res = await call<{ sandbox_status: string }[]>(`${url}/api/v1/app-conversations?ids=${id}`);
      return res.body[0]?.sandbox_status === 'RUNNING';
    }, 10_000);
    const info = await call<{ execution_status: string }>(conversationUrl, { headers });
    expect(info.body.execution_status).toBe('finished');

    const list = await call<{ items: { id: string; sandbox_status: string; title: string }[] }>(
      `${url}/api/v1/app-conversations/search?limit=20`,
    );
    const row = list.body.items.find((r) => r.id === id);
    expect(row).toMatchObject({ sandbox_status: 'RUNNING', title: 'List the files' });
    expect((await call(`${url}/api/conversations?limit=20`)).status).toBe(404);
  }, 40_000);
});

describe('standalone simulator with --profile legacy', () => {
  let child: ChildProcess | undefined;
  let url = '';

  beforeAll(async () => {
    ({ child, url } = await startStandalone([
      '--port',
      '0',
      '--step-ms',
      '20',
      '--no-rate-limit',
      '--profile',
      'legacy',
    ]));
  }, 40_000);

  afterAll(() => {
    child?.kill('SIGTERM');
  });

  it('serves the Nov-2025 routes: /api/options/config and the V0 list, no web-client config', async () => {
    const config = await call<{ APP_MODE: string }>(`${url}/api/options/config`);
    expect(config.body.APP_MODE).toBe('oss');
    expect((await call(`${url}/api/v1/web-client/config`)).status).toBe(404);
    const created = await call<{ conversation_id: string; conversation_status: string }>(
      `${url}/api/conversations`,
      {
        method: 'POST',
        json: {},
      },
    );
    expect(created.body.conversation_status).toBe('STARTING');
    const list = await call<{ results: { conversation_id: string; conversation_version: string }[] }>(
      `${url}/api/conversations`,
    );
    expect(list.body.results).toEqual([
      expect.objectContaining({ conversation_id: created.body.conversation_id, conversation_version: 'V0' }),
    ]);
  });
});
