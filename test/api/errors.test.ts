import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/main/api/errors';
import { HttpClient } from '../../src/main/api/http-client';
import { setSchemaLogger } from '../../src/main/api/schemas/lenient';
import { consoleLogger, MemoryLogger } from '../../src/main/logger';
import { API_ERROR_KINDS, type ApiErrorKind, LOCAL_ERROR_KINDS } from '../../src/shared/api-errors';
import { useSimulator } from '../support/sim';
import {
  closedPort,
  expectApiError,
  FAST_RETRY,
  makeServer,
  peakRssGrowth,
  randomHex,
  since,
  type TestServer,
} from './support';

const LIST = '/api/v1/app-conversations/search';
const BATCH = '/api/v1/app-conversations';
const MB = 1e6;

/** Kinds this file has produced over real HTTP; checked against the whole taxonomy at the end. */
const seen = new Set<ApiErrorKind>();
async function expectKind(promise: Promise<unknown>, kind: ApiErrorKind): Promise<ApiError> {
  const error = await expectApiError(promise, kind);
  seen.add(kind);
  return error;
}

describe('the error taxonomy over real HTTP (self-hosted simulator)', () => {
  const sim = useSimulator({ stepMs: 5 });
  afterEach(async () => {
    sim().faults.reset();
    await sim().comeBack();
  });
  const server = (): TestServer => makeServer(sim().url);
  const host = (): string => new URL(sim().url).host;

  describe('offline', () => {
    it('a server that went offline: offline, naming the host, after the read was retried', async () => {
      const s = server();
      await s.app.searchConversations({}); // a pooled keep-alive connection exists
      await sim().goOffline();
      const started = Date.now();
      const error = await expectKind(s.app.searchConversations({}), 'offline');
      expect(error.message).toContain(host());
      // Generous bound (CI load): the point is that it did not wait for long retries.
      expect(Date.now() - started).toBeLessThan(10_000);
    });

    it('a closed port: offline, "connection refused"', async () => {
      const port = await closedPort();
      const error = await expectKind(
        makeServer(`http://127.0.0.1:${port}`).app.searchConversations({}),
        'offline',
      );
      expect(error.message).toContain(`127.0.0.1:${port}`);
      expect(error.message).toContain('connection refused');
    });

    it('a connection reset mid-body: offline; the read is retried `attempts` times', async () => {
      sim().faults.override({ path: LIST, kind: 'resetMidBody' });
      const from = sim().requests.length;
      const error = await expectKind(server().app.searchConversations({}), 'offline');
      expect(error.message).toContain('broke off the response');
      const log = since(sim(), from);
      expect(log).toHaveLength(FAST_RETRY.attempts);
      expect(log.every((e) => e.fault === 'resetMidBody')).toBe(true);
    });

    it('a reset before any answer: offline', async () => {
      sim().faults.override({ path: LIST, kind: 'reset' });
      await expectKind(server().app.searchConversations({}), 'offline');
    });
  });

  describe('timeout', () => {
    it('http.send with a small timeoutMs against a hanging route: timeout, one try for a write', async () => {
      sim().faults.override({ path: LIST, kind: 'hang' });
      const http = new HttpClient({ retry: FAST_RETRY });
      const from = sim().requests.length;
      const started = Date.now();
      const error = await expectKind(
        http.send({ method: 'POST', url: `${sim().url}${LIST}`, json: {}, timeoutMs: 200 }),
        'timeout',
      );
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(190);
      expect(elapsed).toBeLessThan(10_000); // not the 20 s default timeout
      expect(error.message).toContain(host());
      expect(since(sim(), from)).toHaveLength(1);
    });

    it('an idempotent read times out on every try and is tried `attempts` times', async () => {
      sim().faults.override({ path: LIST, kind: 'hang' });
      const http = new HttpClient({ retry: FAST_RETRY });
      const from = sim().requests.length;
      await expectKind(
        http.send({ method: 'GET', url: `${sim().url}${LIST}`, idempotent: true, timeoutMs: 100 }),
        'timeout',
      );
      expect(since(sim(), from)).toHaveLength(FAST_RETRY.attempts);
    });
  });

  it('forbidden: a 403 names the server’s reason', async () => {
    sim().faults.override({
      path: LIST,
      kind: 'status',
      status: 403,
      body: { error: 'EmailNotVerifiedError' },
    });
    const error = await expectKind(server().app.searchConversations({}), 'forbidden');
    expect(error.status).toBe(403);
    expect(error.message).toContain('EmailNotVerifiedError');
  });

  it('not-found: a real 404 (renaming an unknown conversation), not retried', async () => {
    const from = sim().requests.length;
    const error = await expectKind(server().app.rename(randomHex(), 'No such'), 'not-found');
    expect(error.status).toBe(404);
    expect(since(sim(), from)).toHaveLength(1);
  });

  it('rate-limited: a Retry-After above maxRetryAfterMs fails at once with retryAfterMs', async () => {
    sim().faults.burst429(1, 60);
    const from = sim().requests.length;
    const started = Date.now();
    const error = await expectKind(server().app.searchConversations({}), 'rate-limited');
    expect(Date.now() - started).toBeLessThan(10_000); // not the 60 s the server asked for
    expect(error.retryAfterMs).toBe(60_000);
    expect(error.toInfo()).toMatchObject({ kind: 'rate-limited', status: 429, retryAfterMs: 60_000 });
    expect(error.message).toContain('60 s');
    expect(since(sim(), from)).toHaveLength(1);
  });

  describe('server-error', () => {
    it('a GET is tried `attempts` times, then server-error', async () => {
      sim().faults.set('app', { errorRate: 1 });
      const from = sim().requests.length;
      const error = await expectKind(server().app.searchConversations({}), 'server-error');
      expect(error.status).toBe(500);
      const log = since(sim(), from);
      expect(log).toHaveLength(FAST_RETRY.attempts);
      expect(log.every((e) => e.method === 'GET' && e.status === 500)).toBe(true);
    });

    it('a POST is sent exactly once (writes are never retried here)', async () => {
      sim().faults.set('app', { errorRate: 1 });
      const from = sim().requests.length;
      await expectKind(server().app.startConversation({ initialMessage: 'once only' }), 'server-error');
      await expectKind(server().app.rename(randomHex(), 'once only'), 'server-error');
      const log = since(sim(), from);
      expect(log.map((e) => e.method)).toEqual(['POST', 'PATCH']);
    });
  });

  describe('invalid-response', () => {
    it('malformed JSON sent as application/json', async () => {
      sim().faults.override({ path: LIST, kind: 'raw', body: '{"results": [{"conversation_id": ' });
      const error = await expectKind(server().app.searchConversations({}), 'invalid-response');
      expect(error.message).toContain('malformed JSON');
    });

    it('wrong types: a batch get answering [{"id": 5}] reads that row as unreadable, not as gone', async () => {
      sim().faults.override({ path: BATCH, method: 'GET', kind: 'raw', body: '[{"id": 5}]' });
      expect(await server().getConversations([randomHex()])).toEqual([undefined]);
    });

    it('wrong types: a batch that is not a list at all', async () => {
      sim().faults.override({ path: BATCH, method: 'GET', kind: 'raw', body: '{"items": []}' });
      const error = await expectKind(server().getConversations([randomHex()]), 'invalid-response');
      expect(error.message).toContain('expected array');
    });

    it('an HTML page where JSON was expected', async () => {
      sim().faults.override({
        path: LIST,
        kind: 'raw',
        body: '<html><body>502 Bad Gateway</body></html>',
        contentType: 'text/html',
      });
      await expectKind(server().app.searchConversations({}), 'invalid-response');
    });

    it('a redirect (3xx): not followed, not offline; it names where to, without the query', async () => {
      for (const status of [301, 302, 307, 308]) {
        sim().faults.reset();
        sim().faults.override({
          path: LIST,
          kind: 'status',
          status,
          headers: { location: `${sim().url}/login?token=s3cr3t-login-token` },
        });
        const from = sim().requests.length;
        const error = await expectKind(server().app.searchConversations({}), 'invalid-response');
        expect(error.status).toBe(status);
        expect(error.message).toContain(`redirects to ${sim().url}/login (HTTP ${status})`);
        expect(error.message).not.toContain('s3cr3t-login-token');
        // One request: the Location (on the same server here, so it would be logged) was never asked for.
        expect(since(sim(), from).map((e) => e.path)).toEqual([LIST]);
      }
    });

    it('a redirected message send fails with the redirect, it is not "may not have arrived"', async () => {
      const s = server();
      const ref = await s.createConversation({ initialMessage: 'hi' });
      sim().faults.override({
        path: /\/api\/v1\/app-conversations\/[^/]+\/send-message$|\/events$/,
        method: 'POST',
        kind: 'status',
        status: 302,
        headers: { location: 'https://sso.example.com/auth' },
      });
      const error = await expectKind(s.sendMessage(ref, 'hello'), 'invalid-response');
      expect(error.message).toContain('redirects to https://sso.example.com/auth');
    });

    it('a 50 MB response is refused without buffering it (RSS grows < 30 MB)', async () => {
      sim().faults.override({ path: LIST, kind: 'huge', bytes: 50 * 1024 * 1024 });
      const s = server();
      const { result: error, growth } = await peakRssGrowth(() =>
        expectKind(s.app.searchConversations({}), 'invalid-response'),
      );
      expect(error.message).toContain('larger than 16 MB');
      expect(growth, `RSS grew by ${Math.round(growth / MB)} MB`).toBeLessThan(30 * MB);
    });
  });

  it('conflict: a 409 keeps the server’s reason', async () => {
    sim().faults.override({
      path: /^\/api\/v1\/sandboxes\/[^/]+\/pause$/,
      kind: 'status',
      status: 409,
      body: { detail: 'Sandbox is busy' },
    });
    const error = await expectKind(server().app.pauseSandbox('sandbox1'), 'conflict');
    expect(error.message).toContain('Sandbox is busy');
  });

  describe('bad-request', () => {
    it('a real 422 from the server’s validation (limit above 100) names the field', async () => {
      const error = await expectKind(server().app.searchConversations({ limit: 500 }), 'bad-request');
      expect(error.status).toBe(422);
      expect(error.message).toContain('limit: Input should be less than or equal to 100');
    });

    it('an injected 422 on a write', async () => {
      sim().faults.override({
        path: BATCH,
        method: 'POST',
        kind: 'status',
        status: 422,
        body: { detail: [{ loc: ['body', 'selected_branch'], msg: 'Input should be a valid string' }] },
      });
      const error = await expectKind(server().app.startConversation({}), 'bad-request');
      expect(error.message).toContain('selected_branch: Input should be a valid string');
    });
  });

  it('sandbox-not-running: the conversation’s sandbox is paused', async () => {
    const record = await sim().seedConversation({ title: 'Paused one', sandboxStatus: 'PAUSED' });
    const from = sim().requests.length;
    await expectKind(
      server().sendMessage({ serverId: 'srv', id: record.id, version: 'V1' }, 'hi'),
      'sandbox-not-running',
    );
    expect(since(sim(), from).filter((e) => e.server === 'agent')).toHaveLength(0);
  });

  describe('aborted', () => {
    it('aborting a request in flight', async () => {
      sim().faults.override({ path: LIST, kind: 'hang' });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      const started = Date.now();
      await expectKind(server().app.searchConversations({}, controller.signal), 'aborted');
      expect(Date.now() - started).toBeLessThan(10_000); // not the hang
    });

    it('an already aborted signal sends nothing', async () => {
      const controller = new AbortController();
      controller.abort();
      const from = sim().requests.length;
      await expectKind(server().app.searchConversations({}, controller.signal), 'aborted');
      expect(since(sim(), from)).toEqual([]);
    });

    it('aborting during the backoff between retries', async () => {
      sim().faults.set('app', { errorRate: 1 });
      const controller = new AbortController();
      const slow = makeServer(sim().url, { retry: { ...FAST_RETRY, baseDelayMs: 2000, maxDelayMs: 2000 } });
      const from = sim().requests.length;
      setTimeout(() => controller.abort(), 100);
      await expectKind(slow.app.searchConversations({}, controller.signal), 'aborted');
      expect(since(sim(), from)).toHaveLength(1);
    });
  });

  describe('enums from a newer server', () => {
    const logger = new MemoryLogger();
    beforeAll(() => setSchemaLogger(logger));
    afterAll(() => setSchemaLogger(consoleLogger));

    it('an unknown sandbox_status / execution_status parses as "unknown" and is logged once', async () => {
      const id = randomHex();
      const row = {
        id,
        sandbox_id: 'sandboxFromTheFuture',
        title: 'From a newer server',
        created_at: '2025-11-28T16:16:34.123000Z',
        updated_at: '2025-11-28T16:16:35.123000Z',
        sandbox_status: 'HIBERNATING',
        execution_status: 'thinking',
        conversation_url: null,
        session_api_key: null,
        some_new_field: { nested: true },
      };
      sim().faults.override({ path: BATCH, method: 'GET', kind: 'status', status: 200, body: [row, null] });
      const rows = await server().getConversations([id, randomHex()]);
      expect(rows[0]).toMatchObject({ id, sandboxStatus: 'unknown', executionStatus: 'unknown' });
      expect(rows[1]).toBeNull();
      await server().getConversations([id, randomHex()]);
      expect(logger.lines.filter((l) => l.includes('HIBERNATING'))).toHaveLength(1);
      expect(logger.lines.filter((l) => l.includes('thinking'))).toHaveLength(1);
    });
  });
});

