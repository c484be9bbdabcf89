import { readdir, readFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Simulator } from '../simulator';
import { call, createConversation, useSimulator, waitFor } from '../../support/sim';

type ConversationResponse = {
  status: string;
  conversation_id: string;
  message: string | null;
  conversation_status: string;
};
type ConversationInfo = {
  conversation_id: string;
  title: string;
  last_updated_at: string | null;
  status: string;
  runtime_status: string | null;
  selected_repository: string | null;
  num_connections: number;
  url: string | null;
  session_api_key: string | null;
  created_at: string;
  pr_number: number[];
  conversation_version: 'V0' | 'V1';
  sub_conversation_ids: string[];
};
type ResultSet = { results: ConversationInfo[]; next_page_id: string | null };
type V0Event = {
  id: number;
  source: string;
  message: string;
  action?: string;
  observation?: string;
  args?: Record<string, unknown>;
  extras?: Record<string, unknown>;
};
type EventsPage = { events: V0Event[]; has_more: boolean };

// Every test here runs the `legacy` profile: the Nov-2025 app server (156d0686), which still had the V0
// routes. Today's server has none of them (see the profile tests in v1-app-server.test.ts).
const HEX = /^[0-9a-f]{32}$/;
/** §6.4 */
const CONVERSATION_STATUSES = ['STARTING', 'RUNNING', 'STOPPED', 'ARCHIVED', 'ERROR'];
/** §6.5 */
const RUNTIME_STATUSES = [
  'STATUS$STOPPED',
  'STATUS$BUILDING_RUNTIME',
  'STATUS$STARTING_RUNTIME',
  'STATUS$RUNTIME_STARTED',
  'STATUS$SETTING_UP_WORKSPACE',
  'STATUS$SETTING_UP_GIT_HOOKS',
  'STATUS$READY',
  'STATUS$ERROR',
  'STATUS$ERROR_RUNTIME_DISCONNECTED',
  'STATUS$ERROR_LLM_AUTHENTICATION',
  'STATUS$ERROR_LLM_SERVICE_UNAVAILABLE',
  'STATUS$ERROR_LLM_INTERNAL_SERVER_ERROR',
  'STATUS$ERROR_LLM_OUT_OF_CREDITS',
  'STATUS$ERROR_LLM_CONTENT_POLICY_VIOLATION',
  'CHAT_INTERFACE$AGENT_RATE_LIMITED_STOPPED_MESSAGE',
  'STATUS$GIT_PROVIDER_AUTHENTICATION_ERROR',
  'STATUS$LLM_RETRY',
  'STATUS$ERROR_MEMORY',
];

const randomHex = (): string => crypto.randomUUID().replace(/-/g, '');

async function createV0(sim: Simulator, body: Record<string, unknown> = {}): Promise<string> {
  const res = await call<ConversationResponse>(`${sim.url}/api/conversations`, {
    method: 'POST',
    json: body,
  });
  expect(res.status).toBe(200);
  return res.body.conversation_id;
}

async function getV0(sim: Simulator, id: string): Promise<ConversationInfo | null> {
  const res = await call<ConversationInfo | null>(`${sim.url}/api/conversations/${id}`);
  expect(res.status).toBe(200);
  return res.body;
}

async function waitRunning(sim: Simulator, id: string): Promise<ConversationInfo> {
  return waitFor(
    async () => {
      const info = await getV0(sim, id);
      return info?.status === 'RUNNING' && info.runtime_status === 'STATUS$READY' ? info : undefined;
    },
    5000,
    `V0 ${id} RUNNING`,
  );
}

async function listAll(sim: Simulator, limit: number): Promise<{ pages: ResultSet[]; ids: string[] }> {
  const pages: ResultSet[] = [];
  let pageId: string | null = null;
  do {
    const query: string = `limit=${limit}${pageId ? `&page_id=${encodeURIComponent(pageId)}` : ''}`;
    const res = await call<ResultSet>(`${sim.url}/api/conversations?${query}`);
    expect(res.status).toBe(200);
    pages.push(res.body);
    pageId = res.body.next_page_id;
    expect(pages.length).toBeLessThan(20);
  } while (pageId);
  return { pages, ids: pages.flatMap((p) => p.results.map((r) => r.conversation_id)) };
}

async function allFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

