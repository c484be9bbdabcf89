import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationRef, ConversationSummary } from '../../src/shared/conversations';
import { useSimulator, waitFor } from '../support/sim';
import { dashedOf } from '../simulator/ids';
import { expectApiError, makeServer, since, type TestServer } from './support';

/** Ids that would leave their path segment or are not ids at all: refused for both versions. */
const BAD_FOR_BOTH = [
  '../x',
  '..',
  'a/b',
  'a\\b',
  '%2e%2e',
  'x?y=1',
  'x#y',
  'a b',
  'a\0b',
  'a'.repeat(101),
  '',
  'ünïcödé',
  'e\u0301',
];
/** Fine as a legacy id, not a UUID: refused for V1 only. */
const BAD_FOR_V1 = ['not-a-uuid', 'abc123', 'g'.repeat(32), '0123456789abcdef0123456789abcdef0'];

describe('ids are checked before they reach a URL', () => {
  const sim = useSimulator({ stepMs: 5 });
  let server: TestServer;
  beforeAll(() => {
    server = makeServer(sim().url);
  });

  const operations = (ref: ConversationRef): [string, () => Promise<unknown>][] => [
    ['sendMessage', () => server.sendMessage(ref, 'hello')],
    ['rename', () => server.rename(ref, 'New title')],
    ['delete', () => server.delete(ref)],
    ['events', () => server.events(ref, { limit: 5 })],
    ['pauseAgent', () => server.pauseAgent(ref)],
    ['resumeAgent', () => server.resumeAgent(ref)],
  ];

  it('refuses escaping and malformed ids with bad-request and sends nothing', async () => {
    const from = sim().requests.length;
    let checked = 0;
    for (const id of [...BAD_FOR_BOTH, ...BAD_FOR_V1]) {
      const error = await expectApiError(server.getConversations([id]), 'bad-request');
      expect(error.message).toContain('not a valid');
      checked++;
      for (const version of ['V1', 'V0'] as const) {
        if (version === 'V0' && BAD_FOR_V1.includes(id)) continue;
        for (const [name, run] of operations({ serverId: 'srv', id, version })) {
          // Through a `then`, so a synchronous throw (see the rename test below) counts as a refusal here.
          await expect(
            Promise.resolve().then(run),
            `${version} ${name} ${JSON.stringify(id)}`,
          ).rejects.toMatchObject({
            kind: 'bad-request',
          });
          checked++;
        }
      }
    }
    // One bad id in a batch spoils the whole batch, before anything is sent.
    const good = crypto.randomUUID().replace(/-/g, '');
    await expectApiError(server.getConversations([good, '../x', good]), 'bad-request');
    expect(checked).toBeGreaterThan(150);
    expect(since(sim(), from)).toEqual([]);
  });

  // Regression guard, fixed bug (openhands-server.ts rename): rename is not `async`, so v1Id/legacyId throw synchronously instead
  // of returning a rejected promise; `server.rename(ref, t).catch(show)` lets the error escape. The same
  // holds for AppServerClient.getLegacy, deleteConversation and legacyEvents (non-async, id checked inline).
  it('rename reports a bad id through its promise, like every other call', async () => {
    let promise: Promise<void> | undefined;
    expect(() => {
      promise = server.rename({ serverId: 'srv', id: '../x', version: 'V1' }, 'title');
    }).not.toThrow();
    await expectApiError(promise!, 'bad-request');
  });

  it('a dashed, upper-case V1 id works everywhere and goes on the wire as lower-case hex', async () => {
    const created = await server.createConversation({});
    const dashed = dashedOf(created.id).toUpperCase();
    const ref: ConversationRef = { serverId: 'srv', id: dashed, version: 'V1' };
    const from = sim().requests.length;

    const [row] = await server.getConversations([dashed]);
    expect(row?.id).toBe(created.id);
    await server.sendMessage(ref, 'Hello through a dashed id');
    await waitFor(
      async () => (await server.getConversations([dashed]))[0]?.executionStatus === 'finished',
      5000,
      'finished',
    );
    const page = await server.events(ref, { limit: 3 });
    expect(page.items.length).toBeGreaterThan(0);
    await server.rename(ref, 'Dashed rename');
    expect((await server.getConversations([created.id]))[0]?.title).toBe('Dashed rename');

    const log = since(sim(), from);
    for (const entry of log) {
      expect(entry.url).not.toContain(dashed);
      expect(entry.url.toLowerCase()).not.toContain(dashedOf(created.id));
    }
    expect(log.some((e) => e.url === `/api/v1/app-conversations?ids=${created.id}`)).toBe(true);
    expect(
      log.some((e) => e.method === 'PATCH' && e.path === `/api/v1/app-conversations/${created.id}`),
    ).toBe(true);
    expect(log.some((e) => e.method === 'POST' && e.path === `/api/conversations/${created.id}/events`)).toBe(
      true,
    );
    expect(await server.delete(ref)).toBe(true);
  });
});

