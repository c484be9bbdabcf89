import { describe, expect, it } from 'vitest';
import { startSimulator } from '../simulator';
import { call, createConversation, useSimulator, waitFor } from '../../support/sim';

type AppConversation = {
  id: string;
  sandbox_id: string;
  sandbox_status: string;
  conversation_url: string | null;
  session_api_key: string | null;
};

const API_KEY = 'Abcdefghijklmnopqrstuvwxyz012345';
const SESSION_KEY = 'self-hosted-session-secret';
const randomHex = (): string => crypto.randomUUID().replace(/-/g, '');
const ids = (name: string, values: string[]): string => values.map((v) => `${name}=${v}`).join('&');

interface Timed {
  status: number;
  headers: Headers;
  body: unknown;
  ms: number;
}

async function timedCalls(
  count: number,
  url: string,
  headers: Record<string, string> = {},
): Promise<Timed[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const started = performance.now();
      const res = await call(url, { headers });
      return { status: res.status, headers: res.headers, body: res.body, ms: performance.now() - started };
    }),
  );
}

// §2.2 Cloud credentials: Bearer, then X-Session-API-Key; unknown key = no credentials
describe('Cloud API-key auth (openhands-api.md §2.2, §5.4)', () => {
  const sim = useSimulator({ apiKey: API_KEY });
  const bearer = { Authorization: `Bearer ${API_KEY}` };

  it('serves /api/options/config without credentials, with APP_MODE "saas"', async () => {
    const res = await call<Record<string, unknown>>(`${sim().url}/api/options/config`);
    expect(res.status).toBe(200);
    expect(res.body.APP_MODE).toBe('saas');
    expect(res.body).toHaveProperty('FEATURE_FLAGS');
  });

  it('answers 401 {"error":"NoCredentialsError"} on /api and /mcp paths without a key', async () => {
    for (const path of [
      '/api/conversations',
      '/api/v1/app-conversations/search',
      '/api/v1/users/me',
      '/mcp/mcp',
    ]) {
      const res = await call(`${sim().url}${path}`);
      expect(res.status, path).toBe(401);
      expect(res.body, path).toEqual({ error: 'NoCredentialsError' });
    }
  });

  it('treats a wrong Bearer key as no credentials (same 401)', async () => {
    const res = await call(`${sim().url}/api/conversations`, {
      headers: { Authorization: 'Bearer not-the-key' },
    });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'NoCredentialsError' });
  });

  it('accepts the right Bearer key on V0 and V1 routes', async () => {
    const v0 = await call(`${sim().url}/api/conversations`, { headers: bearer });
    expect(v0.status).toBe(200);
    expect(v0.body).toHaveProperty('results');
    const v1 = await call(`${sim().url}/api/v1/app-conversations/search`, { headers: bearer });
    expect(v1.status).toBe(200);
    expect(v1.body).toHaveProperty('items');
  });

  it('accepts the API key in X-Session-API-Key when there is no Authorization header', async () => {
    const res = await call(`${sim().url}/api/v1/app-conversations/search`, {
      headers: { 'X-Session-API-Key': API_KEY },
    });
    expect(res.status).toBe(200);
    // With an Authorization header present, only the Bearer value is looked at.
    const both = await call(`${sim().url}/api/v1/app-conversations/search`, {
      headers: { Authorization: 'Bearer wrong', 'X-Session-API-Key': API_KEY },
    });
    expect(both.status).toBe(401);
  });

  it('leaves non-/api health routes open', async () => {
    expect((await call(`${sim().url}/alive`)).body).toEqual({ status: 'ok' });
    expect((await call(`${sim().url}/health`)).status).toBe(200);
  });
});

