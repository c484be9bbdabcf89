// Finding 11 (issue 15): the agent address a server gives (`conversation_url`, a sandbox's `exposed_urls`)
// is used only when it is http(s) on the app server's host (Cloud: under its registrable domain), or on one of
// the agent hosts the user allowed for that server. Over real HTTP: the simulator's answer is rewritten to
// point elsewhere, and nothing may reach that place unless it is listed — then everything works through it.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { agentHostAllowed, checkedAgentUrl } from '../../src/main/api/agent-address';
import { ApiError } from '../../src/main/api/errors';
import { HttpClient } from '../../src/main/api/http-client';
import { OpenHandsServer } from '../../src/main/api/openhands-server';
import { testConnection } from '../../src/main/api/test-connection';
import { ConversationStream } from '../../src/main/live/event-stream';
import { MemoryLogger } from '../../src/main/logger';
import { useRegistry } from '../servers/support';
import type { Simulator } from '../simulator/simulator';
import { createConversation, type StartedConversation, useSimulator } from '../support/sim';
import { expectApiError, FAST_RETRY, makeServer } from './support';

/** The ApiError `checkedAgentUrl` throws for an address (fails the test when it throws none). */
function refusal(
  conversationUrl: string,
  appServerUrl: string,
  extraHosts: readonly string[] = [],
): ApiError {
  let caught: unknown;
  try {
    checkedAgentUrl(conversationUrl, appServerUrl, extraHosts);
  } catch (error) {
    caught = error;
  }
  expect(caught, conversationUrl).toBeInstanceOf(ApiError);
  expect((caught as ApiError).kind, conversationUrl).toBe('invalid-response');
  return caught as ApiError;
}

const WHERE_TO_ALLOW = 'allow that host under Servers → Edit → "Agent hosts"';

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