// §5.1 POST/GET /api/conversations, §6.4/§6.5 status enums, §9.13 (unknown id → 200 null)
describe('V0 create and status walk (openhands-api.md §5.1, §6.4, §6.5, §9.13)', () => {
  const sim = useSimulator({ profile: 'legacy' });

  it('creates a V0 conversation: ConversationResponse with a 32-hex id and status STARTING', async () => {
    const res = await call<ConversationResponse>(`${sim().url}/api/conversations`, {
      method: 'POST',
      json: {},
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'ok',
      conversation_id: expect.stringMatching(HEX) as unknown,
      message: null,
      conversation_status: 'STARTING',
    });
  });

  it('forbids fields outside InitSessionRequest with a 422 and creates nothing', async () => {
    const before = await call<ResultSet>(`${sim().url}/api/conversations?limit=100`);
    const res = await call<{ detail: { loc: (string | number)[] }[] }>(`${sim().url}/api/conversations`, {
      method: 'POST',
      json: { initial_user_msg: 'hi', not_a_field: 1 },
    });
    expect(res.status).toBe(422);
    expect(Array.isArray(res.body.detail)).toBe(true);
    expect(res.body.detail[0]!.loc).toContain('not_a_field');
    const after = await call<ResultSet>(`${sim().url}/api/conversations?limit=100`);
    expect(after.body.results.length).toBe(before.body.results.length);
  });

  it('walks STARTING → RUNNING with runtime_status STATUS$READY, using only §6.4/§6.5 values', async () => {
    const id = await createV0(sim());
    const seen: { status: string; runtime: string | null }[] = [];
    const info = await waitFor(
      async () => {
        const c = await getV0(sim(), id);
        if (!c) return undefined;
        seen.push({ status: c.status, runtime: c.runtime_status });
        return c.status === 'RUNNING' && c.runtime_status === 'STATUS$READY' ? c : undefined;
      },
      5000,
      'RUNNING',
    );
    for (const s of seen) {
      expect(CONVERSATION_STATUSES).toContain(s.status);
      if (s.runtime !== null) expect(RUNTIME_STATUSES).toContain(s.runtime);
    }
    expect(seen[0]!.status).toBe('STARTING');
    expect(info.conversation_id).toBe(id);
    expect(info.conversation_version).toBe('V0');
    // OSS V0: `url` is the relative `/api/conversations/{id}`.
    expect(info.url).toBe(`/api/conversations/${id}`);
    expect(info.num_connections).toBe(0);
    expect(Number.isNaN(Date.parse(info.created_at))).toBe(false);
  });

  it('answers 200 with a JSON null for an unknown id instead of 404 (§9.13)', async () => {
    const res = await call(`${sim().url}/api/conversations/${randomHex()}`);
    expect(res.status).toBe(200);
    expect(res.text).toBe('null');
    expect(res.body).toBeNull();
  });
});