// §2.1 SESSION_API_KEY protects V0 only; §9.11 V1 is not protected
describe('self-hosted SESSION_API_KEY (openhands-api.md §2.1, §9.11)', () => {
  const sim = useSimulator({ sessionApiKey: SESSION_KEY });

  it('V0 routes need X-Session-API-Key: 401 {"detail":"Unauthorized"} when missing or wrong', async () => {
    const missing = await call(`${sim().url}/api/conversations`);
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ detail: 'Unauthorized' });
    const wrong = await call(`${sim().url}/api/conversations`, { headers: { 'X-Session-API-Key': 'nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ detail: 'Unauthorized' });
    const create = await call(`${sim().url}/api/conversations`, { method: 'POST', json: {} });
    expect(create.status).toBe(401);
  });

  it('V0 routes work with the right key', async () => {
    const headers = { 'X-Session-API-Key': SESSION_KEY };
    const created = await call<{ conversation_id: string }>(`${sim().url}/api/conversations`, {
      method: 'POST',
      json: {},
      headers,
    });
    expect(created.status).toBe(200);
    const list = await call<{ results: { conversation_id: string }[] }>(`${sim().url}/api/conversations`, {
      headers,
    });
    expect(list.status).toBe(200);
    expect(list.body.results.map((r) => r.conversation_id)).toContain(created.body.conversation_id);
  });

  it('V1 routes do NOT need it (quirk §9.11)', async () => {
    const search = await call(`${sim().url}/api/v1/app-conversations/search`);
    expect(search.status).toBe(200);
    const me = await call(`${sim().url}/api/v1/users/me`);
    expect(me.status).toBe(200);
    // A whole V1 start over HTTP without any key.
    const conv = await createConversation(sim());
    expect(conv.id).toMatch(/^[0-9a-f]{32}$/);
  });
});

// §1 ENABLE_V1=0: the V1 router is not mounted
describe('V1 router disabled (openhands-api.md §1)', () => {
  const sim = useSimulator({ v1Enabled: false });

  it('answers 404 on /api/v1 while the V0 list still works', async () => {
    const search = await call(`${sim().url}/api/v1/app-conversations/search`);
    expect(search.status).toBe(404);
    const create = await call(`${sim().url}/api/v1/app-conversations`, { method: 'POST', json: {} });
    expect(create.status).toBe(404);
    const v0 = await call(`${sim().url}/api/conversations`);
    expect(v0.status).toBe(200);
    expect(v0.body).toEqual({ results: [], next_page_id: null });
  });
});

// §2.3 / §4.1 agent-server auth, §4.9 health routes, §2.3 key null unless RUNNING
describe('agent-server auth (openhands-api.md §2.3, §4.1, §4.9)', () => {
  const sim = useSimulator();

  it('answers 401 {"detail":"Unauthorized"} without or with a wrong key, 200 with the right one', async () => {
    const conv = await createConversation(sim());
    const missing = await call(conv.conversationUrl);
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ detail: 'Unauthorized' });
    expect(missing.headers.get('www-authenticate')).toBeNull();
    const wrong = await call(conv.conversationUrl, {
      headers: { 'X-Session-API-Key': `${conv.sessionApiKey}x` },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ detail: 'Unauthorized' });
    // No query-string key on HTTP.
    const query = await call(
      `${conv.conversationUrl}?session_api_key=${encodeURIComponent(conv.sessionApiKey)}`,
    );
    expect(query.status).toBe(401);
    const right = await call<{ id: string }>(conv.conversationUrl, {
      headers: { 'X-Session-API-Key': conv.sessionApiKey },
    });
    expect(right.status).toBe(200);
    expect(right.body.id.replace(/-/g, '')).toBe(conv.id);
  });

  it('serves /server_info, /alive and /health without a key', async () => {
    const conv = await createConversation(sim());
    const info = await call<{ version: string }>(`${conv.agentUrl}/server_info`);
    expect(info.status).toBe(200);
    expect(typeof info.body.version).toBe('string');
    const alive = await call(`${conv.agentUrl}/alive`);
    expect(alive.status).toBe(200);
    expect(alive.body).toEqual({ status: 'ok' });
    expect((await call(`${conv.agentUrl}/health`)).status).toBe(200);
  });

  it('nulls session_api_key and conversation_url while the sandbox is paused; resume brings them back', async () => {
    const conv = await createConversation(sim());
    const batch = async (): Promise<AppConversation> =>
      (await call<AppConversation[]>(`${sim().url}/api/v1/app-conversations?ids=${conv.id}`)).body[0]!;

    const pause = await call(`${sim().url}/api/v1/sandboxes/${conv.sandboxId}/pause`, { method: 'POST' });
    expect(pause.status).toBe(200);
    expect(pause.body).toEqual({ success: true });
    const paused = await batch();
    expect(paused.sandbox_status).toBe('PAUSED');
    expect(paused.session_api_key).toBeNull();
    expect(paused.conversation_url).toBeNull();
    const sandbox = await call<{ session_api_key: string | null; status: string }[]>(
      `${sim().url}/api/v1/sandboxes?id=${conv.sandboxId}`,
    );
    expect(sandbox.body[0]!.status).toBe('PAUSED');
    expect(sandbox.body[0]!.session_api_key).toBeNull();

    const resume = await call(`${sim().url}/api/v1/sandboxes/${conv.sandboxId}/resume`, { method: 'POST' });
    expect(resume.status).toBe(200);
    const back = await waitFor(
      async () => {
        const c = await batch();
        return c.sandbox_status === 'RUNNING' ? c : undefined;
      },
      5000,
      'sandbox RUNNING',
    );
    expect(back.session_api_key).toBe(conv.sessionApiKey);
    expect(back.conversation_url).toBe(conv.conversationUrl);
    const agent = await call(back.conversation_url!, {
      headers: { 'X-Session-API-Key': back.session_api_key! },
    });
    expect(agent.status).toBe(200);
  });

  it('pause/resume of an unknown sandbox gives 404 {"detail":"Not Found"}', async () => {
    const res = await call(`${sim().url}/api/v1/sandboxes/no-such-sandbox/pause`, { method: 'POST' });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ detail: 'Not Found' });
  });
});

