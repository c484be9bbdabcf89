import { afterEach, describe, expect, it } from 'vitest';
import { call, createConversation, useSimulator, waitFor } from '../../support/sim';

// The fault controls are simulator-only: openhands-api.md describes none of them. The describe blocks cite
// the sections whose response shapes the injected faults imitate. The requests go to today's V1 search
// (`/api/conversations` is gone from the default, current profile).

/** The `cause.code` of a rejected fetch (e.g. ECONNREFUSED), or 'resolved' if it did not reject. */
async function fetchFailure(url: string, init: RequestInit = {}): Promise<string> {
  try {
    const res = await fetch(url, init);
    await res.arrayBuffer();
    return 'resolved';
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    const cause = (error as { cause?: { code?: string } }).cause;
    return cause?.code ?? 'unknown';
  }
}

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// §2.4 (plain-text 500 of the app server), §4.1 (agent-server 500 body)
describe('fault settings: errorRate, latencyMs, dropRate (openhands-api.md §2.4, §4.1)', () => {
  const sim = useSimulator();
  afterEach(() => sim().faults.reset());

  it('errorRate 1 answers every app request with the plain 500 and logs fault "error"', async () => {
    sim().faults.set('app', { errorRate: 1 });
    sim().clearRequests();
    for (let i = 0; i < 3; i++) {
      const res = await call(`${sim().url}/api/v1/app-conversations/search`);
      expect(res.status).toBe(500);
      expect(res.text).toBe('Internal Server Error');
    }
    expect(sim().requests).toHaveLength(3);
    for (const entry of sim().requests) {
      expect(entry.fault).toBe('error');
      expect(entry.status).toBe(500);
    }
  });

  it('errorRate 1 on agent servers gives the agent 500 body and leaves the app server alone', async () => {
    const conv = await createConversation(sim());
    sim().faults.set('agent', { errorRate: 1 });
    const agent = await call<Record<string, unknown>>(conv.conversationUrl, {
      headers: { 'X-Session-API-Key': conv.sessionApiKey },
    });
    expect(agent.status).toBe(500);
    expect(agent.body.detail).toBe('Internal Server Error');
    expect(agent.body).toHaveProperty('exception');
    expect(agent.body.error_id).toMatch(/^[0-9a-f]{32}$/);
    const app = await call(`${sim().url}/api/v1/app-conversations?ids=${conv.id}`);
    expect(app.status).toBe(200);
  });

  it('latencyMs delays each response by at least that long', async () => {
    const latency = 200;
    sim().faults.set('app', { latencyMs: latency });
    expect(sim().faults.get('app').latencyMs).toBe(latency);
    const started = performance.now();
    const res = await call(`${sim().url}/api/v1/app-conversations/search`);
    const elapsed = performance.now() - started;
    expect(res.status).toBe(200);
    // 1 ms of slack for timer rounding between Node's timer clock and performance.now().
    expect(elapsed).toBeGreaterThanOrEqual(latency - 1);
  });

  it('dropRate 1 makes fetch reject (connection destroyed, no response) and logs fault "drop"', async () => {
    sim().faults.set('app', { dropRate: 1 });
    sim().clearRequests();
    expect(await fetchFailure(`${sim().url}/api/v1/app-conversations/search`)).not.toBe('resolved');
    const entry = sim().requests.at(-1)!;
    expect(entry.fault).toBe('drop');
    expect(entry.status).toBeUndefined();
    sim().faults.reset();
    expect((await call(`${sim().url}/api/v1/app-conversations/search`)).status).toBe(200);
  });
});

