import { describe, expect, it } from 'vitest';
import { CLOUD_USER_ID, type Simulator, startSimulator } from '../simulator';
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
const ORG_A = '11111111-1111-4111-8111-111111111111';
const ORG_B = '22222222-2222-4222-8222-222222222222';
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

type Row = { id: string; title: string | null } & Record<string, unknown>;
type Page<T> = { items: T[]; next_page_id: string | null };

/** Starts a V1 conversation over HTTP with the given auth headers and follows its start task to READY. */
async function startWith(s: Simulator, headers: Record<string, string>): Promise<string> {
  const created = await call<{ id: string; status: string }>(`${s.url}/api/v1/app-conversations`, {
    method: 'POST',
    headers,
    json: {},
  });
  expect(created.status).toBe(200);
  expect(created.body.status).toBe('WORKING');
  const task = await waitFor(
    async () => {
      const res = await call<{ status: string; app_conversation_id: string | null }[]>(
        `${s.url}/api/v1/app-conversations/start-tasks?ids=${created.body.id}`,
        { headers },
      );
      return res.body[0]?.status === 'READY' ? res.body[0] : undefined;
    },
    5000,
    'start task READY',
  );
  return task.app_conversation_id!;
}

// Cloud credentials today: Bearer, then X-Session-API-Key, then X-Access-Token; the first one present decides
describe('Cloud API-key auth, current profile', () => {
  const sim = useSimulator({ apiKey: API_KEY });
  const bearer = { Authorization: `Bearer ${API_KEY}` };

  it('serves /api/v1/web-client/config without credentials, with app_mode "saas"', async () => {
    const res = await call<{ app_mode: string; feature_flags: Record<string, unknown> }>(
      `${sim().url}/api/v1/web-client/config`,
    );
    expect(res.status).toBe(200);
    expect(res.body.app_mode).toBe('saas');
    expect(res.body.feature_flags.deployment_mode).toBe('cloud');
  });

  it('lets /api/options/config through without credentials (a stale ignore-list entry) to a 404', async () => {
    const res = await call(`${sim().url}/api/options/config`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ detail: 'Not Found' });
  });

  it('answers 401 {"error":"NoCredentialsError"} on /api and /mcp paths without a key, unknown ones too', async () => {
    for (const path of [
      '/api/conversations',
      '/api/v1/app-conversations/search',
      '/api/v1/users/me',
      '/api/keys/current',
      '/api/organizations',
      '/mcp/mcp',
    ]) {
      const res = await call(`${sim().url}${path}`);
      expect(res.status, path).toBe(401);
      expect(res.body, path).toEqual({ error: 'NoCredentialsError' });
    }
    // With the key, a route that no longer exists is a plain 404.
    const gone = await call(`${sim().url}/api/conversations`, { headers: bearer });
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ detail: 'Not Found' });
  });

  it('treats a wrong key as no credentials, and only looks at the first credential header present', async () => {
    const wrong = await call(`${sim().url}/api/v1/app-conversations/search`, {
      headers: { Authorization: 'Bearer not-the-key' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: 'NoCredentialsError' });
    const shadowed = await call(`${sim().url}/api/v1/app-conversations/search`, {
      headers: { Authorization: 'Bearer wrong', 'X-Session-API-Key': API_KEY, 'X-Access-Token': API_KEY },
    });
    expect(shadowed.status).toBe(401);
  });

  it('accepts the key as Bearer, X-Session-API-Key or X-Access-Token', async () => {
    const variants: Record<string, string>[] = [
      bearer,
      { 'X-Session-API-Key': API_KEY },
      { 'X-Access-Token': API_KEY },
    ];
    for (const headers of variants) {
      const res = await call<Page<Row>>(`${sim().url}/api/v1/app-conversations/search`, { headers });
      expect(res.status, JSON.stringify(headers)).toBe(200);
      expect(res.body.next_page_id).toBeNull();
    }
  });

  it('leaves the status routes open', async () => {
    expect((await call(`${sim().url}/alive`)).body).toEqual({ status: 'ok' });
    expect((await call(`${sim().url}/health`)).body).toBe('OK');
    expect((await call(`${sim().url}/ready`)).body).toBe('OK');
    expect((await call(`${sim().url}/server_info`)).status).toBe(200);
  });

  it('GET /api/keys/current describes the key: unbound, the effective org, bearer', async () => {
    const res = await call(`${sim().url}/api/keys/current`, { headers: bearer });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: 1,
      name: 'Simulator API key',
      org_id: CLOUD_USER_ID,
      bound_org_id: null,
      user_id: CLOUD_USER_ID,
      auth_type: 'bearer',
    });
  });

  it('GET /api/organizations has one personal org by default, the current one', async () => {
    expect(sim().userId).toBe(CLOUD_USER_ID);
    const res = await call(`${sim().url}/api/organizations`, { headers: bearer });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [
        {
          id: CLOUD_USER_ID,
          name: 'Personal Workspace',
          contact_name: null,
          contact_email: null,
          is_personal: true,
          credits: null,
          v1_enabled: true,
        },
      ],
      next_page_id: null,
      current_org_id: CLOUD_USER_ID,
    });
  });

  it('GET /api/v1/users/me adds org, role and permissions and masks the LLM key unless exposed', async () => {
    const me = await call<Record<string, unknown>>(`${sim().url}/api/v1/users/me`, { headers: bearer });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      id: CLOUD_USER_ID,
      org_id: CLOUD_USER_ID,
      org_name: 'Personal Workspace',
      role: 'owner',
      permissions: [],
      llm_api_key: '**********',
      llm_model: 'litellm_proxy/claude-sonnet-4-5',
    });
    const denied = await call(`${sim().url}/api/v1/users/me?expose_secrets=true`, { headers: bearer });
    expect(denied.status).toBe(401);
    expect(denied.body).toEqual({ detail: 'X-Session-API-Key header is required' });
    // Exposed only with the session key of a running sandbox the user owns.
    const rec = await sim().seedConversation({});
    const sandboxKey = sim().world.sandboxes.get(rec.sandboxId)!.agent.sessionApiKey!;
    const exposed = await call<Record<string, unknown>>(`${sim().url}/api/v1/users/me?expose_secrets=true`, {
      headers: { ...bearer, 'X-Session-API-Key': sandboxKey },
    });
    expect(exposed.status).toBe(200);
    expect(exposed.body.llm_api_key).toBe('sk-simulated-llm-key');
  });

  it('gives conversations and start tasks the Cloud user id', async () => {
    const id = await startWith(sim(), bearer);
    const rows = await call<Row[]>(`${sim().url}/api/v1/app-conversations?ids=${id}`, { headers: bearer });
    expect(rows.body[0]).toMatchObject({ id, created_by_user_id: CLOUD_USER_ID, acp_server: null });
  });
});