describe('unauthorized and key hygiene (Cloud simulator)', () => {
  const KEY = 'CloudKey0123456789abcdefghijklmn';
  const WRONG = 'WrongKey0123456789abcdefghijklmn';
  const sim = useSimulator({ stepMs: 5, apiKey: KEY });
  afterEach(() => sim().faults.reset());

  it('a wrong key: unauthorized (401), and the message names neither key', async () => {
    const error = await expectKind(makeServer(sim().url, { key: WRONG }).listConversations(), 'unauthorized');
    expect(error.status).toBe(401);
    expect(error.message).toContain(new URL(sim().url).host);
    for (const text of [error.message, JSON.stringify(error.toInfo())]) {
      expect(text).not.toContain(WRONG);
      expect(text).not.toContain(KEY);
    }
  });

  it('no key at all: unauthorized', async () => {
    await expectKind(makeServer(sim().url).app.searchConversations({}), 'unauthorized');
  });

  it('no error message of any kind contains the API key', async () => {
    const server = makeServer(sim().url, { key: KEY });
    const errors: ApiError[] = [];
    const collect = async (p: Promise<unknown>): Promise<void> => {
      try {
        await p;
      } catch (error) {
        expect(error).toBeInstanceOf(ApiError);
        errors.push(error as ApiError);
      }
    };
    for (const status of [400, 403, 404, 409, 422, 500, 503]) {
      sim().faults.override({ path: BATCH, kind: 'status', status, times: 1 });
      await collect(server.app.startConversation({}));
    }
    sim().faults.override({ path: BATCH, kind: 'raw', body: '{', times: 1 });
    await collect(server.app.startConversation({}));
    sim().faults.override({ path: BATCH, kind: 'reset', times: 1 });
    await collect(server.app.startConversation({}));
    sim().faults.burst429(1, 120);
    await collect(makeServer(sim().url, { key: KEY }).app.searchConversations({}));
    await collect(server.app.rename(randomHex(), 'missing'));
    await collect(
      makeServer(`http://127.0.0.1:${await closedPort()}`, { key: KEY }).app.searchConversations({}),
    );
    expect(new Set(errors.map((e) => e.kind)).size).toBeGreaterThanOrEqual(8);
    for (const error of errors) {
      expect(error.message).not.toContain(KEY);
      expect(JSON.stringify(error.toInfo())).not.toContain(KEY);
    }
  });

  // Regression guard, fixed bug (errors.ts errorForStatus/serverReason): the server's own text is copied into the message unfiltered,
  // so a server (or proxy) that echoes the credential puts the API key into an error meant for the renderer
  // (ApiErrorInfo promises "never a key"). The client knows the key it sent and could redact it.
  it('redacts the API key when the server echoes it back in an error body', async () => {
    sim().faults.override({
      path: LIST,
      kind: 'status',
      status: 401,
      body: { detail: `Unknown API key ${KEY}` },
    });
    const error = await expectApiError(
      makeServer(sim().url, { key: KEY }).app.searchConversations({}),
      'unauthorized',
    );
    expect(error.message).not.toContain(KEY);
  });
});

describe('coverage of the taxonomy', () => {
  // The local kinds (disk full, read-only, keychain) come from this computer: test/outbox/store-disk-faults
  // and test/accounts/keychain-locked produce them.
  it('every kind in api-errors.ts that a server can cause was produced over real HTTP above', () => {
    const fromServers = API_ERROR_KINDS.filter((kind) => !LOCAL_ERROR_KINDS.includes(kind));
    expect([...seen].sort()).toEqual([...fromServers].sort());
  });
});