describe('response overrides (simulator fault injection; shapes of openhands-api.md §3.1, §5.1)', () => {
  const sim = useSimulator();
  afterEach(() => sim().faults.reset());

  it('`raw` serves malformed JSON under application/json', async () => {
    sim().faults.override({
      path: '/api/v1/app-conversations/search',
      method: 'GET',
      kind: 'raw',
      body: '{"items": [',
      times: 1,
    });
    const res = await fetch(`${sim().url}/api/v1/app-conversations/search`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const text = await res.text();
    expect(text).toBe('{"items": [');
    expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
    // times: 1 → the next request is normal again.
    const next = await call(`${sim().url}/api/v1/app-conversations/search`);
    expect(next.body).toHaveProperty('items');
  });

  it('`huge` streams a valid JSON page of the requested size', async () => {
    const bytes = 5 * 1024 * 1024;
    sim().faults.override({ path: '/api/v1/app-conversations/search', kind: 'huge', bytes, times: 1 });
    const res = await fetch(`${sim().url}/api/v1/app-conversations/search`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(bytes));
    const text = await res.text();
    expect(text.length).toBe(bytes);
    const parsed = JSON.parse(text) as { items: unknown[]; next_page_id: unknown };
    expect(parsed.items).toEqual([]);
    expect(parsed.next_page_id).toBeNull();
  });

  it('`resetMidBody` sends headers, then the body read rejects', async () => {
    sim().faults.override({ path: '/api/v1/app-conversations/search', kind: 'resetMidBody', times: 1 });
    const res = await fetch(`${sim().url}/api/v1/app-conversations/search`);
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it('`reset` destroys the connection before any response; `hang` never answers', async () => {
    sim().faults.override({ path: '/api/v1/app-conversations/search', kind: 'reset', times: 1 });
    expect(await fetchFailure(`${sim().url}/api/v1/app-conversations/search`)).not.toBe('resolved');
    sim().faults.override({ path: '/api/v1/app-conversations/search', kind: 'hang', times: 1 });
    await expect(
      fetch(`${sim().url}/api/v1/app-conversations/search`, { signal: AbortSignal.timeout(200) }),
    ).rejects.toThrow();
  });

  it('`status` with times: 2 affects exactly two matching requests', async () => {
    sim().faults.override({
      path: /^\/api\/v1\/app-conversations\/search$/,
      kind: 'status',
      status: 503,
      body: { detail: 'maintenance' },
      headers: { 'x-sim': 'yes' },
      times: 2,
    });
    sim().clearRequests();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await call(`${sim().url}/api/v1/app-conversations/search`);
      statuses.push(res.status);
      if (res.status === 503) {
        expect(res.body).toEqual({ detail: 'maintenance' });
        expect(res.headers.get('x-sim')).toBe('yes');
      }
    }
    expect(statuses).toEqual([503, 503, 200, 200]);
    expect(sim().requests.map((r) => r.fault)).toEqual(['status', 'status', undefined, undefined]);
  });

  it('overrides match on server and method', async () => {
    sim().faults.override({
      server: 'agent',
      path: '/api/v1/app-conversations/search',
      kind: 'status',
      status: 418,
    });
    sim().faults.override({ method: 'POST', path: '/api/v1/app-conversations', kind: 'status', status: 409 });
    const get = await call(`${sim().url}/api/v1/app-conversations/search`);
    expect(get.status).toBe(200);
    const post = await call(`${sim().url}/api/v1/app-conversations`, { method: 'POST', json: {} });
    expect(post.status).toBe(409);
  });

  it('burst429(3): the next three requests get 429 with Retry-After, then normal answers', async () => {
    sim().faults.burst429(3, 2);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await call(`${sim().url}/api/v1/app-conversations/search`);
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.headers.get('retry-after')).toBe('2');
        expect(res.body).toEqual({ message: 'Too many requests' });
      }
    }
    expect(statuses).toEqual([429, 429, 429, 200, 200]);
  });

  it('faults.reset() clears settings, overrides and a pending burst', async () => {
    sim().faults.set('all', { errorRate: 1, latencyMs: 50 });
    sim().faults.override({ path: '/api/v1/app-conversations/search', kind: 'status', status: 418 });
    sim().faults.burst429(5);
    sim().faults.reset();
    expect(sim().faults.get('app')).toEqual({ errorRate: 0, latencyMs: 0, dropRate: 0 });
    expect(sim().faults.get('agent')).toEqual({ errorRate: 0, latencyMs: 0, dropRate: 0 });
    for (let i = 0; i < 3; i++)
      expect((await call(`${sim().url}/api/v1/app-conversations/search`)).status).toBe(200);
  });
});

describe('offline and back (simulator control; §1 topology: app server and per-sandbox agent servers)', () => {
  const sim = useSimulator();

  it('goOffline refuses connections to the app and agent servers; comeBack answers on the same ports', async () => {
    const conv = await createConversation(sim());
    const appPort = sim().port;
    const agentOrigin = conv.agentUrl;
    const headers = { 'X-Session-API-Key': conv.sessionApiKey };

    await sim().goOffline();
    expect(sim().isOnline).toBe(false);
    await pause(20);
    expect(await fetchFailure(`${sim().url}/api/v1/app-conversations/search`)).toBe('ECONNREFUSED');
    expect(await fetchFailure(conv.conversationUrl, { headers })).toBe('ECONNREFUSED');

    await sim().comeBack();
    expect(sim().isOnline).toBe(true);
    expect(sim().port).toBe(appPort);
    const app = await call<({ id: string; conversation_url: string } | null)[]>(
      `${sim().url}/api/v1/app-conversations?ids=${conv.id}`,
    );
    expect(app.status).toBe(200);
    expect(app.body[0]?.id).toBe(conv.id);
    expect(new URL(app.body[0]!.conversation_url).origin).toBe(agentOrigin);
    const agent = await waitFor(
      async () => {
        const res = await call(conv.conversationUrl, { headers }).catch(() => undefined);
        return res?.status === 200 ? res : undefined;
      },
      3000,
      'agent server back',
    );
    expect(agent.status).toBe(200);
  });
});