// §8 validate_conversation_id (manage routes of §5.1)
describe('validate_conversation_id (openhands-api.md §8, §5.1)', () => {
  const sim = useSimulator({ profile: 'legacy' });

  it('accepts 100 characters and rejects 101 with "Conversation ID is too long"', async () => {
    const ok = await call(`${sim().url}/api/conversations/${'a'.repeat(100)}`);
    expect(ok.status).toBe(200);
    expect(ok.body).toBeNull();
    const res = await call(`${sim().url}/api/conversations/${'a'.repeat(101)}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ detail: 'Conversation ID is too long' });
  });

  it('rejects `..` and `\\` as invalid path characters', async () => {
    for (const id of ['abc..def', 'abc%5Cdef']) {
      const res = await call(`${sim().url}/api/conversations/${id}`);
      expect(res.status, id).toBe(400);
      expect(res.body).toEqual({ detail: 'Conversation ID contains invalid path characters' });
    }
  });

  it('rejects a control character (%01) and NUL (%00)', async () => {
    const ctl = await call(`${sim().url}/api/conversations/abc%01def`);
    expect(ctl.status).toBe(400);
    expect(ctl.body).toEqual({ detail: 'Conversation ID contains control characters' });
    const nul = await call(`${sim().url}/api/conversations/abc%00def`);
    expect(nul.status).toBe(400);
    expect(nul.body).toEqual({ detail: 'Conversation ID contains invalid characters' });
  });

  it('applies to PATCH, DELETE, start and stop as well', async () => {
    const bad = `${sim().url}/api/conversations/x..y`;
    const results = await Promise.all([
      call(bad, { method: 'PATCH', json: { title: 't' } }),
      call(bad, { method: 'DELETE' }),
      call(`${bad}/start`, { method: 'POST', json: {} }),
      call(`${bad}/stop`, { method: 'POST' }),
    ]);
    for (const r of results) {
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ detail: 'Conversation ID contains invalid path characters' });
    }
  });
});

// §5.1 GET /api/conversations paging (V0-only rows)
describe('V0 list paging (openhands-api.md §5.1)', () => {
  const sim = useSimulator({ profile: 'legacy' });

  it('pages with limit and a base64 JSON {v0, v1} next_page_id until null, newest first', async () => {
    const created: string[] = [];
    for (let i = 0; i < 5; i++) {
      created.push(await createV0(sim(), i === 2 ? { repository: 'octo/hello' } : {}));
      await new Promise((r) => setTimeout(r, 5));
    }
    const { pages, ids } = await listAll(sim(), 2);
    expect(pages.length).toBe(3);
    for (const p of pages) expect(p.results.length).toBeLessThanOrEqual(2);
    const first = pages[0]!.next_page_id!;
    const decoded = JSON.parse(Buffer.from(first, 'base64').toString('utf8')) as Record<string, unknown>;
    expect(Object.keys(decoded).sort()).toEqual(['v0', 'v1']);
    expect(typeof decoded.v0).toBe('string');
    expect(decoded.v1).toBeNull();
    expect(pages.at(-1)!.next_page_id).toBeNull();
    // Sorted by created_at desc, each conversation exactly once.
    expect(ids).toEqual([...created].reverse());
  });

  it('enforces no maximum on limit', async () => {
    const res = await call<ResultSet>(`${sim().url}/api/conversations?limit=500`);
    expect(res.status).toBe(200);
    expect(res.body.results.length).toBe(5);
    expect(res.body.next_page_id).toBeNull();
  });

  it('applies the selected_repository filter', async () => {
    const res = await call<ResultSet>(`${sim().url}/api/conversations?selected_repository=octo/hello`);
    expect(res.status).toBe(200);
    expect(res.body.results.map((r) => r.selected_repository)).toEqual(['octo/hello']);
  });

  it('fails with 500 on a legacy V0 page id (base64 of an integer)', async () => {
    const legacy = Buffer.from('2').toString('base64');
    const res = await call(`${sim().url}/api/conversations?limit=2&page_id=${encodeURIComponent(legacy)}`);
    expect(res.status).toBe(500);
  });
});

// §5.1 (merged V0+V1 list, V1 rows via the V0 shim), §6.2/§6.3 shim mappings, §9.6 (items can drop)
describe('V0 list with V1 rows (openhands-api.md §5.1, §6.2, §6.3, §9.6)', () => {
  const sim = useSimulator({ profile: 'legacy' });

  it('shows V1 conversations as conversation_version "V1" and can drop items while paging (§9.6)', async () => {
    const v0a = await createV0(sim());
    const v0b = await createV0(sim());
    const v1a = await createConversation(sim());
    const v1b = await createConversation(sim());

    const full = await call<ResultSet>(`${sim().url}/api/conversations?limit=20`);
    expect(full.status).toBe(200);
    expect(full.body.results.map((r) => r.conversation_id).sort()).toEqual([v0a, v0b, v1a.id, v1b.id].sort());
    const row = full.body.results.find((r) => r.conversation_id === v1a.id)!;
    expect(row.conversation_version).toBe('V1');
    expect(row.url).toBe(v1a.conversationUrl);
    expect(row.session_api_key).toBe(v1a.sessionApiKey);
    expect(row.num_connections).toBe(0);
    // Sandbox RUNNING → status RUNNING; an idle execution status → STATUS$READY.
    expect(row.status).toBe('RUNNING');
    expect(row.runtime_status).toBe('STATUS$READY');
    expect(full.body.results.find((r) => r.conversation_id === v0a)!.conversation_version).toBe('V0');

    // Both sources read `limit`, merge, truncate, and both cursors advance: the V0 rows are skipped.
    const { ids } = await listAll(sim(), 2);
    expect(ids).toEqual([v1b.id, v1a.id]);
    expect(ids).not.toContain(v0a);
    expect(ids).not.toContain(v0b);
  });

  it('GET /api/conversations/{id} serves a V1 id through the shim', async () => {
    const v1 = await createConversation(sim());
    const info = await getV0(sim(), v1.id);
    expect(info).not.toBeNull();
    expect(info!.conversation_version).toBe('V1');
    expect(info!.conversation_id).toBe(v1.id);
    expect(info!.url).toBe(v1.conversationUrl);
  });
});

// §5.1 start / stop
describe('V0 start and stop (openhands-api.md §5.1)', () => {
  const sim = useSimulator({ profile: 'legacy' });

  it('start requires a body (422 without one)', async () => {
    const id = await createV0(sim());
    const res = await call(`${sim().url}/api/conversations/${id}/start`, { method: 'POST' });
    expect(res.status).toBe(422);
    expect(res.body).toHaveProperty('detail');
  });

  it('start on an unknown id, or on a V1 id, gives 404 {status:"error", conversation_id}', async () => {
    const unknown = randomHex();
    const res = await call<Record<string, unknown>>(`${sim().url}/api/conversations/${unknown}/start`, {
      method: 'POST',
      json: {},
    });
    expect(res.status).toBe(404);
    expect(res.body.status).toBe('error');
    expect(res.body.conversation_id).toBe(unknown);

    const v1 = await createConversation(sim());
    const v1res = await call<Record<string, unknown>>(`${sim().url}/api/conversations/${v1.id}/start`, {
      method: 'POST',
      json: {},
    });
    expect(v1res.status).toBe(404);
    expect(v1res.body).toMatchObject({ status: 'error', conversation_id: v1.id });
  });

  it('stop says "Conversation stopped successfully", then "Conversation was not running"; start brings it back', async () => {
    const id = await createV0(sim());
    await waitRunning(sim(), id);
    const stop = await call<ConversationResponse>(`${sim().url}/api/conversations/${id}/stop`, {
      method: 'POST',
    });
    expect(stop.status).toBe(200);
    expect(stop.body).toMatchObject({
      status: 'ok',
      conversation_id: id,
      message: 'Conversation stopped successfully',
      conversation_status: 'STOPPED',
    });
    expect((await getV0(sim(), id))!.status).toBe('STOPPED');

    const again = await call<ConversationResponse>(`${sim().url}/api/conversations/${id}/stop`, {
      method: 'POST',
    });
    expect(again.status).toBe(200);
    expect(again.body.message).toBe('Conversation was not running');

    const start = await call<ConversationResponse>(`${sim().url}/api/conversations/${id}/start`, {
      method: 'POST',
      json: {},
    });
    expect(start.status).toBe(200);
    expect(start.body).toMatchObject({ status: 'ok', conversation_id: id });
    await waitRunning(sim(), id);
  });
});

// §5.1 PATCH, §8 (title 1..200, extra forbidden), §9.1 (V1 title edit goes through V0)
describe('V0 PATCH title (openhands-api.md §5.1, §8, §9.1)', () => {
  const sim = useSimulator({ profile: 'legacy' });

  it('renames a V0 conversation (title stripped) and answers true', async () => {
    const id = await createV0(sim());
    const res = await call(`${sim().url}/api/conversations/${id}`, {
      method: 'PATCH',
      json: { title: '  Renamed  ' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toBe(true);
    expect((await getV0(sim(), id))!.title).toBe('Renamed');
  });

  it('rejects extra fields and titles outside 1..200 chars with 422', async () => {
    const id = await createV0(sim());
    const url = `${sim().url}/api/conversations/${id}`;
    const extra = await call(url, { method: 'PATCH', json: { title: 'ok', status: 'RUNNING' } });
    expect(extra.status).toBe(422);
    expect((await call(url, { method: 'PATCH', json: { title: '   ' } })).status).toBe(422);
    expect((await call(url, { method: 'PATCH', json: { title: 'x'.repeat(201) } })).status).toBe(422);
    expect((await getV0(sim(), id))!.title).not.toBe('ok');
    const max = await call(url, { method: 'PATCH', json: { title: 'y'.repeat(200) } });
    expect(max.status).toBe(200);
    expect((await getV0(sim(), id))!.title).toBe('y'.repeat(200));
  });

  it('renames a V1 conversation: visible in the V1 batch get and on the agent server', async () => {
    const v1 = await createConversation(sim());
    const res = await call(`${sim().url}/api/conversations/${v1.id}`, {
      method: 'PATCH',
      json: { title: 'V1 title' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toBe(true);
    const batch = await call<({ title: string } | null)[]>(
      `${sim().url}/api/v1/app-conversations?ids=${v1.id}`,
    );
    expect(batch.body[0]!.title).toBe('V1 title');
    const agent = await call<{ title: string }>(v1.conversationUrl, {
      headers: { 'X-Session-API-Key': v1.sessionApiKey },
    });
    expect(agent.status).toBe(200);
    expect(agent.body.title).toBe('V1 title');
  });

  it('answers 404 with msg_id CONVERSATION$NOT_FOUND for an unknown id', async () => {
    const res = await call<Record<string, unknown>>(`${sim().url}/api/conversations/${randomHex()}`, {
      method: 'PATCH',
      json: { title: 'nobody' },
    });
    expect(res.status).toBe(404);
    expect(res.body.status).toBe('error');
    expect(res.body.msg_id).toBe('CONVERSATION$NOT_FOUND');
    expect(typeof res.body.message).toBe('string');
  });
});

// §5.1 DELETE, §9.1 (V1 delete also deletes start tasks and the sandbox)
describe('V0 DELETE (openhands-api.md §5.1, §9.1)', () => {
  const sim = useSimulator({ profile: 'legacy' });

  it('deletes a V0 conversation (true), then false; unknown ids give false', async () => {
    const id = await createV0(sim());
    const first = await call(`${sim().url}/api/conversations/${id}`, { method: 'DELETE' });
    expect(first.status).toBe(200);
    expect(first.body).toBe(true);
    expect(await getV0(sim(), id)).toBeNull();
    const second = await call(`${sim().url}/api/conversations/${id}`, { method: 'DELETE' });
    expect(second.status).toBe(200);
    expect(second.body).toBe(false);
    const unknown = await call(`${sim().url}/api/conversations/${randomHex()}`, { method: 'DELETE' });
    expect(unknown.status).toBe(200);
    expect(unknown.body).toBe(false);
  });

  it('deletes a V1 conversation: start task and row become null, then the sandbox goes', async () => {
    const v1 = await createConversation(sim());
    const res = await call(`${sim().url}/api/conversations/${v1.id}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(res.body).toBe(true);
    const tasks = await call(`${sim().url}/api/v1/app-conversations/start-tasks?ids=${v1.taskId}`);
    expect(tasks.status).toBe(200);
    expect(tasks.body).toEqual([null]);
    const convs = await call(`${sim().url}/api/v1/app-conversations?ids=${v1.id}`);
    expect(convs.status).toBe(200);
    expect(convs.body).toEqual([null]);
    expect(await getV0(sim(), v1.id)).toBeNull();
    await waitFor(
      async () => {
        const s = await call<unknown[]>(`${sim().url}/api/v1/sandboxes?id=${v1.sandboxId}`);
        return s.body[0] === null;
      },
      3000,
      'sandbox deleted',
    );
  });
});

// §5.2 GET /events, POST /message
describe('V0 events and messages (openhands-api.md §5.2)', () => {
  const sim = useSimulator({ profile: 'legacy' });

  it('rejects /events limits outside 0..100 with 400 {"detail":"Invalid limit"}', async () => {
    const id = await createV0(sim());
    await waitRunning(sim(), id);
    for (const limit of [101, -1]) {
      const res = await call(`${sim().url}/api/conversations/${id}/events?limit=${limit}`);
      expect(res.status, String(limit)).toBe(400);
      expect(res.body).toEqual({ detail: 'Invalid limit' });
    }
    const zero = await call<EventsPage>(`${sim().url}/api/conversations/${id}/events?limit=0`);
    expect(zero.status).toBe(200);
    expect(zero.body.events).toEqual([]);
    const max = await call<EventsPage>(`${sim().url}/api/conversations/${id}/events?limit=100`);
    expect(max.status).toBe(200);
  });

  it('gives 404 on /events and /message for a conversation without metadata', async () => {
    const unknown = randomHex();
    expect((await call(`${sim().url}/api/conversations/${unknown}/events`)).status).toBe(404);
    const msg = await call<{ detail: string }>(`${sim().url}/api/conversations/${unknown}/message`, {
      method: 'POST',
      json: { message: 'hi' },
    });
    expect(msg.status).toBe(404);
    expect(msg.body.detail).toBe(`Conversation ${unknown} not found`);
  });

  it('POST /message makes the agent answer; /events pages with start_id, limit, has_more and reverse', async () => {
    const id = await createV0(sim());
    await waitRunning(sim(), id);
    const text = 'please list the files';
    const sent = await call(`${sim().url}/api/conversations/${id}/message`, {
      method: 'POST',
      json: { message: text },
    });
    expect(sent.status).toBe(200);
    expect(sent.body).toEqual({ success: true });

    const events = await waitFor(
      async () => {
        const res = await call<EventsPage>(`${sim().url}/api/conversations/${id}/events?limit=100`);
        const done = res.body.events.some((e) => e.source === 'agent' && e.action === 'message');
        return done ? res.body.events : undefined;
      },
      5000,
      'agent reply',
    );
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i));
    const user = events.find((e) => e.source === 'user' && e.action === 'message')!;
    expect(user.args?.content).toBe(text);
    const reply = events.find((e) => e.source === 'agent' && e.action === 'message')!;
    expect(reply.id).toBeGreaterThan(user.id);

    const page = await call<EventsPage>(`${sim().url}/api/conversations/${id}/events?limit=2`);
    expect(page.body.events.map((e) => e.id)).toEqual([0, 1]);
    expect(page.body.has_more).toBe(true);
    const next = await call<EventsPage>(`${sim().url}/api/conversations/${id}/events?start_id=2&limit=100`);
    expect(next.body.events[0]!.id).toBe(2);
    expect(next.body.has_more).toBe(false);
    const reversed = await call<EventsPage>(
      `${sim().url}/api/conversations/${id}/events?reverse=true&limit=1`,
    );
    expect(reversed.body.events[0]!.id).toBe(events.at(-1)!.id);
  });

  it('runs initial_user_msg once the conversation is up', async () => {
    const id = await createV0(sim(), { initial_user_msg: 'first task' });
    const events = await waitFor(
      async () => {
        const res = await call<EventsPage>(`${sim().url}/api/conversations/${id}/events?limit=100`);
        return res.body.events.some((e) => e.source === 'user' && e.args?.content === 'first task')
          ? res.body.events
          : undefined;
      },
      5000,
      'initial message',
    );
    expect(events.length).toBeGreaterThan(0);
  });
});

