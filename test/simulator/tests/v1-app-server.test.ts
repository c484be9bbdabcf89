import { describe, expect, it } from 'vitest';
import { startSimulator } from '../simulator';
import { call, createConversation, useSimulator, waitFor } from '../../support/sim';

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

  it('serves the config without auth', async () => {
    const res = await call<{ APP_MODE: string; FEATURE_FLAGS: Record<string, boolean> }>(
      `${sim().url}/api/options/config`,
    );
    expect(res.status).toBe(200);
    expect(res.body.APP_MODE).toBe('oss');
    expect(res.body.FEATURE_FLAGS).toHaveProperty('ENABLE_BILLING');
  });

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
        await call(`${s.url}/api/conversations/${c.id}`, { method: 'PATCH', json: { title: t } });
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
      const sandbox = await call<{ status: string }[]>(`${s.url}/api/v1/sandboxes?id=${last.sandbox_id}`);
      expect(sandbox.body[0]!.status).toBe('ERROR');
    } finally {
      await s.close();
    }
  });
});