// Cloud organisations: X-Org-Id per request, else the current org; lists are scoped to the effective org
describe('Cloud organisations and X-Org-Id (current profile)', () => {
  const sim = useSimulator({
    apiKey: API_KEY,
    orgs: [
      { id: ORG_A, name: 'Acme' },
      { id: ORG_B, name: 'Beta' },
    ],
  });
  const bearer = { Authorization: `Bearer ${API_KEY}` };
  const inOrg = (org: string): Record<string, string> => ({ ...bearer, 'X-Org-Id': org });
  const searchIds = async (headers: Record<string, string>): Promise<string[]> =>
    (await call<Page<Row>>(`${sim().url}/api/v1/app-conversations/search`, { headers })).body.items.map(
      (r) => r.id,
    );

  it('lists the orgs with offset paging and the current one', async () => {
    const first = await call(`${sim().url}/api/organizations?limit=1`, { headers: bearer });
    expect(first.body).toMatchObject({
      items: [{ id: ORG_A, name: 'Acme', is_personal: false }],
      next_page_id: '1',
      current_org_id: ORG_A,
    });
    const second = await call(`${sim().url}/api/organizations?limit=1&page_id=1`, { headers: bearer });
    expect(second.body).toMatchObject({ items: [{ id: ORG_B, name: 'Beta' }], next_page_id: null });
    expect((await call(`${sim().url}/api/organizations?limit=101`, { headers: bearer })).status).toBe(422);
  });

  it('scopes search, count and batch get to the effective org; a start goes to that org', async () => {
    const a = await sim().seedConversation({ title: 'In Acme' });
    const b = await sim().seedConversation({ title: 'In Beta', orgId: ORG_B });
    expect(a.orgId).toBe(ORG_A);
    expect(await searchIds(bearer)).toEqual([a.id]);
    expect(await searchIds(inOrg(ORG_B))).toEqual([b.id]);
    expect(await searchIds(inOrg(ORG_A.replace(/-/g, '')))).toEqual([a.id]);
    expect((await call(`${sim().url}/api/v1/app-conversations/count`, { headers: inOrg(ORG_B) })).body).toBe(
      1,
    );
    const batch = (headers: Record<string, string>): Promise<unknown> =>
      call<(Row | null)[]>(`${sim().url}/api/v1/app-conversations?ids=${a.id}&ids=${b.id}`, { headers }).then(
        (r) => r.body.map((x) => x?.title ?? null),
      );
    expect(await batch(bearer)).toEqual(['In Acme', null]);
    expect(await batch(inOrg(ORG_B))).toEqual([null, 'In Beta']);

    // Another org's conversation is unknown to PATCH, DELETE and send-message.
    const patch = await call(`${sim().url}/api/v1/app-conversations/${b.id}`, {
      method: 'PATCH',
      headers: bearer,
      json: { title: 'x' },
    });
    expect(patch.status).toBe(404);
    expect(patch.body).toEqual({ detail: 'unknown_app_conversation' });
    const del = await call(`${sim().url}/api/v1/app-conversations/${b.id}`, {
      method: 'DELETE',
      headers: bearer,
    });
    expect(del.status).toBe(404);

    const started = await startWith(sim(), inOrg(ORG_B));
    expect(await searchIds(inOrg(ORG_B))).toEqual([started, b.id]);
    expect(await searchIds(bearer)).toEqual([a.id]);

    const key = await call<{ org_id: string }>(`${sim().url}/api/keys/current`, { headers: inOrg(ORG_B) });
    expect(key.body.org_id).toBe(ORG_B);
    const me = await call<{ org_id: string; org_name: string }>(`${sim().url}/api/v1/users/me`, {
      headers: inOrg(ORG_B),
    });
    expect(me.body).toMatchObject({ org_id: ORG_B, org_name: 'Beta' });
  });

  it('answers 400 for a malformed X-Org-Id and 403 for an org the user is not in', async () => {
    for (const path of ['/api/v1/app-conversations/search', '/api/keys/current', '/api/v1/users/me']) {
      const bad = await call(`${sim().url}${path}`, { headers: inOrg('acme') });
      expect(bad.status, path).toBe(400);
      expect(bad.body, path).toEqual({ detail: 'Invalid X-Org-Id header (must be a UUID)' });
      const foreign = await call(`${sim().url}${path}`, { headers: inOrg(crypto.randomUUID()) });
      expect(foreign.status, path).toBe(403);
      expect(foreign.body, path).toEqual({ detail: 'User is not a member of the requested organization' });
    }
    const start = await call(`${sim().url}/api/v1/app-conversations`, {
      method: 'POST',
      headers: inOrg('acme'),
      json: {},
    });
    expect(start.status).toBe(400);
  });

  it('POST /api/organizations/{id}/switch changes the org used when no X-Org-Id is sent', async () => {
    const switched = await call(`${sim().url}/api/organizations/${ORG_B}/switch`, {
      method: 'POST',
      headers: bearer,
    });
    expect(switched.status).toBe(200);
    expect(switched.body).toMatchObject({ id: ORG_B, name: 'Beta', is_personal: false });
    try {
      const orgs = await call<{ current_org_id: string }>(`${sim().url}/api/organizations`, {
        headers: bearer,
      });
      expect(orgs.body.current_org_id).toBe(ORG_B);
      expect(
        (await call<{ org_id: string }>(`${sim().url}/api/keys/current`, { headers: bearer })).body.org_id,
      ).toBe(ORG_B);
      const titles = (
        await call<Page<Row>>(`${sim().url}/api/v1/app-conversations/search`, { headers: bearer })
      ).body.items.map((r) => r.title);
      expect(titles).toContain('In Beta');
      expect(titles).not.toContain('In Acme');

      const unknown = await call(`${sim().url}/api/organizations/${crypto.randomUUID()}/switch`, {
        method: 'POST',
        headers: bearer,
      });
      expect(unknown.status).toBe(404);
      const mismatch = await call<{ detail: string }>(`${sim().url}/api/organizations/${ORG_A}/switch`, {
        method: 'POST',
        headers: inOrg(ORG_B),
      });
      expect(mismatch.status).toBe(400);
      expect(mismatch.body.detail).toBe(
        `X-Org-Id header (${ORG_B}) does not match the org in the request path (${ORG_A})`,
      );
      expect(
        (await call(`${sim().url}/api/organizations/acme/switch`, { method: 'POST', headers: bearer }))
          .status,
      ).toBe(422);
    } finally {
      await call(`${sim().url}/api/organizations/${ORG_A}/switch`, { method: 'POST', headers: bearer });
    }
  });
});

