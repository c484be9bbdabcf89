// Finding 11 (issue 15): the agent address a server gives (`conversation_url`, a sandbox's `exposed_urls`)
// is used only when it is http(s) on the app server's host (Cloud: under its registrable domain). Over real
// HTTP: the simulator's answer is rewritten to point elsewhere, and nothing may reach that place.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { agentHostAllowed, checkedAgentUrl } from '../../src/main/api/agent-address';
import { ApiError } from '../../src/main/api/errors';
import { testConnection } from '../../src/main/api/test-connection';
import { ConversationStream } from '../../src/main/live/event-stream';
import { createConversation, useSimulator } from '../support/sim';
import { expectApiError, makeServer } from './support';

describe('the agent-address rule', () => {
  const SELF = 'http://192.168.1.20:3000';

  it('keeps http(s) agents on the app server’s host, any port, loopback rewritten to that host', () => {
    expect(checkedAgentUrl('http://192.168.1.20:39001/api/conversations/ab', SELF)).toBe(
      'http://192.168.1.20:39001/api/conversations/ab',
    );
    expect(checkedAgentUrl('http://localhost:39001/api/conversations/ab', SELF)).toBe(
      'http://192.168.1.20:39001/api/conversations/ab',
    );
    expect(checkedAgentUrl('/runtime/39001/api/conversations/ab', SELF)).toBe(
      'http://192.168.1.20:3000/runtime/39001/api/conversations/ab',
    );
    // An app server on loopback: every loopback name is its host.
    expect(checkedAgentUrl('http://127.0.0.1:8000/api/conversations/ab', 'http://localhost:3000')).toBe(
      'http://127.0.0.1:8000/api/conversations/ab',
    );
    expect(checkedAgentUrl('https://[::1]:8000/x', 'http://127.0.0.1:3000')).toBe('https://[::1]:8000/x');
  });

  it('refuses other schemes, credentials and other hosts as an invalid agent address', () => {
    for (const bad of [
      'ws+unix:///var/run/docker.sock:/x',
      'ws://192.168.1.20:39001/x',
      'file:///etc/passwd',
      'http://user:pw@192.168.1.20:39001/x',
      'http://192.168.1.21:39001/api/conversations/ab',
      'http://10.0.0.5/api/conversations/ab',
      'https://app.all-hands.dev/api/conversations/ab',
      'http://192.168.1.20.evil.example/x',
      'http://[',
    ]) {
      let caught: unknown;
      try {
        checkedAgentUrl(bad, SELF);
      } catch (error) {
        caught = error;
      }
      expect(caught, bad).toBeInstanceOf(ApiError);
      expect((caught as ApiError).kind, bad).toBe('invalid-response');
      expect((caught as ApiError).message, bad).toMatch(/^Invalid agent address from 192\.168\.1\.20:3000/);
    }
    // A loopback agent for a remote app server is rewritten, never dialled on this machine.
    expect(agentHostAllowed('localhost', SELF)).toBe(false);
    expect(agentHostAllowed('127.0.0.1', 'http://localhost:3000')).toBe(true);
  });

  it('Cloud: runtime hosts under the app server’s registrable domain, nothing outside it', () => {
    const cloud = 'https://app.all-hands.dev';
    expect(checkedAgentUrl('https://abc123.prod-runtime.all-hands.dev/api/conversations/ab', cloud)).toBe(
      'https://abc123.prod-runtime.all-hands.dev/api/conversations/ab',
    );
    expect(agentHostAllowed('all-hands.dev', cloud)).toBe(true);
    expect(agentHostAllowed('runtime.openhands.dev', 'https://app.openhands.dev')).toBe(true);
    for (const host of [
      'evil-all-hands.dev',
      'all-hands.dev.evil.example',
      'runtime.openhands.dev',
      '10.0.0.5',
    ])
      expect(agentHostAllowed(host, cloud), host).toBe(false);
    // Self-hosted servers get no such widening: a sibling host of a company domain is another host.
    expect(agentHostAllowed('intranet.example.com', 'https://openhands.example.com')).toBe(false);
  });
});

/** A server on another loopback address (another "host"), counting every connection it gets. */
async function bait(host: string): Promise<{ server: Server; url: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"version":"9.9.9"}');
  });
  server.on('connection', () => hits.push('connection'));
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as { port: number }).port;
  return { server, url: `http://${host}:${port}`, hits };
}