// §7 OSS rate limit (per IP: >10/s delayed 1 s, >20/s → 429), §2.4 its error shape
describe('self-hosted rate limit (openhands-api.md §7, §2.4)', () => {
  it('delays requests over 10/s by ~1 s and answers 429 {"message":"Too many requests"} over 20/s', async () => {
    const sim = await startSimulator({ stepMs: 10, rateLimit: true });
    try {
      const results = await timedCalls(30, `${sim.url}/api/conversations`);
      const limited = results.filter((r) => r.status === 429);
      const ok = results.filter((r) => r.status === 200);
      expect(limited.length + ok.length).toBe(30);
      expect(limited.length).toBeGreaterThan(0);
      expect(ok.length).toBeGreaterThanOrEqual(10);
      for (const r of limited) {
        expect(r.body).toEqual({ message: 'Too many requests' });
        expect(r.headers.get('retry-after')).toBe('1');
      }
      expect(Math.max(...ok.map((r) => r.ms))).toBeGreaterThanOrEqual(900);
      expect(Math.min(...ok.map((r) => r.ms))).toBeLessThan(900);

      // After Retry-After, the client gets through again.
      await new Promise((r) => setTimeout(r, 1100));
      const after = await call(`${sim.url}/api/conversations`);
      expect(after.status).toBe(200);
    } finally {
      await sim.close();
    }
  });
});