// §2.2 Cloud credentials in Nov 2025: Bearer, then X-Session-API-Key; unknown key = no credentials
describe('Cloud API-key auth, legacy profile (openhands-api.md §2.2, §5.4)', () => {
  const sim = useSimulator({ profile: 'legacy', apiKey: API_KEY });
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

  it('knows neither X-Access-Token nor the Cloud routes of today, and sends the LLM key in clear text', async () => {
    const token = await call(`${sim().url}/api/v1/app-conversations/search`, {
      headers: { 'X-Access-Token': API_KEY },
    });
    expect(token.status).toBe(401);
    for (const path of ['/api/keys/current', '/api/organizations', '/api/v1/web-client/config'])
      expect((await call(`${sim().url}${path}`, { headers: bearer })).status, path).toBe(404);
    const me = await call<Record<string, unknown>>(`${sim().url}/api/v1/users/me`, { headers: bearer });
    expect(me.body).toMatchObject({ id: 'user-1', llm_api_key: 'sk-simulated-llm-key' });
    expect(me.body).not.toHaveProperty('org_id');
  });
});

// Today SESSION_API_KEY guards every /api/v1 router except web-client and webhooks
describe('self-hosted SESSION_API_KEY, current profile: it guards /api/v1', () => {
  const sim = useSimulator({ sessionApiKey: SESSION_KEY });
  const key = { 'X-Session-API-Key': SESSION_KEY };

  it('answers 401 {"detail":"Unauthorized"} on V1 routes without the key or with a wrong one', async () => {
    const hex = crypto.randomUUID().replace(/-/g, '');
    const routes: [string, string][] = [
      ['GET', '/api/v1/app-conversations/search'],
      ['GET', '/api/v1/app-conversations/count'],
      ['GET', `/api/v1/app-conversations?ids=${hex}`],
      ['GET', '/api/v1/app-conversations/start-tasks/search'],
      ['GET', '/api/v1/sandboxes/search'],
      ['GET', '/api/v1/users/me'],
      ['GET', `/api/v1/conversation/${hex}/events/search`],
      ['POST', '/api/v1/app-conversations'],
      ['PATCH', `/api/v1/app-conversations/${hex}`],
      ['DELETE', `/api/v1/app-conversations/${hex}`],
    ];
    for (const [method, path] of routes)
      for (const headers of [{}, { 'X-Session-API-Key': 'nope' }] as Record<string, string>[]) {
        const res = await call(`${sim().url}${path}`, {
          method,
          headers,
          ...(method === 'GET' ? {} : { json: {} }),
        });
        expect(res.status, `${method} ${path}`).toBe(401);
        expect(res.body, `${method} ${path}`).toEqual({ detail: 'Unauthorized' });
      }
  });

  it('leaves the web-client config, the status routes and unknown routes alone', async () => {
    expect((await call(`${sim().url}/api/v1/web-client/config`)).status).toBe(200);
    for (const path of ['/alive', '/health', '/ready', '/server_info'])
      expect((await call(`${sim().url}${path}`)).status, path).toBe(200);
    for (const path of ['/api/v1/nothing-here', '/api/conversations', '/api/options/config'])
      expect((await call(`${sim().url}${path}`)).status, path).toBe(404);
  });

  it('serves V1 with the right key: search, a whole start, users/me (secrets masked)', async () => {
    const rec = await sim().seedConversation({ title: 'Guarded' });
    const search = await call<Page<Row>>(`${sim().url}/api/v1/app-conversations/search`, { headers: key });
    expect(search.status).toBe(200);
    expect(search.body.items.map((r) => r.title)).toContain('Guarded');
    expect(search.body.items.find((r) => r.id === rec.id)!.sandbox_status).toBe('RUNNING');
    const started = await startWith(sim(), key);
    expect(started).toMatch(/^[0-9a-f]{32}$/);
    const me = await call<Record<string, unknown>>(`${sim().url}/api/v1/users/me`, { headers: key });
    expect(me.body).toMatchObject({ id: null, llm_api_key: '**********' });
    // SESSION_API_KEY is not a sandbox key, so secrets cannot be exposed with it.
    const exposed = await call(`${sim().url}/api/v1/users/me?expose_secrets=true`, { headers: key });
    expect(exposed.status).toBe(401);
    expect(exposed.body).toEqual({ detail: 'Invalid session API key' });
  });
});