describe('a hostile conversation_url, over real HTTP', () => {
  const sim = useSimulator({ stepMs: 5 });
  let other: Awaited<ReturnType<typeof bait>>;
  let socketDir: string;
  let unix: NetServer;
  const unixHits: string[] = [];
  let socketPath: string;
  const streams: ConversationStream[] = [];

  beforeAll(async () => {
    other = await bait('127.0.0.2');
    socketDir = await mkdtemp(path.join(tmpdir(), 'agent-address-'));
    socketPath = path.join(socketDir, 'docker.sock');
    unix = createNetServer((socket) => {
      unixHits.push('connection');
      socket.destroy();
    });
    await new Promise<void>((resolve) => unix.listen(socketPath, resolve));
  });
  afterEach(async () => {
    await Promise.all(streams.splice(0).map((s) => s.close()));
    sim().faults.reset();
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => other.server.close(() => resolve()));
    await new Promise<void>((resolve) => unix.close(() => resolve()));
    await rm(socketDir, { recursive: true, force: true });
  });

  /** The conversation's row as the simulator answers it, with `conversation_url` replaced. */
  async function pointAt(conversationUrl: string): Promise<string> {
    const conv = await createConversation(sim());
    const res = await fetch(`${sim().url}/api/v1/app-conversations?ids=${conv.id}`);
    const rows = (await res.json()) as Record<string, unknown>[];
    sim().faults.override({
      server: 'app',
      method: 'GET',
      path: '/api/v1/app-conversations',
      kind: 'raw',
      body: JSON.stringify(rows.map((row) => ({ ...row, conversation_url: conversationUrl }))),
      contentType: 'application/json',
    });
    return conv.id;
  }

  it('ws+unix://: the agent is an invalid agent address and the socket is never dialled', async () => {
    const id = await pointAt(`ws+unix://${socketPath}:/api/conversations/x`);
    const server = makeServer(sim().url);
    const error = await expectApiError(server.agent(id), 'invalid-response');
    expect(error.message).toMatch(/invalid agent address/i);
    expect(error.message).toContain('ws+unix:');
    await expectApiError(
      server.sendMessage({ serverId: 'srv', id, version: 'V1' }, 'hello'),
      'invalid-response',
    );
    // The live stream resolves its agent the same way: it must not reach the unix socket either.
    const stream = new ConversationStream({
      conversationId: id,
      resolve: (refresh, signal) => server.agent(id, { refresh, ...(signal ? { signal } : {}) }),
      logger: server.log,
      initialBackoffMs: 20,
      maxBackoffMs: 50,
      initialStateTimeoutMs: 100,
    });
    streams.push(stream);
    stream.start();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(unixHits).toEqual([]);
  });

  it('another host: no read, message or socket goes there, and the error says invalid agent address', async () => {
    const id = await pointAt(`${other.url}/api/conversations/x`);
    const server = makeServer(sim().url);
    const ref = { serverId: 'srv', id, version: 'V1' as const };
    const error = await expectApiError(server.agent(id), 'invalid-response');
    expect(error.message).toMatch(/invalid agent address/i);
    expect(error.message).toContain('127.0.0.2');
    await expectApiError(server.sendMessage(ref, 'secret words'), 'invalid-response');
    // A listing must not fail for one bad row (and must not remember its agent either).
    const rows = await server.getConversations([id]);
    expect(rows[0]).toMatchObject({ id });
    await expectApiError(server.agent(id), 'invalid-response');
    const stream = new ConversationStream({
      conversationId: id,
      resolve: (refresh, signal) => server.agent(id, { refresh, ...(signal ? { signal } : {}) }),
      logger: server.log,
      initialBackoffMs: 20,
      maxBackoffMs: 50,
      initialStateTimeoutMs: 100,
    });
    streams.push(stream);
    stream.start();
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(other.hits).toEqual([]);
  });

  it('Test connection does not probe an agent-version address on another host', async () => {
    await createConversation(sim());
    const res = await fetch(`${sim().url}/api/v1/sandboxes/search?limit=10`);
    const page = (await res.json()) as { items: Record<string, unknown>[]; next_page_id: unknown };
    sim().faults.override({
      server: 'app',
      method: 'GET',
      path: '/api/v1/sandboxes/search',
      kind: 'raw',
      contentType: 'application/json',
      body: JSON.stringify({
        ...page,
        items: page.items.map((s) => ({
          ...s,
          status: 'RUNNING',
          exposed_urls: [{ name: 'AGENT_SERVER', url: other.url, port: 1 }],
        })),
      }),
    });
    const report = await testConnection(makeServer(sim().url), false);
    expect(report.reachable).toBe(true);
    expect(report.agentServerVersion).toBeNull();
    expect(other.hits).toEqual([]);
  });
});