describe('the agent hosts the user allowed for a server', () => {
  const APP = 'https://app.example.com';

  it('an address on a listed host is used as it is, on any port', () => {
    const hosts = ['rt-1.example.com', '10.0.0.7', '[fd00::7]'];
    expect(checkedAgentUrl('https://rt-1.example.com/api/conversations/ab', APP, hosts)).toBe(
      'https://rt-1.example.com/api/conversations/ab',
    );
    expect(checkedAgentUrl('http://10.0.0.7:39001/api/conversations/ab', APP, hosts)).toBe(
      'http://10.0.0.7:39001/api/conversations/ab',
    );
    // Compared as URLs write hosts: upper case and a long IPv6 form are the same host.
    expect(checkedAgentUrl('http://RT-1.Example.COM:8000/x', APP, hosts)).toBe(
      'http://rt-1.example.com:8000/x',
    );
    expect(checkedAgentUrl('http://[fd00:0:0::7]:8000/x', APP, hosts)).toBe('http://[fd00::7]:8000/x');
    // The server's own host still counts, whatever the list says.
    expect(checkedAgentUrl('https://app.example.com:4443/x', APP, hosts)).toBe(
      'https://app.example.com:4443/x',
    );
  });

  it('a *. entry allows every host under the domain, at any depth, but not the domain or lookalikes', () => {
    const hosts = ['*.runtime.example.com'];
    expect(checkedAgentUrl('https://a1.runtime.example.com/api/conversations/ab', APP, hosts)).toBe(
      'https://a1.runtime.example.com/api/conversations/ab',
    );
    expect(agentHostAllowed('x.eu.runtime.example.com', APP, hosts)).toBe(true);
    for (const host of [
      'runtime.example.com',
      'evilruntime.example.com',
      'runtime.example.com.evil.example',
      'example.com',
      'rt-1.example.com',
    ])
      expect(agentHostAllowed(host, APP, hosts), host).toBe(false);
    // An exact entry is that host only.
    expect(agentHostAllowed('x.rt-1.example.com', APP, ['rt-1.example.com'])).toBe(false);
    expect(agentHostAllowed('rt-1.example.com.evil.example', APP, ['rt-1.example.com'])).toBe(false);
  });

  it('another scheme, credentials or a malformed address stay refused even on a listed host', () => {
    const hosts = ['rt-1.example.com', '*.example.com', '10.0.0.7'];
    for (const bad of [
      'ws+unix:///var/run/docker.sock:/x',
      'ws+unix://rt-1.example.com/var/run/docker.sock:/x',
      'ws://rt-1.example.com:39001/x',
      'file:///etc/passwd',
      'file://rt-1.example.com/etc/passwd',
      'ftp://10.0.0.7/x',
      'http://user:pw@rt-1.example.com/x',
      'https://user@a.example.com/x',
      'http://:pw@10.0.0.7/x',
      'http://[',
    ]) {
      const error = refusal(bad, APP, hosts);
      expect(error.message, bad).toMatch(/^Invalid agent address from app\.example\.com/);
      // The list cannot fix these, so the message does not send the user there.
      expect(error.message, bad).not.toContain('Agent hosts');
    }
  });

  it('an unlisted host is still refused, and the message names the host and where to allow it', () => {
    const error = refusal('http://10.0.0.8:39001/api/conversations/ab', APP, ['10.0.0.7', '*.example.com']);
    expect(error.message).toContain("10.0.0.8 is not the server's host (app.example.com)");
    expect(error.message).toContain(`If this server's agents really run on 10.0.0.8, ${WHERE_TO_ALLOW}.`);
    // Without a list, the same.
    expect(refusal('https://rt-1.example.com/x', APP).message).toContain(WHERE_TO_ALLOW);
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

/** From now on the app server answers conversation `id`'s row with `conversationUrl` as its agent address. */
async function answerConversationUrl(
  sim: () => Simulator,
  id: string,
  conversationUrl: string,
): Promise<void> {
  const res = await fetch(`${sim().url}/api/v1/app-conversations?ids=${id}`);
  const rows = (await res.json()) as Record<string, unknown>[];
  sim().faults.override({
    server: 'app',
    method: 'GET',
    path: '/api/v1/app-conversations',
    kind: 'raw',
    body: JSON.stringify(rows.map((row) => ({ ...row, conversation_url: conversationUrl }))),
    contentType: 'application/json',
  });
}

/** Test connection's agent-version probe will find a running sandbox whose agent server is at `url`. */
async function sandboxAgentAt(sim: () => Simulator, url: string): Promise<void> {
  sim().faults.reset();
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
        exposed_urls: [{ name: 'AGENT_SERVER', url, port: 1 }],
      })),
    }),
  });
}

describe('a hostile conversation_url, over real HTTP', () => {
  const sim = useSimulator({ stepMs: 5 });

  /** Runs the conversation's live stream for a while (it resolves its agent as a conversation would). */
  async function runStreamAwhile(server: ReturnType<typeof makeServer>, id: string): Promise<void> {
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
  }
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
    await answerConversationUrl(sim, conv.id, conversationUrl);
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
    await runStreamAwhile(server, id);
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
    await runStreamAwhile(server, id);
    expect(other.hits).toEqual([]);
  });

  it('Test connection does not probe an agent-version address on another host', async () => {
    await sandboxAgentAt(sim, other.url);
    const report = await testConnection(makeServer(sim().url), false);
    expect(report.reachable).toBe(true);
    expect(report.agentServerVersion).toBeNull();
    expect(other.hits).toEqual([]);
  });
});

/**
 * A relay on another loopback address (another "host") to one agent server at a time: what a sandbox on
 * another machine looks like to the app. It records every request it forwards.
 */