describe('self-hosted users/me without SESSION_API_KEY (current profile)', () => {
  const sim = useSimulator();

  it('masks the LLM key; expose_secrets cannot work without a user id', async () => {
    const me = await call<Record<string, unknown>>(`${sim().url}/api/v1/users/me`);
    expect(me.body).toMatchObject({ id: null, llm_api_key: '**********' });
    expect(me.body).not.toHaveProperty('org_id');
    const conv = await createConversation(sim());
    const exposed = await call(`${sim().url}/api/v1/users/me?expose_secrets=true`, {
      headers: { 'X-Session-API-Key': conv.sessionApiKey },
    });
    expect(exposed.status).toBe(401);
    expect(exposed.body).toEqual({ detail: 'Cannot determine authenticated user' });
  });
});

// §2.1 SESSION_API_KEY protected V0 only in Nov 2025; §9.11 V1 was not protected
describe('self-hosted SESSION_API_KEY, legacy profile (openhands-api.md §2.1, §9.11)', () => {
  const sim = useSimulator({ profile: 'legacy', sessionApiKey: SESSION_KEY });

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
describe('V1 router disabled, legacy profile (openhands-api.md §1)', () => {
  const sim = useSimulator({ profile: 'legacy', v1Enabled: false });

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
      const results = await timedCalls(30, `${sim.url}/api/v1/app-conversations/search`);
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
      const after = await call(`${sim.url}/api/v1/app-conversations/search`);
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
      const anonymous = await timedCalls(15, `${sim.url}/api/v1/app-conversations/search`);
      expect(anonymous.every((r) => r.status === 401)).toBe(true);

      // 21 requests can straddle at most two 1-second windows, so one window gets 11 or more.
      const results = await timedCalls(21, `${sim.url}/api/v1/app-conversations/search`, {
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

// Today: app conversations ≤ 99 (400 beyond), start tasks and sandboxes ≤ 100 (400 beyond)
describe('batch-get limits, current profile', () => {
  const sim = useSimulator();
  const url = (path: string, param: string, n: number): string =>
    `${sim().url}${path}?${ids(param, Array.from({ length: n }, randomHex))}`;

  it('app conversations: 99 ids are fine, 100 → 400 "Too many ids requested. Maximum is 99."', async () => {
    const ok = await call<unknown[]>(url('/api/v1/app-conversations', 'ids', 99));
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual(Array.from({ length: 99 }, () => null));
    const tooMany = await call(url('/api/v1/app-conversations', 'ids', 100));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toEqual({ detail: 'Too many ids requested. Maximum is 99.' });
  });

  it('start tasks and sandboxes: 100 ids are fine, 101 → 400 "Cannot request more than 100 … at once"', async () => {
    for (const [path, param, what] of [
      ['/api/v1/app-conversations/start-tasks', 'ids', 'start tasks'],
      ['/api/v1/sandboxes', 'id', 'sandboxes'],
    ] as const) {
      const ok = await call<unknown[]>(url(path, param, 100));
      expect(ok.status, path).toBe(200);
      expect(ok.body).toHaveLength(100);
      const tooMany = await call(url(path, param, 101));
      expect(tooMany.status, path).toBe(400);
      expect(tooMany.body).toEqual({ detail: `Cannot request more than 100 ${what} at once, got 101` });
    }
  });

  it('a malformed id: 400 naming it for app conversations, 422 for start tasks; missing ids → 422', async () => {
    const bad = await call(`${sim().url}/api/v1/app-conversations?ids=${randomHex()}&ids=not-a-uuid&ids=x`);
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ detail: "Invalid UUID format for ids: ['not-a-uuid', 'x']" });
    const task = await call<{ detail: { loc: string[] }[] }>(
      `${sim().url}/api/v1/app-conversations/start-tasks?ids=not-a-uuid`,
    );
    expect(task.status).toBe(422);
    expect(task.body.detail[0]!.loc).toEqual(['query', 'ids']);
    for (const path of [
      '/api/v1/app-conversations',
      '/api/v1/app-conversations/start-tasks',
      '/api/v1/sandboxes',
    ])
      expect((await call(`${sim().url}${path}`)).status, path).toBe(422);
    expect((await call(`${sim().url}/api/v1/sandboxes?id=not-a-uuid`)).body).toEqual([null]);
  });
});

// §3.1 / §3.5 / §8 / §9.4 batch gets in Nov 2025: at most 99 ids, UUID typing, nulls in order; §4.3 agent batch
describe('batch-get limits, legacy profile (openhands-api.md §3.1, §3.5, §4.3, §8, §9.4)', () => {
  const sim = useSimulator({ profile: 'legacy' });
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