// §5.2 POST /upload-files, §9.9 (real response shape; UTF-8 decode corrupts binaries)
describe('V0 upload-files (openhands-api.md §5.2, §9.9)', () => {
  const sim = useSimulator({ profile: 'legacy' });

  it('takes the repeated field `files` and answers {uploaded_files: absolute paths, skipped_files: []}', async () => {
    const id = await createV0(sim());
    await waitRunning(sim(), id);
    const binary = new Uint8Array([0x00, 0xff, 0xfe, 0x41, 0x80]);
    const form = new FormData();
    form.append('files', new Blob(['hello\n']), 'notes.txt');
    form.append('files', new Blob([binary]), 'blob.bin');
    const res = await call<{ uploaded_files: string[]; skipped_files: unknown[] }>(
      `${sim().url}/api/conversations/${id}/upload-files`,
      { method: 'POST', body: form },
    );
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['skipped_files', 'uploaded_files']);
    expect(res.body.skipped_files).toEqual([]);
    expect(res.body.uploaded_files).toHaveLength(2);
    for (const path of res.body.uploaded_files) expect(path.startsWith('/')).toBe(true);
    expect(res.body.uploaded_files[0]!.endsWith('/notes.txt')).toBe(true);
    expect(res.body.uploaded_files[1]!.endsWith('/blob.bin')).toBe(true);

    // V0 files cannot be read back over HTTP here; the simulator keeps them under its files root.
    const files = (await allFiles(sim().world.options.filesRoot)).filter((f) =>
      f.includes(`${sep}${id}${sep}`),
    );
    const text = files.find((f) => f.endsWith(`${sep}notes.txt`));
    const bin = files.find((f) => f.endsWith(`${sep}blob.bin`));
    expect(text).toBeDefined();
    expect(bin).toBeDefined();
    expect(await readFile(text!, 'utf8')).toBe('hello\n');
    const stored = await readFile(bin!);
    expect(Buffer.compare(stored, Buffer.from(binary))).not.toBe(0);
    // Invalid UTF-8 bytes became U+FFFD (EF BF BD).
    expect(stored.includes(Buffer.from([0xef, 0xbf, 0xbd]))).toBe(true);
  });

  it('answers 404 for a conversation that is not running', async () => {
    const form = new FormData();
    form.append('files', new Blob(['x']), 'x.txt');
    const res = await call(`${sim().url}/api/conversations/${randomHex()}/upload-files`, {
      method: 'POST',
      body: form,
    });
    expect(res.status).toBe(404);
  });
});