async function relay(
  host: string,
): Promise<{ server: Server; port: number; hits: string[]; to: (c: StartedConversation) => void }> {
  const hits: string[] = [];
  let target = '';
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const { host: _host, ...headers } = req.headers;
      const out = httpRequest(`${target}${req.url}`, { method: req.method, headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      out.on('error', () => res.writeHead(502).end());
      out.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as { port: number }).port;
  return { server, port, hits, to: (c) => (target = new URL(c.conversationUrl).origin) };
}

describe('agents on an allowed host, over real HTTP', () => {
  const sim = useSimulator({ stepMs: 5 });
  const setup = useRegistry('agent-hosts-');
  let agents: Awaited<ReturnType<typeof relay>>;
  let other: Awaited<ReturnType<typeof bait>>;

  beforeAll(async () => {
    agents = await relay('127.0.0.2');
    other = await bait('127.0.0.3');
  });
  afterEach(() => {
    sim().faults.reset();
    agents.hits.length = 0;
    other.hits.length = 0;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => agents.server.close(() => resolve()));
    await new Promise<void>((resolve) => other.server.close(() => resolve()));
  });

  /** A new conversation whose `conversation_url` the app server gives as `url(conversation)`. */
  async function pointAt(url: (conv: StartedConversation) => string): Promise<StartedConversation> {
    sim().faults.reset(); // one rewritten answer at a time
    const conv = await createConversation(sim());
    await answerConversationUrl(sim, conv.id, url(conv));
    agents.to(conv);
    return conv;
  }

  /** The conversation's agent address moved to the relay, under `host`. */
  const onRelay = (host: string) => (conv: StartedConversation) =>
    `http://${host}:${agents.port}${new URL(conv.conversationUrl).pathname}`;

  /** An OpenHandsServer as the app builds one, with agent hosts; `fetch` may map names to the relay. */
  function serverWith(agentHosts: readonly string[], fetchImpl?: typeof fetch): OpenHandsServer {
    const http = new HttpClient({ retry: FAST_RETRY, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
    return new OpenHandsServer(
      http,
      {
        id: 'srv',
        baseUrl: sim().url,
        apiKey: () => Promise.resolve(undefined),
        agentHosts: () => agentHosts,
      },
      { logger: new MemoryLogger() },
    );
  }

  async function messagesOf(server: OpenHandsServer, id: string): Promise<string> {
    const agent = await server.agent(id);
    return JSON.stringify((await agent.searchEvents({ limit: 100 })).items);
  }

  it('a listed host: the agent is used there, and messages and reads go through it', async () => {
    const conv = await pointAt(onRelay('127.0.0.2'));
    const server = serverWith(['127.0.0.2']);
    const agent = await server.agent(conv.id);
    expect(agent).toBeDefined();
    await server.sendMessage({ serverId: 'srv', id: conv.id, version: 'V1' }, 'hello over the relay');
    expect(await messagesOf(server, conv.id)).toContain('hello over the relay');
    expect(agents.hits.some((h) => h.startsWith('POST /api/conversations/'))).toBe(true);
    expect(agents.hits.some((h) => h.startsWith('GET /api/conversations/'))).toBe(true);
  });

  it('a *. entry: a host under the domain is used; the domain itself is not', async () => {
    // The names resolve to the relay here as DNS would resolve them on a real network.
    const mapped: typeof fetch = (input, init) => {
      const url = new URL(input instanceof Request ? input.url : input);
      if (url.hostname.endsWith('agents.test')) url.hostname = '127.0.0.2';
      return fetch(url, init);
    };
    const conv = await pointAt(onRelay('rt-7.agents.test'));
    const server = serverWith(['*.agents.test'], mapped);
    await server.sendMessage({ serverId: 'srv', id: conv.id, version: 'V1' }, 'hello via a wildcard');
    expect(await messagesOf(server, conv.id)).toContain('hello via a wildcard');
    expect(agents.hits.some((h) => h.startsWith('POST /api/conversations/'))).toBe(true);

    agents.hits.length = 0;
    const bare = await pointAt(onRelay('agents.test'));
    const error = await expectApiError(server.agent(bare.id), 'invalid-response');
    expect(error.message).toContain(WHERE_TO_ALLOW);
    expect(agents.hits).toEqual([]);
  });

  it('an unlisted host is still refused, nothing reaches it, and the error says where to allow it', async () => {
    const conv = await pointAt(() => `${other.url}/api/conversations/x`);
    const server = serverWith(['127.0.0.2', '*.agents.test']);
    const error = await expectApiError(server.agent(conv.id), 'invalid-response');
    expect(error.message).toMatch(/invalid agent address/i);
    expect(error.message).toContain(`If this server's agents really run on 127.0.0.3, ${WHERE_TO_ALLOW}.`);
    await expectApiError(
      server.sendMessage({ serverId: 'srv', id: conv.id, version: 'V1' }, 'x'),
      'invalid-response',
    );
    expect(other.hits).toEqual([]);
  });

  it('credentials or another scheme on a listed host are refused, and nothing reaches it', async () => {
    const server = serverWith(['127.0.0.2']);
    for (const url of [
      (c: StartedConversation) =>
        `http://user:pw@127.0.0.2:${agents.port}${new URL(c.conversationUrl).pathname}`,
      (c: StartedConversation) => `ws+unix://127.0.0.2${new URL(c.conversationUrl).pathname}`,
      () => 'file://127.0.0.2/etc/passwd',
    ]) {
      const conv = await pointAt(url);
      const error = await expectApiError(server.agent(conv.id), 'invalid-response');
      expect(error.message).not.toContain('Agent hosts');
    }
    expect(agents.hits).toEqual([]);
  });

  it('Test connection probes the agent version on a listed host, and not on an unlisted one', async () => {
    await sandboxAgentAt(sim, other.url);
    expect((await testConnection(serverWith(['127.0.0.2']), false)).agentServerVersion).toBeNull();
    expect(other.hits).toEqual([]);
    expect((await testConnection(serverWith(['127.0.0.3']), false)).agentServerVersion).toBe('9.9.9');
    expect(other.hits).toContain('GET /server_info');
  });

  it('a saved server’s agent hosts reach its client through the registry, read at each check', async () => {
    const { accounts, registry } = setup();
    const view = await accounts.add({ name: 'Team', baseUrl: sim().url });
    const conv = await pointAt(onRelay('127.0.0.2'));
    await expectApiError(registry.get(view.id).agent(conv.id), 'invalid-response');
    expect(agents.hits).toEqual([]);

    await accounts.update(view.id, { agentHosts: ['127.0.0.2'] });
    // The same client, asked again: the list is read at the check, not when the client was made.
    await registry
      .get(view.id)
      .sendMessage({ serverId: view.id, id: conv.id, version: 'V1' }, 'via the registry');
    expect(agents.hits.some((h) => h.startsWith('POST /api/conversations/'))).toBe(true);

    expect(registry.get(view.id).connection.agentHosts?.()).toEqual(['127.0.0.2']);
    agents.hits.length = 0;
    await accounts.update(view.id, { agentHosts: [] });
    await expectApiError(registry.get(view.id).agent(conv.id, { refresh: true }), 'invalid-response');
    expect(agents.hits.filter((h) => h.startsWith('POST'))).toEqual([]);
  });

  it('Test connection of a saved server uses its agent hosts; before saving, none', async () => {
    const { accounts, registry } = setup();
    const view = await accounts.add({ name: 'Probe', baseUrl: sim().url, agentHosts: ['127.0.0.3'] });
    await sandboxAgentAt(sim, other.url);
    expect((await registry.testUnsaved({ baseUrl: sim().url })).agentServerVersion).toBeNull();
    expect(other.hits).toEqual([]);
    expect((await registry.test(view.id)).agentServerVersion).toBe('9.9.9');
    expect(other.hits).toContain('GET /server_info');
  });
});