describe('request log (simulator control)', () => {
  const sim = useSimulator();

  it('records server, method, decoded path, raw url with query and status', async () => {
    sim().clearRequests();
    expect(sim().requests).toHaveLength(0);
    const raw = '/api/v1/app-conversations/search?limit=5&title__contains=a%20b';
    await call(`${sim().url}${raw}`);
    await call(`${sim().url}/api/v1/app-conversations`, { method: 'POST', json: { agent_type: 'wizard' } });
    expect(sim().requests).toHaveLength(2);
    const [search, post] = sim().requests;
    expect(search).toMatchObject({
      server: 'app',
      method: 'GET',
      path: '/api/v1/app-conversations/search',
      url: raw,
      status: 200,
    });
    expect(post).toMatchObject({
      server: 'app',
      method: 'POST',
      path: '/api/v1/app-conversations',
      status: 422,
    });
    expect(search!.fault).toBeUndefined();
    expect(typeof search!.at).toBe('number');
  });

  it('records agent-server requests with their sandboxId', async () => {
    const conv = await createConversation(sim());
    sim().clearRequests();
    await call(`${conv.agentUrl}/alive`);
    expect(sim().requests).toHaveLength(1);
    expect(sim().requests[0]).toMatchObject({
      server: 'agent',
      sandboxId: conv.sandboxId,
      path: '/alive',
      status: 200,
    });
  });

  it('clearRequests empties the log', async () => {
    await call(`${sim().url}/alive`);
    expect(sim().requests.length).toBeGreaterThan(0);
    sim().clearRequests();
    expect(sim().requests).toEqual([]);
  });
});

describe('/_sim/ control routes over HTTP (simulator control)', () => {
  const sim = useSimulator();
  afterEach(() => sim().faults.reset());

  it('POST /_sim/faults sets faults and DELETE /_sim/faults resets them', async () => {
    const set = await call(`${sim().url}/_sim/faults`, {
      method: 'POST',
      json: { target: 'app', errorRate: 1 },
    });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ success: true });
    expect(sim().faults.get('app').errorRate).toBe(1);
    expect(sim().faults.get('agent').errorRate).toBe(0);
    expect((await call(`${sim().url}/api/v1/app-conversations/search`)).status).toBe(500);

    // Control routes are never faulted.
    const reset = await call(`${sim().url}/_sim/faults`, { method: 'DELETE' });
    expect(reset.status).toBe(200);
    expect(sim().faults.get('app').errorRate).toBe(0);
    expect((await call(`${sim().url}/api/v1/app-conversations/search`)).status).toBe(200);

    const burst = await call(`${sim().url}/_sim/faults`, {
      method: 'POST',
      json: { burst429: 2, retryAfter: 7 },
    });
    expect(burst.status).toBe(200);
    const a = await call(`${sim().url}/api/v1/app-conversations/search`);
    const b = await call(`${sim().url}/api/v1/app-conversations/search`);
    const c = await call(`${sim().url}/api/v1/app-conversations/search`);
    expect([a.status, b.status, c.status]).toEqual([429, 429, 200]);
    expect(a.headers.get('retry-after')).toBe('7');

    const bad = await call(`${sim().url}/_sim/faults`, { method: 'POST', json: [1] });
    expect(bad.status).toBe(422);
  });

  it('GET /_sim/requests returns the log, and /_sim/ calls are not themselves logged', async () => {
    sim().clearRequests();
    await call(`${sim().url}/api/v1/app-conversations/search?limit=3`);
    await call(`${sim().url}/_sim/faults`, { method: 'DELETE' });
    const res = await call<{ method: string; path: string; url: string; status?: number }[]>(
      `${sim().url}/_sim/requests`,
    );
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1);
    expect(res.body[0]).toMatchObject({
      method: 'GET',
      path: '/api/v1/app-conversations/search',
      url: '/api/v1/app-conversations/search?limit=3',
      status: 200,
    });
    expect(sim().requests.some((r) => r.path.startsWith('/_sim/'))).toBe(false);

    const cleared = await call(`${sim().url}/_sim/requests`, { method: 'DELETE' });
    expect(cleared.status).toBe(200);
    expect(sim().requests).toHaveLength(0);
  });

  it('POST /_sim/conversations/{id}/status sets a V1 execution status (404 unknown, 422 without status)', async () => {
    const conv = await createConversation(sim());
    sim().clearRequests();
    const res = await call(`${sim().url}/_sim/conversations/${conv.id}/status`, {
      method: 'POST',
      json: { execution_status: 'paused' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true });
    expect(sim().requests).toHaveLength(0);
    const app = await call<{ execution_status: string | null }[]>(
      `${sim().url}/api/v1/app-conversations?ids=${conv.id}`,
    );
    expect(app.body[0]!.execution_status).toBe('paused');

    const unknown = await call(
      `${sim().url}/_sim/conversations/${crypto.randomUUID().replace(/-/g, '')}/status`,
      {
        method: 'POST',
        json: { execution_status: 'paused' },
      },
    );
    expect(unknown.status).toBe(404);
    const missing = await call(`${sim().url}/_sim/conversations/${conv.id}/status`, {
      method: 'POST',
      json: {},
    });
    expect(missing.status).toBe(422);
  });
});