describe('the Cloud key and session keys stay where they belong', () => {
  const KEY = 'CloudKey0123456789abcdefghijklmn';
  const sim = useSimulator({ stepMs: 5, apiKey: KEY, maxSandboxes: 20 });
  const summaries: ConversationSummary[] = [];
  const sessionKeys = new Set<string>();
  const agentOrigins = new Set<string>();
  let scratch: string;

  const remember = (): void => {
    for (const sandbox of sim().world.sandboxes.values()) {
      if (sandbox.agent.sessionApiKey) sessionKeys.add(sandbox.agent.sessionApiKey);
      agentOrigins.add(sandbox.agent.url);
    }
  };

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'openhands-secrets-test-'));
    const server = makeServer(sim().url, { key: KEY });
    await sim().seedConversation({ title: 'Seeded for the listing' });
    const ref = await server.createConversation({ initialMessage: 'First task' });
    remember();
    summaries.push(...(await server.listConversations()).items);
    summaries.push(...(await server.getConversations([ref.id])).filter((s) => s != null));
    await waitFor(
      async () => (await server.getConversations([ref.id]))[0]?.executionStatus === 'finished',
      5000,
      'finished',
    );
    await server.sendMessage(ref, 'Second task [confirm]');
    await waitFor(
      async () =>
        (await server.getConversations([ref.id]))[0]?.executionStatus === 'waiting_for_confirmation',
      5000,
      'waiting',
    );
    await server.respondToConfirmation(ref, true);
    await server.events(ref, { limit: 100 });
    const local = join(scratch, 'a.txt');
    await writeFile(local, 'some text');
    await server.upload(ref, local, '/workspace/a.txt');
    await server.download(ref, '/workspace/a.txt', join(scratch, 'b.txt'));
    await server.rename(ref, 'Renamed');
    await server.pauseSandbox(ref);
    summaries.push(...(await server.getConversations([ref.id])).filter((s) => s != null));
    await server.resumeSandbox(ref);
    await waitFor(
      async () => (await server.getConversations([ref.id]))[0]?.sandboxStatus === 'RUNNING',
      5000,
      'RUNNING',
    );
    remember();
    summaries.push(...(await server.listConversations({ titleContains: 'renamed' })).items);
    await server.delete(ref);
  }, 15_000);
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('the flow reached both the app server and an agent server', () => {
    const servers = new Set(sim().requests.map((e) => e.server));
    expect(servers).toEqual(new Set(['app', 'agent']));
    expect(sessionKeys.size).toBeGreaterThan(0);
    expect(summaries.length).toBeGreaterThanOrEqual(5);
  });

  it('no request URL contains the API key or a session key', () => {
    for (const entry of sim().requests) {
      for (const secret of [KEY, ...sessionKeys]) {
        expect(entry.url, entry.url).not.toContain(secret);
        expect(entry.url).not.toContain(encodeURIComponent(secret));
      }
    }
  });

  it('the API key travels only in Authorization / X-Session-API-Key, and only to the app server', () => {
    let carried = 0;
    for (const entry of sim().requests) {
      for (const [name, value] of Object.entries(entry.headers)) {
        const text = Array.isArray(value) ? value.join(',') : (value ?? '');
        if (!text.includes(KEY)) continue;
        expect(entry.server, `${name} on ${entry.path}`).toBe('app');
        expect(['authorization', 'x-session-api-key']).toContain(name);
        carried++;
      }
      if (entry.server === 'app') expect(entry.headers.authorization).toBe(`Bearer ${KEY}`);
    }
    expect(carried).toBeGreaterThan(0);
  });

  it('session keys go only to agent servers, in X-Session-API-Key', () => {
    for (const entry of sim().requests) {
      for (const [name, value] of Object.entries(entry.headers)) {
        const text = Array.isArray(value) ? value.join(',') : (value ?? '');
        for (const key of sessionKeys) {
          if (!text.includes(key)) continue;
          expect(entry.server).toBe('agent');
          expect(name).toBe('x-session-api-key');
        }
      }
    }
  });

  it('no ConversationSummary carries the API key, a session key, or an agent-server URL', () => {
    expect(agentOrigins.size).toBeGreaterThan(0);
    for (const summary of summaries) {
      const json = JSON.stringify(summary);
      expect(json).not.toContain(KEY);
      for (const key of sessionKeys) expect(json).not.toContain(key);
      for (const origin of agentOrigins) {
        expect(json).not.toContain(origin);
        expect(json).not.toContain(`:${new URL(origin).port}`);
      }
      expect(json).not.toMatch(/session_api_key|conversation_url|sessionApiKey|conversationUrl/);
    }
  });
});
