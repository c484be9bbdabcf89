import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { KeytarSecretStore } from '../../src/main/accounts/secret-store';
import { createDispatch } from '../../src/main/bridge/dispatch';
import { createBridgeHandlers } from '../../src/main/bridge/handlers';
import { createMainServices, type MainServices } from '../../src/main/compose';
import { MemoryLogger } from '../../src/main/logger';
import { SystemEventEmitter } from '../../src/main/system-events';
import { startWebServer, tokensEqual, type WebServer } from '../../src/main/web/web-server';
import { createConversation, useSimulator, waitFor } from '../support/sim';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP GET (fetch would normalise the path and forbids setting Host). */
function get(port: number, pathname: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: pathname, headers: { host: `127.0.0.1:${port}`, ...headers } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Resolves with the socket once open, or the refused handshake's status code. */
function connect(
  url: string,
  headers: Record<string, string>,
): Promise<{ ws: WebSocket; status?: undefined } | { ws?: undefined; status: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      res.resume();
    });
    ws.once('error', (error) => reject(error));
  });
}

/** A client that answers calls by id and collects events. */
function client(ws: WebSocket) {
  const events: { event: string; payload: unknown }[] = [];
  const replies: Record<string, unknown>[] = [];
  ws.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString('utf8')) as Record<string, unknown>;
    if (typeof message.event === 'string') events.push({ event: message.event, payload: message.payload });
    else replies.push(message);
  });
  let nextId = 1;
  return {
    events,
    replies,
    async call(channel: string, input?: unknown): Promise<unknown> {
      const id = nextId++;
      ws.send(JSON.stringify({ id, channel, input }));
      const reply = await waitFor(() => replies.find((r) => r.id === id), 5000, `reply ${id}`);
      return reply.result;
    },
  };
}

