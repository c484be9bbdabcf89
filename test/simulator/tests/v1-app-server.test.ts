import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../simulator';
import { call, createConversation, type StartedConversation, useSimulator, waitFor } from '../../support/sim';

type Task = {
  id: string;
  status: string;
  detail: string | null;
  app_conversation_id: string | null;
  sandbox_id: string | null;
  agent_server_url: string | null;
  request: Record<string, unknown>;
};
type AppConversation = Record<string, unknown> & {
  id: string;
  title: string;
  sandbox_id: string;
  sandbox_status: string;
  execution_status: string | null;
  conversation_url: string | null;
  session_api_key: string | null;
};
type Page<T> = { items: T[]; next_page_id: string | null };

const HEX = /^[0-9a-f]{32}$/;
const WALK = [
  'WORKING',
  'WAITING_FOR_SANDBOX',
  'PREPARING_REPOSITORY',
  'RUNNING_SETUP_SCRIPT',
  'SETTING_UP_GIT_HOOKS',
  'SETTING_UP_SKILLS',
  'STARTING_CONVERSATION',
  'READY',
];

/** Reads `stream-start`'s JSON array as it arrives and returns the parsed snapshots. */
async function streamStart(url: string, body: unknown): Promise<Task[]> {
  const res = await fetch(`${url}/api/v1/app-conversations/stream-start`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  const text = await res.text();
  expect(text.startsWith('[\n')).toBe(true);
  expect(text.endsWith(']')).toBe(true);
  return JSON.parse(text) as Task[];
}

function dedupe(statuses: string[]): string[] {
  return statuses.filter((s, i) => s !== statuses[i - 1]);
}

describe('V1 app conversations (openhands-api.md §3.1–3.3)', () => {
  const sim = useSimulator();

  it('returns a WORKING start task with a hex id, then walks every start status to READY', async () => {
    const created = await call<Task>(`${sim().url}/api/v1/app-conversations`, {
      method: 'POST',
      json: { title: 'ignored' },
    });
    expect(created.status).toBe(200);
    expect(created.body.status).toBe('WORKING');
    expect(created.body.id).toMatch(HEX);
    expect(created.body.app_conversation_id).toBeNull();
    const seen: string[] = [created.body.status];
    const ready = await waitFor(async () => {
      const res = await call<(Task | null)[]>(
        `${sim().url}/api/v1/app-conversations/start-tasks?ids=${created.body.id}`,
      );
      const task = res.body[0]!;
      seen.push(task.status);
      return task.status === 'READY' ? task : undefined;
    }, 10_000);
    expect(ready.app_conversation_id).toMatch(HEX);
    expect(ready.agent_server_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // Polling may miss quick steps, but what it sees is in walk order.
    const order = dedupe(seen).map((s) => WALK.indexOf(s));
    expect(order.every((v, i) => v >= 0 && (i === 0 || v > order[i - 1]!))).toBe(true);
    // The request's title is accepted but not stored.
    const conv = await call<AppConversation[]>(
      `${sim().url}/api/v1/app-conversations?ids=${ready.app_conversation_id}`,
    );
    expect(conv.body[0]!.title).toBe(`Conversation ${ready.app_conversation_id}`);
  });

  it('streams every task snapshot from stream-start as one JSON array', async () => {
    const tasks = await streamStart(sim().url, {
      selected_repository: 'acme/app',
      conversation_id: 'AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE',
    });
    expect(dedupe(tasks.map((t) => t.status))).toEqual(WALK);
    const last = tasks.at(-1)!;
    expect(last.app_conversation_id).toBe('aaaaaaaabbbb4ccc8dddeeeeeeeeeeee');
    // conversation_id is a plain UUID in the request model, so it is echoed dashed.
    expect(last.request.conversation_id).toBe('aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee');
    expect(new Set(tasks.map((t) => t.id)).size).toBe(1);
  });

  it('resolves a READY conversation to its agent server with a session key', async () => {
    const c = await createConversation(sim());
    const res = await call<AppConversation[]>(
      `${sim().url}/api/v1/app-conversations?ids=${c.id}&ids=${'0'.repeat(32)}`,
    );
    expect(res.body).toHaveLength(2);
    const conv = res.body[0]!;
    expect(conv.sandbox_status).toBe('RUNNING');
    expect(conv.conversation_url).toBe(`${c.agentUrl}/api/conversations/${c.id}`);
    expect(conv.session_api_key).toEqual(expect.any(String));
    expect(conv.execution_status).toBe('idle');
    expect(res.body[1]).toBeNull();
  });

  it('runs the initial message and titles the conversation from it', async () => {
    const c = await createConversation(sim(), {
      initial_message: { role: 'user', content: [{ type: 'text', text: 'Add a changelog entry' }] },
    });
    const conv = await waitFor(async () => {
      const res = await call<AppConversation[]>(`${sim().url}/api/v1/app-conversations?ids=${c.id}`);
      return res.body[0]!.execution_status === 'finished' ? res.body[0]! : undefined;
    });
    expect(conv.title).toBe('Add a changelog entry');
  });

  it('rejects malformed start requests with 422', async () => {
    for (const body of [
      { agent_type: 'wizard' },
      { conversation_id: 'not-a-uuid' },
      { initial_message: { content: 'text' } },
      { llm_model: 5 },
    ]) {
      const res = await call<{ detail: { loc: string[] }[] }>(`${sim().url}/api/v1/app-conversations`, {
        method: 'POST',
        json: body,
      });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.detail[0]!.loc[0]).toBe('body');
    }
  });

  it('fails a start task with the detail of what went wrong', async () => {
    sim().failNextStart('PREPARING_REPOSITORY', 'Repository acme/missing not found');
    const tasks = await streamStart(sim().url, { selected_repository: 'acme/missing' });
    const last = tasks.at(-1)!;
    expect(last.status).toBe('ERROR');
    expect(last.detail).toBe('Repository acme/missing not found');
    expect(last.app_conversation_id).toBeNull();

    const orphan = await streamStart(sim().url, { parent_conversation_id: '1'.repeat(32) });
    expect(orphan.at(-1)!.status).toBe('ERROR');
    expect(orphan.at(-1)!.detail).toContain('Parent conversation not found');
  });

  it('searches newest first with title filter and offset paging, and counts', async () => {
    const s = await startSimulator({ stepMs: 5, rateLimit: false });
    try {
      const titles = ['alpha report', 'beta report', 'gamma notes'];
      for (const t of titles) {
        const c = await createConversation(s);
        await call(`${s.url}/api/v1/app-conversations/${c.id}`, { method: 'PATCH', json: { title: t } });
        await new Promise((r) => setTimeout(r, 5));
      }
      const all = await call<Page<AppConversation>>(`${s.url}/api/v1/app-conversations/search`);
      expect(all.body.items.map((c) => c.title)).toEqual(['gamma notes', 'beta report', 'alpha report']);
      const first = await call<Page<AppConversation>>(`${s.url}/api/v1/app-conversations/search?limit=2`);
      expect(first.body.items).toHaveLength(2);
      expect(first.body.next_page_id).toBe('2');
      const second = await call<Page<AppConversation>>(
        `${s.url}/api/v1/app-conversations/search?limit=2&page_id=${first.body.next_page_id}`,
      );
      expect(second.body.items.map((c) => c.title)).toEqual(['alpha report']);
      expect(second.body.next_page_id).toBeNull();
      const filtered = await call<Page<AppConversation>>(
        `${s.url}/api/v1/app-conversations/search?title__contains=REPORT`,
      );
      expect(filtered.body.items.map((c) => c.title).sort()).toEqual(['alpha report', 'beta report']);
      expect((await call(`${s.url}/api/v1/app-conversations/count?title__contains=report`)).body).toBe(2);
      expect((await call(`${s.url}/api/v1/app-conversations/search?limit=0`)).status).toBe(422);
      expect((await call(`${s.url}/api/v1/app-conversations/search?limit=101`)).status).toBe(422);
      const future = new Date(Date.now() + 60_000).toISOString();
      expect((await call(`${s.url}/api/v1/app-conversations/count?created_at__gte=${future}`)).body).toBe(0);

      const tasks = await call<Page<Task>>(
        `${s.url}/api/v1/app-conversations/start-tasks/search?sort_order=CREATED_AT`,
      );
      expect(tasks.body.items).toHaveLength(3);
      const oldest = tasks.body.items[0]!;
      const byConv = await call<Page<Task>>(
        `${s.url}/api/v1/app-conversations/start-tasks/search?conversation_id__eq=${oldest.app_conversation_id}`,
      );
      expect(byConv.body.items.map((t) => t.id)).toEqual([oldest.id]);
      expect((await call(`${s.url}/api/v1/app-conversations/start-tasks/count`)).body).toBe(3);
    } finally {
      await s.close();
    }
  });

  it('excludes sub-conversations from search by default but counts them (§9.2)', async () => {
    const s = await startSimulator({ stepMs: 5, rateLimit: false });
    try {
      const parent = await createConversation(s);
      const child = await createConversation(s, { parent_conversation_id: parent.id });
      expect(child.sandboxId).toBe(parent.sandboxId);
      const search = await call<Page<AppConversation>>(`${s.url}/api/v1/app-conversations/search`);
      expect(search.body.items.map((c) => c.id)).toEqual([parent.id]);
      expect(search.body.items[0]!.sub_conversation_ids).toEqual([child.id]);
      const withSubs = await call<Page<AppConversation>>(
        `${s.url}/api/v1/app-conversations/search?include_sub_conversations=true`,
      );
      expect(withSubs.body.items).toHaveLength(2);
      expect((await call(`${s.url}/api/v1/app-conversations/count`)).body).toBe(2);
    } finally {
      await s.close();
    }
  });
});

describe('V1 sandboxes (openhands-api.md §3.5, §6.3)', () => {
  const sim = useSimulator();

  it('pauses and resumes a sandbox: no key or URL while paused, the same agent URL after', async () => {
    const c = await createConversation(sim());
    const pause = await call(`${sim().url}/api/v1/sandboxes/${c.sandboxId}/pause`, { method: 'POST' });
    expect(pause.body).toEqual({ success: true });
    const paused = await call<AppConversation[]>(`${sim().url}/api/v1/app-conversations?ids=${c.id}`);
    expect(paused.body[0]).toMatchObject({
      sandbox_status: 'PAUSED',
      session_api_key: null,
      conversation_url: null,
      execution_status: null,
    });
    await expect(fetch(`${c.agentUrl}/alive`)).rejects.toThrow();
    const info = await call<(Record<string, unknown> | null)[]>(
      `${sim().url}/api/v1/sandboxes?id=${c.sandboxId}&id=nope`,
    );
    expect(info.body[0]).toMatchObject({
      id: c.sandboxId,
      status: 'PAUSED',
      session_api_key: null,
      exposed_urls: null,
    });
    expect(info.body[1]).toBeNull();

    await call(`${sim().url}/api/v1/sandboxes/${c.sandboxId}/resume`, { method: 'POST' });
    const resumed = await waitFor(async () => {
      const res = await call<AppConversation[]>(`${sim().url}/api/v1/app-conversations?ids=${c.id}`);
      return res.body[0]!.sandbox_status === 'RUNNING' ? res.body[0]! : undefined;
    });
    expect(resumed.conversation_url).toBe(c.conversationUrl);
    const alive = await call(`${c.agentUrl}/alive`);
    expect(alive.status).toBe(200);
  });

  it('lists sandboxes newest first with exposed URLs while running', async () => {
    const c = await createConversation(sim());
    const res = await call<
      Page<{ id: string; status: string; exposed_urls: { name: string; url: string; port: number }[] | null }>
    >(`${sim().url}/api/v1/sandboxes/search?limit=1`);
    expect(res.body.items[0]!.id).toBe(c.sandboxId);
    expect(res.body.items[0]!.exposed_urls?.find((u) => u.name === 'AGENT_SERVER')?.url).toBe(c.agentUrl);
  });

  it('answers 404 for unknown sandboxes and needs ?sandbox_id= to delete (§9.3)', async () => {
    expect((await call(`${sim().url}/api/v1/sandboxes/nope/pause`, { method: 'POST' })).status).toBe(404);
    const c = await createConversation(sim());
    const withoutQuery = await call<{ detail: { loc: string[] }[] }>(
      `${sim().url}/api/v1/sandboxes/${c.sandboxId}`,
      { method: 'DELETE' },
    );
    expect(withoutQuery.status).toBe(422);
    expect(withoutQuery.body.detail[0]!.loc).toEqual(['query', 'sandbox_id']);
    const del = await call(`${sim().url}/api/v1/sandboxes/${c.sandboxId}?sandbox_id=${c.sandboxId}`, {
      method: 'DELETE',
    });
    expect(del.body).toEqual({ success: true });
    const after = await call<AppConversation[]>(`${sim().url}/api/v1/app-conversations?ids=${c.id}`);
    expect(after.body[0]!.sandbox_status).toBe('MISSING');
  });

  it('pauses the oldest sandbox to make room beyond the maximum', async () => {
    const s = await startSimulator({ stepMs: 5, rateLimit: false, maxSandboxes: 2 });
    try {
      const a = await createConversation(s);
      const b = await createConversation(s);
      const c = await createConversation(s);
      const res = await call<AppConversation[]>(
        `${s.url}/api/v1/app-conversations?ids=${a.id}&ids=${b.id}&ids=${c.id}`,
      );
      expect(res.body.map((x) => x.sandbox_status)).toEqual(['PAUSED', 'RUNNING', 'RUNNING']);
    } finally {
      await s.close();
    }
  });

  it('leaves a task waiting for a failed sandbox until the wait times out (§3.3 bug)', async () => {
    const s = await startSimulator({ stepMs: 5, rateLimit: false, sandboxTimeoutSteps: 6 });
    try {
      s.failNextSandbox();
      const tasks = await streamStart(s.url, {});
      const statuses = dedupe(tasks.map((t) => t.status));
      expect(statuses).toEqual(['WORKING', 'WAITING_FOR_SANDBOX', 'ERROR']);
      const last = tasks.at(-1)!;
      expect(last.detail).toBe(`Sandbox failed to start: ${last.sandbox_id}`);
      const sandbox = await call<{ status: string; status_detail: string | null }[]>(
        `${s.url}/api/v1/sandboxes?id=${last.sandbox_id}`,
      );
      expect(sandbox.body[0]!.status).toBe('ERROR');
      expect(sandbox.body[0]!.status_detail).toBe('Sandbox failed to start');
    } finally {
      await s.close();
    }
  });
});

// ---- today's app server (current profile) ----

type SimEvent = { kind: string; id: string; timestamp: string; source: string };
const randomHex = (): string => crypto.randomUUID().replace(/-/g, '');
const dashed = (h: string): string =>
  `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function getRow(s: Simulator, id: string): Promise<AppConversation | null> {
  const res = await call<(AppConversation | null)[]>(`${s.url}/api/v1/app-conversations?ids=${id}`);
  expect(res.status).toBe(200);
  return res.body[0] ?? null;
}

async function waitExecution(s: Simulator, id: string, status: string): Promise<AppConversation> {
  return waitFor(
    async () => {
      const row = await getRow(s, id);
      return row?.execution_status === status ? row : undefined;
    },
    5000,
    `${id} ${status}`,
  );
}

async function waitSandbox(s: Simulator, c: StartedConversation, status: string): Promise<void> {
  await waitFor(async () => (await getRow(s, c.id))?.sandbox_status === status, 5000, `sandbox ${status}`);
}

describe('profiles: which app server answers', () => {
  const sim = useSimulator();

  it('current (default) has /api/v1/web-client/config and /ready, but no V0 routes and no /api/options/config', async () => {
    expect(sim().profile).toBe('current');
    const cfg = await call<Record<string, unknown>>(`${sim().url}/api/v1/web-client/config`);
    expect(cfg.status).toBe(200);
    expect(cfg.body).toMatchObject({
      kind: 'WebClientConfig',
      app_mode: 'oss',
      posthog_client_key: null,
      providers_configured: [],
      maintenance_start_time: null,
      auth_url: null,
      recaptcha_site_key: null,
      faulty_models: [],
      error_message: null,
      updated_at: '2026-01-01T00:00:00Z',
      github_app_slug: null,
    });
    expect(cfg.body.feature_flags).toMatchObject({
      enable_billing: false,
      hide_llm_settings: false,
      allow_user_llm_configuration: true,
      enable_acp: true,
      enable_automations: true,
      deployment_mode: null,
    });
    for (const [method, path] of [
      ['GET', '/api/options/config'],
      ['GET', '/api/conversations'],
      ['POST', '/api/conversations'],
      ['GET', `/api/conversations/${randomHex()}`],
      ['GET', '/api/v1/events/search'],
    ] as const) {
      const res = await call(`${sim().url}${path}`, { method, ...(method === 'POST' ? { json: {} } : {}) });
      expect(res.status, path).toBe(404);
      expect(res.body, path).toEqual({ detail: 'Not Found' });
    }
    const ready = await call(`${sim().url}/ready`);
    expect(ready.status).toBe(200);
    expect(ready.body).toBe('OK');
  });

  it('legacy has /api/options/config and V0, and none of the routes added since Nov 2025', async () => {
    const s = await startSimulator({ profile: 'legacy', stepMs: 5, rateLimit: false });
    try {
      expect(s.profile).toBe('legacy');
      expect((await call(`${s.url}/api/options/config`)).body).toEqual({
        APP_MODE: 'oss',
        GITHUB_CLIENT_ID: null,
        POSTHOG_CLIENT_KEY: null,
        FEATURE_FLAGS: { ENABLE_BILLING: false, HIDE_LLM_SETTINGS: false },
      });
      expect((await call(`${s.url}/api/conversations`)).body).toEqual({ results: [], next_page_id: null });
      const c = await createConversation(s);
      for (const [method, path] of [
        ['GET', '/api/v1/web-client/config'],
        ['GET', '/ready'],
        ['PATCH', `/api/v1/app-conversations/${c.id}`],
        ['DELETE', `/api/v1/app-conversations/${c.id}`],
        ['POST', `/api/v1/app-conversations/${c.id}/send-message`],
        ['GET', `/api/v1/conversation/${c.id}/events/search`],
      ] as const) {
        const res = await call(`${s.url}${path}`, { method, ...(method === 'GET' ? {} : { json: {} }) });
        expect(res.status, `${method} ${path}`).toBe(404);
      }
      // The Nov-2025 AppConversation and SandboxInfo: none of today's fields.
      const row = (await getRow(s, c.id))!;
      expect(row.metrics).toBeNull();
      for (const field of ['agent_kind', 'public', 'tags']) expect(row).not.toHaveProperty(field);
      const sandbox = await call<Record<string, unknown>[]>(`${s.url}/api/v1/sandboxes?id=${c.sandboxId}`);
      expect(sandbox.body[0]).not.toHaveProperty('status_detail');
      const agent = await call<{ version: string }>(`${c.agentUrl}/server_info`);
      expect(agent.body.version).toBe('1.19.1');
    } finally {
      await s.close();
    }
  });

  it('the webClientConfig option replaces fields of the web-client config', async () => {
    const s = await startSimulator({
      stepMs: 5,
      rateLimit: false,
      webClientConfig: { error_message: 'Maintenance at 17:00', faulty_models: ['gpt-broken'] },
    });
    try {
      const cfg = await call<Record<string, unknown>>(`${s.url}/api/v1/web-client/config`);
      expect(cfg.body).toMatchObject({
        app_mode: 'oss',
        error_message: 'Maintenance at 17:00',
        faulty_models: ['gpt-broken'],
      });
    } finally {
      await s.close();
    }
  });
});

describe("today's AppConversation and SandboxInfo fields", () => {
  const sim = useSimulator();

  it('has agent_kind, metrics, public, tags and created_by_user_id; SandboxInfo has status_detail', async () => {
    const c = await createConversation(sim(), { public: true });
    const row = (await getRow(sim(), c.id))!;
    expect(row).toMatchObject({
      agent_kind: 'openhands',
      public: true,
      tags: {},
      created_by_user_id: null,
      metrics: {
        accumulated_cost: 0,
        max_budget_per_task: null,
        accumulated_token_usage: { prompt_tokens: 0, completion_tokens: 0 },
      },
    });
    // Cloud-only projections are not on a self-hosted row.
    expect(row).not.toHaveProperty('acp_server');
    const sandbox = await call<Record<string, unknown>[]>(`${sim().url}/api/v1/sandboxes?id=${c.sandboxId}`);
    expect(sandbox.body[0]).toMatchObject({ status: 'RUNNING', status_detail: null });

    // One command and one reply: two simulated LLM calls.
    await call(`${sim().url}/api/v1/app-conversations/${c.id}/send-message`, {
      method: 'POST',
      json: { role: 'user', content: [{ type: 'text', text: 'List the files' }] },
    });
    const done = await waitExecution(sim(), c.id, 'finished');
    expect(done.metrics).toMatchObject({
      accumulated_cost: 0.025,
      accumulated_token_usage: { prompt_tokens: 2000, completion_tokens: 200 },
    });
  });

  it('moves updated_at with status changes and agent steps, not with sandbox pause or resume', async () => {
    const c = await createConversation(sim());
    const first = (await getRow(sim(), c.id))!;
    await sleep(20);
    await call(`${sim().url}/api/v1/sandboxes/${c.sandboxId}/pause`, { method: 'POST' });
    expect((await getRow(sim(), c.id))!.updated_at).toBe(first.updated_at);
    await call(`${sim().url}/api/v1/sandboxes/${c.sandboxId}/resume`, { method: 'POST' });
    await waitSandbox(sim(), c, 'RUNNING');
    expect((await getRow(sim(), c.id))!.updated_at).toBe(first.updated_at);

    await call(`${sim().url}/api/v1/app-conversations/${c.id}/send-message`, {
      method: 'POST',
      json: { content: [{ type: 'text', text: 'Go' }] },
    });
    const done = await waitExecution(sim(), c.id, 'finished');
    expect(Date.parse(done.updated_at as string)).toBeGreaterThan(Date.parse(first.updated_at as string));
    const since = await call(
      `${sim().url}/api/v1/app-conversations/count?updated_at__gte=${encodeURIComponent(done.updated_at as string)}`,
    );
    expect(since.body).toBe(1);
  });
});

describe('search today: sandbox_id__eq, include_sub_conversations, no sort_order', () => {
  it('filters by sandbox (search and count) and always sorts by created_at desc', async () => {
    const s = await startSimulator({ stepMs: 5, rateLimit: false });
    try {
      const a = await createConversation(s);
      await sleep(5);
      const b = await createConversation(s, { sandbox_id: a.sandboxId });
      await sleep(5);
      const other = await createConversation(s);
      expect(b.sandboxId).toBe(a.sandboxId);
      const bySandbox = await call<Page<AppConversation>>(
        `${s.url}/api/v1/app-conversations/search?sandbox_id__eq=${a.sandboxId}`,
      );
      expect(bySandbox.body.items.map((c) => c.id)).toEqual([b.id, a.id]);
      expect((await call(`${s.url}/api/v1/app-conversations/count?sandbox_id__eq=${a.sandboxId}`)).body).toBe(
        2,
      );
      expect((await call(`${s.url}/api/v1/app-conversations/count?sandbox_id__eq=nope`)).body).toBe(0);

      // `a` becomes the most recently updated; the order stays created_at desc whatever sort_order says.
      await call(`${s.url}/api/v1/app-conversations/${a.id}/send-message`, {
        method: 'POST',
        json: { content: [{ type: 'text', text: 'Touch a' }] },
      });
      await waitExecution(s, a.id, 'finished');
      for (const order of ['UPDATED_AT_DESC', 'CREATED_AT', 'bogus']) {
        const res = await call<Page<AppConversation>>(
          `${s.url}/api/v1/app-conversations/search?sort_order=${order}`,
        );
        expect(res.status, order).toBe(200);
        expect(
          res.body.items.map((c) => c.id),
          order,
        ).toEqual([other.id, b.id, a.id]);
      }
      expect(
        (await call(`${s.url}/api/v1/app-conversations/search?include_sub_conversations=maybe`)).status,
      ).toBe(200);
    } finally {
      await s.close();
    }
  });
});

describe('PATCH /api/v1/app-conversations/{id}', () => {
  const sim = useSimulator();

  it('applies only the fields sent and returns the AppConversation; updated_at and the agent title stay', async () => {
    const c = await createConversation(sim());
    const before = (await getRow(sim(), c.id))!;
    await sleep(20);
    const renamed = await call<AppConversation>(`${sim().url}/api/v1/app-conversations/${c.id}`, {
      method: 'PATCH',
      json: { title: 'Renamed', public: true },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({
      id: c.id,
      title: 'Renamed',
      public: true,
      selected_repository: null,
      sandbox_status: 'RUNNING',
      execution_status: 'idle',
      updated_at: before.updated_at,
    });
    const repo = await call<AppConversation>(`${sim().url}/api/v1/app-conversations/${c.id}`, {
      method: 'PATCH',
      json: { selected_repository: 'acme/app', selected_branch: 'main', git_provider: 'github' },
    });
    expect(repo.body).toMatchObject({
      title: 'Renamed',
      public: true,
      selected_repository: 'acme/app',
      selected_branch: 'main',
      git_provider: 'github',
    });
    expect((await getRow(sim(), c.id))!.title).toBe('Renamed');
    // The app server does not push the title to the agent server.
    const agent = await call<{ title: string }>(c.conversationUrl, {
      headers: { 'X-Session-API-Key': c.sessionApiKey },
    });
    expect(agent.body.title).toBe(`Conversation ${c.id}`);
    // null clears a field.
    const cleared = await call<AppConversation>(`${sim().url}/api/v1/app-conversations/${c.id}`, {
      method: 'PATCH',
      json: { title: null, public: null },
    });
    expect(cleared.body).toMatchObject({ title: null, public: null, selected_repository: 'acme/app' });
  });

  it('answers 404 unknown_app_conversation, a plain 500 for a malformed id, 422 for wrong types', async () => {
    const unknown = await call(`${sim().url}/api/v1/app-conversations/${randomHex()}`, {
      method: 'PATCH',
      json: { title: 'x' },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ detail: 'unknown_app_conversation' });
    const malformed = await call(`${sim().url}/api/v1/app-conversations/not-a-uuid`, {
      method: 'PATCH',
      json: { title: 'x' },
    });
    expect(malformed.status).toBe(500);
    expect(malformed.text).toBe('Internal Server Error');
    const c = await createConversation(sim());
    for (const body of [{ public: 'yes' }, { git_provider: 'svn' }, { title: 5 }, [1]]) {
      const res = await call<{ detail: { loc: string[] }[] }>(
        `${sim().url}/api/v1/app-conversations/${c.id}`,
        {
          method: 'PATCH',
          json: body,
        },
      );
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.detail[0]!.loc[0]).toBe('body');
    }
    expect((await getRow(sim(), c.id))!.title).toBe(`Conversation ${c.id}`);
  });
});

describe('DELETE /api/v1/app-conversations/{id}', () => {
  const sim = useSimulator();
  const del = (id: string): Promise<{ status: number; body: unknown }> =>
    call(`${sim().url}/api/v1/app-conversations/${id}`, { method: 'DELETE' });
  const sandboxOf = async (id: string): Promise<unknown> =>
    (await call<unknown[]>(`${sim().url}/api/v1/sandboxes?id=${id}`)).body[0];

  it('deletes the row, its start task and agent-server copy, then the sandbox nobody else uses', async () => {
    const c = await createConversation(sim());
    const res = await del(c.id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true });
    expect(await getRow(sim(), c.id)).toBeNull();
    expect((await call(`${sim().url}/api/v1/app-conversations/start-tasks?ids=${c.taskId}`)).body).toEqual([
      null,
    ]);
    // The agent-server copy went synchronously; the sandbox follows in the background.
    expect(sim().world.sandboxes.get(c.sandboxId)?.agent.get(c.id)).toBeUndefined();
    await waitFor(async () => (await sandboxOf(c.sandboxId)) === null, 3000, 'sandbox deleted');

    const again = await del(c.id);
    expect(again.status).toBe(404);
    expect(again.body).toEqual({ detail: 'Conversation not found' });
  });

  it('takes sub-conversations along and keeps a sandbox another conversation still uses', async () => {
    const parent = await createConversation(sim());
    const child1 = await createConversation(sim(), { parent_conversation_id: parent.id });
    const child2 = await createConversation(sim(), { parent_conversation_id: parent.id });
    const other = await createConversation(sim(), { sandbox_id: parent.sandboxId });
    expect((await getRow(sim(), parent.id))!.sub_conversation_ids).toEqual([child1.id, child2.id]);

    expect((await del(child1.id)).status).toBe(200);
    expect((await getRow(sim(), parent.id))!.sub_conversation_ids).toEqual([child2.id]);
    // Shared sandbox: the agent server keeps its copy of the deleted conversation.
    expect(sim().world.sandboxes.get(parent.sandboxId)?.agent.get(child1.id)).toBeDefined();

    expect((await del(parent.id)).status).toBe(200);
    expect(await getRow(sim(), child2.id)).toBeNull();
    expect((await getRow(sim(), other.id))!.sandbox_status).toBe('RUNNING');
    await sleep(100);
    expect(await sandboxOf(parent.sandboxId)).not.toBeNull();

    expect((await del(other.id)).status).toBe(200);
    await waitFor(async () => (await sandboxOf(parent.sandboxId)) === null, 3000, 'sandbox deleted');
  });

  it('answers 400 "Invalid conversation ID format" for a malformed id', async () => {
    const res = await del('not-a-uuid');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ detail: 'Invalid conversation ID format' });
  });
});

describe('POST /api/v1/app-conversations/{id}/send-message', () => {
  const sim = useSimulator();
  afterEach(() => sim().faults.reset());
  const send = (id: string, body: unknown): Promise<{ status: number; body: unknown }> =>
    call(`${sim().url}/api/v1/app-conversations/${id}/send-message`, { method: 'POST', json: body });

  it('forwards the message to the agent server with run=true unless told otherwise', async () => {
    const c = await createConversation(sim());
    sim().clearRequests();
    const res = await send(c.id, { role: 'user', content: [{ type: 'text', text: 'List the files' }] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, sandbox_status: 'RUNNING', message: null });
    const forwarded = sim().requests.find((r) => r.server === 'agent' && r.method === 'POST');
    expect(forwarded).toMatchObject({ path: `/api/conversations/${c.id}/events`, status: 200 });
    expect(forwarded!.headers['x-session-api-key']).toBe(c.sessionApiKey);
    await waitExecution(sim(), c.id, 'finished');

    // run: false only queues the message: the finished conversation goes idle and stays there.
    expect((await send(c.id, { content: [{ type: 'text', text: 'Later' }], run: false })).status).toBe(200);
    await sleep(100);
    expect((await getRow(sim(), c.id))!.execution_status).toBe('idle');
  });

  it('answers 409 while paused, 410 once the sandbox is gone, 502 for an agent error, 404 and 422', async () => {
    const c = await createConversation(sim());
    const text = { content: [{ type: 'text', text: 'hi' }] };
    sim().faults.override({
      server: 'agent',
      path: `/api/conversations/${c.id}/events`,
      kind: 'status',
      status: 500,
    });
    const agentError = await send(c.id, text);
    expect(agentError.status).toBe(502);
    expect(agentError.body).toEqual({ detail: 'Agent server error: 500' });
    sim().faults.reset();

    await call(`${sim().url}/api/v1/sandboxes/${c.sandboxId}/pause`, { method: 'POST' });
    const paused = await send(c.id, text);
    expect(paused.status).toBe(409);
    expect(paused.body).toEqual({
      detail: `Sandbox is PAUSED. Use POST /api/v1/sandboxes/${c.sandboxId}/resume to resume it first.`,
    });
    await call(`${sim().url}/api/v1/sandboxes/${c.sandboxId}?sandbox_id=${c.sandboxId}`, {
      method: 'DELETE',
    });
    const gone = await send(c.id, text);
    expect(gone.status).toBe(410);
    expect(gone.body).toEqual({ detail: 'Conversation is archived. The sandbox no longer exists.' });

    const unknown = randomHex();
    const missing = await send(unknown, text);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ detail: `Conversation ${dashed(unknown)} not found` });
    for (const body of [
      { content: [] },
      { content: 'hi' },
      { ...text, role: 'agent' },
      { ...text, run: 'yes' },
    ])
      expect((await send(unknown, body)).status, JSON.stringify(body)).toBe(422);
    expect((await send('not-a-uuid', text)).status).toBe(422);
  });
});

describe("the app server's copy of events (/api/v1/conversation/{id}/events)", () => {
  const sim = useSimulator();
  const base = (id: string): string => `${sim().url}/api/v1/conversation/${id}/events`;

  it('answers from the app server while the sandbox is paused: search, filters, sort, offset paging, count, batch', async () => {
    const c = await createConversation(sim(), {
      initial_message: { role: 'user', content: [{ type: 'text', text: 'List the files' }] },
    });
    await waitExecution(sim(), c.id, 'finished');
    const agent = await call<Page<SimEvent>>(`${c.conversationUrl}/events/search?limit=100`, {
      headers: { 'X-Session-API-Key': c.sessionApiKey },
    });
    const ids = agent.body.items.map((e) => e.id);
    expect(ids.length).toBeGreaterThan(4);

    await call(`${sim().url}/api/v1/sandboxes/${c.sandboxId}/pause`, { method: 'POST' });
    await expect(fetch(`${c.agentUrl}/alive`)).rejects.toThrow();

    const all = await call<Page<SimEvent>>(`${base(c.id)}/search`);
    expect(all.status).toBe(200);
    expect(all.body.items.map((e) => e.id)).toEqual(ids);
    expect(all.body.next_page_id).toBeNull();
    const messages = await call<Page<SimEvent>>(`${base(c.id)}/search?kind__eq=MessageEvent`);
    expect(messages.body.items.map((e) => e.source)).toEqual(['user', 'agent']);
    const desc = await call<Page<SimEvent>>(`${base(c.id)}/search?sort_order=TIMESTAMP_DESC`);
    expect(desc.body.items.map((e) => e.id)).toEqual([...ids].reverse());

    // page_id is an integer offset into the filtered, sorted list.
    const first = await call<Page<SimEvent>>(`${base(c.id)}/search?limit=2`);
    expect(first.body.items.map((e) => e.id)).toEqual(ids.slice(0, 2));
    expect(first.body.next_page_id).toBe('2');
    const second = await call<Page<SimEvent>>(`${base(c.id)}/search?limit=2&page_id=2`);
    expect(second.body.items.map((e) => e.id)).toEqual(ids.slice(2, 4));
    expect(second.body.next_page_id).toBe(ids.length > 4 ? '4' : null);

    expect((await call(`${base(c.id)}/count`)).body).toBe(ids.length);
    expect((await call(`${base(c.id)}/count?kind__eq=MessageEvent`)).body).toBe(2);

    // Timestamp filters compare ISO strings with the naive event timestamps.
    const user = messages.body.items[0]!;
    const from = await call<Page<SimEvent>>(`${base(c.id)}/search?timestamp__gte=${user.timestamp}`);
    expect(from.body.items[0]!.id).toBe(user.id);
    const before = await call<Page<SimEvent>>(`${base(c.id)}/search?timestamp__lt=${user.timestamp}`);
    expect(before.body.items.map((e) => e.id)).toEqual(ids.slice(0, ids.indexOf(user.id)));
    // With an offset the filter becomes "…+00:00", which sorts after the naive timestamp it names.
    const aware = await call<Page<SimEvent>>(
      `${base(c.id)}/search?timestamp__gte=${encodeURIComponent(`${user.timestamp}Z`)}`,
    );
    expect(aware.body.items[0]!.id).toBe(ids[ids.indexOf(user.id) + 1]);

    const other = crypto.randomUUID();
    const batch = await call<(SimEvent | null)[]>(`${base(c.id)}?id=${ids[1]}&id=${other}`);
    expect(batch.body.map((e) => e?.id ?? null)).toEqual([ids[1], null]);
  });

  it('validates like FastAPI, answers an empty page for an unknown conversation, and limits batches', async () => {
    const c = await createConversation(sim());
    for (const q of [
      'kind__eq=Message',
      'sort_order=NEWEST',
      'limit=0',
      'limit=101',
      'timestamp__gte=yesterday',
    ])
      expect((await call(`${base(c.id)}/search?${q}`)).status, q).toBe(422);
    expect((await call(`${base(c.id)}/count?kind__eq=Nope`)).status).toBe(422);
    // Uncaught int()/UUID() errors are plain 500s.
    expect((await call(`${base(c.id)}/search?page_id=abc`)).status).toBe(500);
    const malformed = await call(`${base('not-a-uuid')}/search`);
    expect(malformed.status).toBe(500);
    expect(malformed.text).toBe('Internal Server Error');
    expect((await call(`${base(c.id)}?id=not-a-uuid`)).status).toBe(500);
    expect((await call(`${base(c.id)}`)).status).toBe(422);

    const unknown = randomHex();
    expect((await call(`${base(unknown)}/search`)).body).toEqual({ items: [], next_page_id: null });
    expect((await call(`${base(unknown)}/count`)).body).toBe(0);

    const ids = Array.from({ length: 101 }, () => crypto.randomUUID());
    const tooMany = await call(`${base(c.id)}?${ids.map((id) => `id=${id}`).join('&')}`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toEqual({ detail: 'Cannot request more than 100 events at once, got 101' });
    const hundred = await call<unknown[]>(
      `${base(c.id)}?${ids
        .slice(1)
        .map((id) => `id=${id}`)
        .join('&')}`,
    );
    expect(hundred.status).toBe(200);
    expect(hundred.body).toHaveLength(100);
  });
});

describe('null-tolerance controls (sim.rowQuirks, seedConversation rowQuirk, /_sim/row-quirks)', () => {
  const sim = useSimulator();
  afterEach(() => sim().rowQuirks.reset());
  const search = async (query = ''): Promise<Record<string, unknown>> =>
    (await call<Record<string, unknown>>(`${sim().url}/api/v1/app-conversations/search${query}`)).body;
  const batch = async (...ids: string[]): Promise<(Record<string, unknown> | null)[]> =>
    (
      await call<(Record<string, unknown> | null)[]>(
        `${sim().url}/api/v1/app-conversations?${ids.map((i) => `ids=${i}`).join('&')}`,
      )
    ).body;

  it('nulls or leaves out sandbox_id, sandbox_status and execution_status in pages and batches', async () => {
    const rec = await sim().seedConversation({ title: 'Quirky' });
    sim().rowQuirks.set({ nullFields: ['sandbox_id', 'sandbox_status', 'execution_status'] });
    const [row] = await batch(rec.id);
    expect(row).toMatchObject({
      id: rec.id,
      title: 'Quirky',
      sandbox_id: null,
      sandbox_status: null,
      execution_status: null,
    });
    const page = (await search()) as { items: Record<string, unknown>[] };
    expect(page.items.find((r) => r.id === rec.id)).toMatchObject({ sandbox_id: null, sandbox_status: null });

    sim().rowQuirks.set({ missingFields: ['sandbox_status', 'execution_status'] });
    const [bare] = await batch(rec.id);
    expect(bare).not.toHaveProperty('sandbox_status');
    expect(bare).not.toHaveProperty('execution_status');
    expect(bare!.sandbox_id).toBe(rec.sandboxId);

    sim().rowQuirks.reset();
    expect((await batch(rec.id))[0]).toMatchObject({ sandbox_id: rec.sandboxId, sandbox_status: 'RUNNING' });
  });

  it('sends next_page_id as null or leaves it out', async () => {
    await sim().seedConversation({});
    await sim().seedConversation({});
    expect((await search('?limit=1')).next_page_id).toBe('1');
    sim().rowQuirks.set({ nextPageId: 'null' });
    expect((await search('?limit=1')).next_page_id).toBeNull();
    sim().rowQuirks.set({ nextPageId: 'missing' });
    const page = await search('?limit=1');
    expect(page).not.toHaveProperty('next_page_id');
    expect(page.items).toHaveLength(1);
  });

  it('puts a malformed row (no created_at) into a page and a batch, next to good ones', async () => {
    const good = await sim().seedConversation({ title: 'Good' });
    const bad = await sim().seedConversation({ title: 'Bad', rowQuirk: { malformed: true } });
    const [goodRow, badRow] = await batch(good.id, bad.id);
    expect(goodRow!.created_at).toEqual(expect.any(String));
    expect(badRow).not.toHaveProperty('created_at');
    expect(badRow!.title).toBe('Bad');
    const page = (await search()) as { items: Record<string, unknown>[] };
    expect(page.items.find((r) => r.id === bad.id)).not.toHaveProperty('created_at');
    expect(page.items.find((r) => r.id === good.id)).toHaveProperty('created_at');

    sim().rowQuirks.forConversation(good.id, { nullFields: ['execution_status'] });
    expect((await batch(good.id))[0]!.execution_status).toBeNull();
    sim().rowQuirks.forConversation(bad.id, null);
    expect((await batch(bad.id))[0]).toHaveProperty('created_at');
  });

  it('is also an HTTP control: POST /_sim/row-quirks (all rows or one conversation), DELETE resets', async () => {
    const rec = await sim().seedConversation({});
    const set = await call(`${sim().url}/_sim/row-quirks`, {
      method: 'POST',
      json: { nullFields: ['sandbox_id'] },
    });
    expect(set.body).toEqual({ success: true });
    expect((await batch(rec.id))[0]!.sandbox_id).toBeNull();
    await call(`${sim().url}/_sim/row-quirks`, {
      method: 'POST',
      json: { conversation_id: rec.id, missingFields: ['created_at'] },
    });
    expect((await batch(rec.id))[0]).not.toHaveProperty('created_at');
    expect((await call(`${sim().url}/_sim/row-quirks`, { method: 'DELETE' })).status).toBe(200);
    expect((await batch(rec.id))[0]).toMatchObject({ sandbox_id: rec.sandboxId });
    expect((await batch(rec.id))[0]).toHaveProperty('created_at');
    const bad = await call(`${sim().url}/_sim/row-quirks`, {
      method: 'POST',
      json: { nullFields: ['bogus'] },
    });
    expect(bad.status).toBe(422);
  });
});
