// Browser mode's network like the rest of the command line (src/main/network/environment.ts): a local
// proxy that counts its CONNECTs, a local TLS server whose certificate comes from a private CA (made here
// with openssl), and a child process started with HTTPS_PROXY / NO_PROXY / NODE_EXTRA_CA_CERTS that makes a
// request through the app's HTTP client and opens a WebSocket the way the event stream does.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';

const root = path.resolve(__dirname, '../..');
const child = path.join(__dirname, 'fixtures-child.ts');
const hasOpenssl = spawnSync('sh', ['-c', 'command -v openssl']).status === 0;

interface Report {
  proxied: boolean;
  asked: string[];
  fetched: { ok: boolean; body?: unknown; message?: string };
  socket: { ok: boolean; message?: string };
}

describe('browser mode behind a proxy, with a private CA', () => {
  let dir: string;
  let origin: string;
  let proxyUrl: string;
  const connects: string[] = [];
  const closers: (() => void)[] = [];

  beforeAll(async () => {
    if (!hasOpenssl) return;
    dir = await mkdtemp(path.join(tmpdir(), 'net-env-'));
    const file = (name: string): string => path.join(dir, name);
    const openssl = (...args: string[]): void => {
      execFileSync('openssl', args, { stdio: 'ignore' });
    };
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      file('ca.key'),
      '-out',
      file('ca.pem'),
      '-days',
      '2',
      '-subj',
      '/CN=OpenHands test CA',
    );
    openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      file('server.key'),
      '-out',
      file('server.csr'),
      '-subj',
      '/CN=localhost',
    );
    await import('node:fs/promises').then((fs) =>
      fs.writeFile(file('ext.cnf'), 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n'),
    );
    openssl(
      'x509',
      '-req',
      '-in',
      file('server.csr'),
      '-CA',
      file('ca.pem'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-out',
      file('server.pem'),
      '-days',
      '2',
      '-extfile',
      file('ext.cnf'),
    );

    const tlsServer = createHttpsServer(
      { key: await readFile(file('server.key')), cert: await readFile(file('server.pem')) },
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"hello":"through TLS"}');
      },
    );
    const wss = new WebSocketServer({ server: tlsServer, path: '/socket' });
    wss.on('connection', (ws) => ws.send('socket says hi'));
    await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
    origin = `https://localhost:${(tlsServer.address() as AddressInfo).port}`;
    closers.push(() => {
      wss.close();
      tlsServer.closeAllConnections();
      tlsServer.close();
    });

    // A forward proxy: CONNECT tunnels (what HTTPS and wss use), plain requests forwarded.
    const proxy = createHttpServer((req, res) => {
      const forwarded = httpRequest(req.url ?? '', { method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      req.pipe(forwarded);
    });
    proxy.on('connect', (req, client, head) => {
      connects.push(req.url ?? '');
      const [host, port] = (req.url ?? '').split(':');
      const upstream = connect(Number(port), host === 'localhost' ? '127.0.0.1' : host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    closers.push(() => {
      proxy.closeAllConnections();
      proxy.close();
    });
  });

  afterAll(async () => {
    for (const close of closers) close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function run(env: Record<string, string>, mode: 'env' | 'system' = 'env'): Promise<Report> {
    const base: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child, origin, mode], {
      cwd: root,
      env: { ...base, ...env },
      timeout: 30_000,
    });
    return JSON.parse(stdout) as Report;
  }

  it('requests and sockets go through HTTPS_PROXY and trust NODE_EXTRA_CA_CERTS', async (ctx) => {
    if (!hasOpenssl) ctx.skip('needs openssl to make the private CA');
    connects.length = 0;
    const report = await run({ HTTPS_PROXY: proxyUrl, NODE_EXTRA_CA_CERTS: path.join(dir, 'ca.pem') });
    expect(report).toEqual({
      proxied: true,
      asked: [],
      fetched: { ok: true, body: { hello: 'through TLS' } },
      socket: { ok: true, message: 'socket says hi' },
    });
    const target = origin.replace('https://', '');
    expect(connects).toEqual([target, target]);
  }, 40_000);

  it('NO_PROXY sends them direct', async (ctx) => {
    if (!hasOpenssl) ctx.skip('needs openssl to make the private CA');
    connects.length = 0;
    const report = await run({
      HTTPS_PROXY: proxyUrl,
      NO_PROXY: 'localhost',
      NODE_EXTRA_CA_CERTS: path.join(dir, 'ca.pem'),
    });
    expect(report.fetched.ok && report.socket.ok).toBe(true);
    expect(connects).toEqual([]);
  }, 40_000);

  it('without the private CA the TLS server is not trusted (so the CA above is what made it work)', async (ctx) => {
    if (!hasOpenssl) ctx.skip('needs openssl to make the private CA');
    const report = await run({ HTTPS_PROXY: proxyUrl });
    expect(report.fetched.ok).toBe(false);
    expect(report.socket).toMatchObject({
      ok: false,
      message: expect.stringMatching(/certificate/i) as string,
    });
  }, 40_000);

  // The desktop app: the system's proxy as Chromium resolves it per URL (session.resolveProxy, stood in for).
  it('the desktop app goes where the system proxy resolver says, per origin, DIRECT included', async (ctx) => {
    if (!hasOpenssl) ctx.skip('needs openssl to make the private CA');
    connects.length = 0;
    const ca = { NODE_EXTRA_CA_CERTS: path.join(dir, 'ca.pem') };
    const proxied = await run(
      { ...ca, PAC_ANSWER: `PROXY ${proxyUrl.replace('http://', '')}; DIRECT` },
      'system',
    );
    expect(proxied.fetched).toEqual({ ok: true, body: { hello: 'through TLS' } });
    expect(proxied.socket).toEqual({ ok: true, message: 'socket says hi' });
    // Asked once for the origin (the socket's wss:// counts as its https:// origin), then tunnelled twice.
    expect(proxied.asked).toEqual([origin]);
    const target = origin.replace('https://', '');
    expect(connects).toEqual([target, target]);

    connects.length = 0;
    const direct = await run({ ...ca, PAC_ANSWER: 'DIRECT' }, 'system');
    expect(direct.fetched.ok && direct.socket.ok).toBe(true);
    expect(connects).toEqual([]);
  }, 60_000);
});

describe('PAC answers', () => {
  it('take the first usable proxy, DIRECT as none, and SOCKS (unsupported) as direct', async () => {
    const { proxyFromPacAnswer } = await import('../../src/main/network/environment');
    expect(proxyFromPacAnswer('DIRECT')).toBeNull();
    expect(proxyFromPacAnswer('PROXY proxy.corp:8080; DIRECT')).toBe('http://proxy.corp:8080');
    expect(proxyFromPacAnswer('HTTPS secure.corp:443')).toBe('https://secure.corp:443');
    expect(proxyFromPacAnswer('SOCKS5 socks.corp:1080; PROXY p:3128')).toBe('http://p:3128');
    expect(proxyFromPacAnswer('SOCKS5 socks.corp:1080')).toBeNull();
    expect(proxyFromPacAnswer('')).toBeNull();
  });
});