describe('browser mode web server', () => {
  const sim = useSimulator();
  const log = new MemoryLogger();
  let dir: string;
  let rendererDir: string;
  let services: MainServices;
  let server: WebServer | undefined;
  let web: WebServer;
  let origin: string;
  let cookie: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'web-'));
    rendererDir = path.join(dir, 'renderer');
    await mkdir(path.join(rendererDir, 'assets'), { recursive: true });
    await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>fixture</title>');
    await writeFile(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1);');
    await writeFile(path.join(dir, 'secret.txt'), 'outside the renderer');
    services = await createMainServices({
      dataDir: path.join(dir, 'data'),
      keychain: new KeytarSecretStore({ moduleId: 'keytar-absent-in-this-test' }),
      logger: log,
      fastMs: 100,
      slowMs: 100,
      adapters: {
        notify: () => undefined,
        renderTray: () => undefined,
        forward: (changes) => server?.broadcast('statusChanges', changes),
        system: new SystemEventEmitter(),
      },
    });
    services.outbox.onChange((item) => server?.broadcast('outboxChanges', item));
    const dispatch = createDispatch(
      createBridgeHandlers(services, { name: 'OpenHands Desktop', version: '0.0.0', platform: 'linux' }),
      log,
    );
    server = await startWebServer({ port: 0, host: '127.0.0.1', rendererDir, dispatch, logger: log });
    web = server;
    origin = `http://127.0.0.1:${web.port}`;
    cookie = `openhands_token_${web.port}=${web.token}`;
  });
  afterAll(async () => {
    await web.close();
    await services.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('makes a 32-byte base64url token and compares it exactly', () => {
    expect(web.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(web.url).toBe(`${origin}/`);
    expect(tokensEqual(web.token, web.token)).toBe(true);
    expect(tokensEqual(web.token, `${web.token.slice(0, -1)}A`)).toBe(web.token.endsWith('A'));
    expect(tokensEqual(web.token, undefined)).toBe(false);
    expect(tokensEqual(web.token, '')).toBe(false);
  });

  it('refuses the page without the token', async () => {
    expect((await get(web.port, '/')).status).toBe(401);
    expect((await get(web.port, '/?token=wrong')).status).toBe(401);
    expect((await get(web.port, '/assets/app.js')).status).toBe(401);
    expect((await get(web.port, '/', { cookie: `openhands_token_${web.port}=nope` })).status).toBe(401);
  });

  it('serves the page with the token, sets an HttpOnly SameSite=Strict cookie and security headers', async () => {
    const res = await get(web.port, `/?token=${web.token}`);
    expect(res.status).toBe(200);
    expect(res.body).toContain('fixture');
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toContain(cookie);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-store');
    // Assets load with the cookie alone.
    const asset = await get(web.port, '/assets/app.js', { cookie });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toContain('text/javascript');
  });

  it('refuses a foreign Host header (DNS rebinding) even with the token', async () => {
    const res = await get(web.port, `/?token=${web.token}`, { host: `evil.example:${web.port}` });
    expect(res.status).toBe(403);
    expect((await get(web.port, '/', { host: `127.0.0.1:${web.port + 1}`, cookie })).status).toBe(403);
    expect((await get(web.port, '/', { host: `localhost:${web.port}`, cookie })).status).toBe(200);
  });

  it('never serves files outside the renderer folder', async () => {
    for (const p of ['/..%2f..%2fpackage.json', '/..%2fsecret.txt', '/../secret.txt', '/%2e%2e/secret.txt']) {
      const res = await get(web.port, p, { cookie });
      expect([403, 404]).toContain(res.status);
      expect(res.body).not.toContain('outside the renderer');
    }
    expect((await get(web.port, '/assets', { cookie })).status).toBe(404);
    expect((await get(web.port, '/%00', { cookie })).status).toBe(404);
  });

  it('refuses the socket without the token or from another origin', async () => {
    const url = `ws://127.0.0.1:${web.port}/bridge`;
    expect((await connect(url, { origin })).status).toBe(401);
    expect((await connect(url, { origin: 'http://evil.example', cookie })).status).toBe(403);
    expect((await connect(url, { cookie })).status).toBe(403);
    expect((await connect(`ws://127.0.0.1:${web.port}/other`, { origin, cookie })).status).toBe(404);
    expect((await connect(url, { origin, host: `evil.example:${web.port}`, cookie })).status).toBe(403);
  });

  it('carries the contract over the socket, pushes status changes and survives malformed frames', async () => {
    const opened = await connect(`ws://127.0.0.1:${web.port}/bridge`, { origin, cookie });
    const ws = opened.ws!;
    try {
      const c = client(ws);
      expect(await c.call('servers:list')).toEqual({ ok: true, data: [] });

      ws.send('not json');
      ws.send(JSON.stringify({ channel: 'servers:list' }));
      ws.send(JSON.stringify([1, 2, 3]));
      await waitFor(() => c.replies.filter((r) => r.id === null).length >= 3, 5000, 'error replies');
      for (const r of c.replies.filter((x) => x.id === null))
        expect(r.error).toMatchObject({ code: 'bad-frame' });
      expect(await c.call('nope:nothing')).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });

      const conv = await createConversation(sim(), {});
      const added = await c.call('servers:add', { server: { name: 'Sim', baseUrl: sim().url } });
      expect(added).toMatchObject({ ok: true, data: { name: 'Sim' } });
      await waitFor(
        () =>
          c.events.some(
            (e) =>
              e.event === 'statusChanges' &&
              (e.payload as { changed: { id: string }[] }).changed.some((x) => x.id === conv.id),
          ),
        10_000,
        'statusChanges with the conversation',
      );
      const listed = (await c.call('conversations:list')) as { ok: boolean; data: { id: string }[] };
      expect(listed.data.map((x) => x.id)).toContain(conv.id);
    } finally {
      ws.close();
    }
  });

  it('closes a socket that sends an oversized frame, and keeps serving others', async () => {
    const opened = await connect(`ws://127.0.0.1:${web.port}/bridge`, { origin, cookie });
    const ws = opened.ws!;
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('error', () => undefined);
    ws.send('x'.repeat(1024 * 1024 + 1));
    expect(await closed).toBe(1009);
    const again = await connect(`ws://127.0.0.1:${web.port}/bridge`, { origin, cookie });
    try {
      expect(await client(again.ws!).call('servers:list')).toMatchObject({ ok: true });
    } finally {
      again.ws!.close();
    }
  });
});