// §2.2 Cloud rate limit: fixed window 10/s per user, X-RateLimit-* and Retry-After
describe('Cloud rate limit (openhands-api.md §2.2, §7)', () => {
  it('answers 429 "Rate limit exceeded: 10 per 1 second" with X-RateLimit-* and Retry-After', async () => {
    const sim = await startSimulator({ stepMs: 10, rateLimit: true, apiKey: API_KEY });
    try {
      // Unauthenticated requests fail auth before the per-user limiter counts anything.
      const anonymous = await timedCalls(15, `${sim.url}/api/conversations`);
      expect(anonymous.every((r) => r.status === 401)).toBe(true);

      // 21 requests can straddle at most two 1-second windows, so one window gets 11 or more.
      const results = await timedCalls(21, `${sim.url}/api/conversations`, {
        Authorization: `Bearer ${API_KEY}`,
      });
      const limited = results.filter((r) => r.status === 429);
      const ok = results.filter((r) => r.status === 200);
      expect(limited.length).toBeGreaterThan(0);
      expect(ok.length).toBeLessThanOrEqual(20);
      expect(limited.length + ok.length).toBe(21);
      for (const r of limited) {
        expect(r.body).toEqual({ error: 'Rate limit exceeded: 10 per 1 second' });
        expect(r.headers.get('x-ratelimit-limit')).toBe('10');
        expect(r.headers.get('x-ratelimit-remaining')).toBe('0');
        expect(Number(r.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
        expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      }
    } finally {
      await sim.close();
    }
  });
});

// §3.1 / §3.5 / §8 / §9.4 batch gets: at most 99 ids, UUID typing, nulls in order; §4.3 agent batch
describe('batch-get limits (openhands-api.md §3.1, §3.5, §4.3, §8, §9.4)', () => {
  const sim = useSimulator();
  const endpoints = [
    { path: '/api/v1/app-conversations', param: 'ids' },
    { path: '/api/v1/app-conversations/start-tasks', param: 'ids' },
    { path: '/api/v1/sandboxes', param: 'id' },
  ];

  it('accepts 99 ids (all null when unknown)', async () => {
    const many = Array.from({ length: 99 }, randomHex);
    for (const e of endpoints) {
      const res = await call<unknown[]>(`${sim().url}${e.path}?${ids(e.param, many)}`);
      expect(res.status, e.path).toBe(200);
      expect(res.body).toEqual(many.map(() => null));
    }
  });

  it('fails 100 ids with a plain-text 500', async () => {
    const many = Array.from({ length: 100 }, randomHex);
    for (const e of endpoints) {
      const res = await call(`${sim().url}${e.path}?${ids(e.param, many)}`);
      expect(res.status, e.path).toBe(500);
      expect(res.text).toBe('Internal Server Error');
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    }
  });

  it('answers 422 for a malformed UUID (app-conversations, start-tasks) and for missing ids', async () => {
    for (const path of ['/api/v1/app-conversations', '/api/v1/app-conversations/start-tasks']) {
      const bad = await call<{ detail: unknown[] }>(`${sim().url}${path}?ids=${randomHex()}&ids=not-a-uuid`);
      expect(bad.status, path).toBe(422);
      expect(Array.isArray(bad.body.detail)).toBe(true);
      const missing = await call(`${sim().url}${path}`);
      expect(missing.status, path).toBe(422);
    }
    // Sandbox ids are plain strings: no UUID check.
    const sandbox = await call(`${sim().url}/api/v1/sandboxes?id=not-a-uuid`);
    expect(sandbox.status).toBe(200);
    expect(sandbox.body).toEqual([null]);
  });

  it('returns known and unknown ids as objects and nulls in request order; dashed ids work too', async () => {
    const conv = await createConversation(sim());
    const [u1, u2] = [randomHex(), randomHex()];
    const convs = await call<({ id: string } | null)[]>(
      `${sim().url}/api/v1/app-conversations?${ids('ids', [u1, conv.id, u2])}`,
    );
    expect(convs.status).toBe(200);
    expect(convs.body.map((c) => c?.id ?? null)).toEqual([null, conv.id, null]);

    const tasks = await call<({ id: string } | null)[]>(
      `${sim().url}/api/v1/app-conversations/start-tasks?${ids('ids', [conv.taskId, u1])}`,
    );
    expect(tasks.body.map((t) => t?.id ?? null)).toEqual([conv.taskId, null]);

    const sandboxes = await call<({ id: string } | null)[]>(
      `${sim().url}/api/v1/sandboxes?${ids('id', ['nope', conv.sandboxId])}`,
    );
    expect(sandboxes.body.map((s) => s?.id ?? null)).toEqual([null, conv.sandboxId]);

    const h = conv.id;
    const dashed = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    const byDashed = await call<({ id: string } | null)[]>(
      `${sim().url}/api/v1/app-conversations?ids=${dashed}`,
    );
    expect(byDashed.body[0]?.id).toBe(conv.id);
  });

  it('agent server batch GET: 99 ids fine, 100 ids → 500', async () => {
    const conv = await createConversation(sim());
    const headers = { 'X-Session-API-Key': conv.sessionApiKey };
    const ok = await call<unknown[]>(
      `${conv.agentUrl}/api/conversations?${ids('ids', Array.from({ length: 99 }, randomHex))}`,
      { headers },
    );
    expect(ok.status).toBe(200);
    expect(ok.body).toHaveLength(99);
    const tooMany = await call<Record<string, unknown>>(
      `${conv.agentUrl}/api/conversations?${ids('ids', Array.from({ length: 100 }, randomHex))}`,
      { headers },
    );
    expect(tooMany.status).toBe(500);
    expect(tooMany.body.detail).toBe('Internal Server Error');
    expect(tooMany.body).toHaveProperty('exception');
  });
});
