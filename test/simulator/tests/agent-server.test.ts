import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createConversation, type StartedConversation, useSimulator, waitFor } from '../../support/sim';
import { type Simulator, startSimulator } from '../simulator';

// Checks the simulated agent server against docs/openhands-api.md §4 and §9 (not against its own code).

interface Ev {
  kind: string;
  id: string;
  timestamp: string;
  source: string;
  [key: string]: unknown;
}
interface EventPage {
  items: Ev[];
  next_page_id: string | null;
}
interface Info {
  id: string;
  execution_status: string;
  title: string;
  agent: { llm: { api_key: string } };
  [key: string]: unknown;
}

const MODULE = 'openhands.sdk.event';
const QUALIFIED_MESSAGE = `${MODULE}.llm_convertible.message.MessageEvent`;

const getSim = useSimulator();

function dashed(hex: string): string {
  const h = hex.replace(/-/g, '').toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const auth = (c: StartedConversation): Record<string, string> => ({ 'X-Session-API-Key': c.sessionApiKey });

const text = (t: string): { type: 'text'; text: string }[] => [{ type: 'text', text: t }];

async function info(c: StartedConversation): Promise<Info> {
  const res = await call<Info>(c.conversationUrl, { headers: auth(c) });
  expect(res.status).toBe(200);
  return res.body;
}

async function sendMessage(c: StartedConversation, body: Record<string, unknown>): Promise<void> {
  const res = await call(`${c.conversationUrl}/events`, { method: 'POST', json: body, headers: auth(c) });
  expect(res.status, res.text).toBe(200);
  expect(res.body).toEqual({ success: true });
}

async function post(c: StartedConversation, path: string, json: unknown = {}) {
  return call(`${c.conversationUrl}${path}`, { method: 'POST', json, headers: auth(c) });
}

async function search(c: StartedConversation, query = ''): Promise<EventPage> {
  const res = await call<EventPage>(`${c.conversationUrl}/events/search${query ? `?${query}` : ''}`, {
    headers: auth(c),
  });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

async function count(c: StartedConversation, query = ''): Promise<number> {
  const res = await call<number>(`${c.conversationUrl}/events/count${query ? `?${query}` : ''}`, {
    headers: auth(c),
  });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

function waitStatus(c: StartedConversation, status: string, timeoutMs = 5000): Promise<Info> {
  return waitFor(
    async () => {
      const i = await info(c);
      return i.execution_status === status ? i : undefined;
    },
    timeoutMs,
    `execution_status ${status}`,
  );
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const isStatusUpdate = (e: Ev, value: string): boolean =>
  e.kind === 'ConversationStateUpdateEvent' && e.key === 'execution_status' && e.value === value;

let base: StartedConversation;
/** A new conversation in the first sandbox (Docker keeps at most 5 sandboxes running, §1). */
const fresh = (): Promise<StartedConversation> =>
  createConversation(getSim(), { sandbox_id: base.sandboxId });

beforeAll(async () => {
  base = await createConversation(getSim());
});

// §4.4 ConversationInfo, §4.2 id formats, §4.2 masked secrets
describe('GET {conversation_url}', () => {
  it('returns ConversationInfo with the dashed id, execution_status and a masked api_key', async () => {
    const c = await fresh();
    expect(c.id).toMatch(/^[0-9a-f]{32}$/);
    const body = await info(c);
    expect(body.id).toBe(dashed(c.id));
    expect(body.execution_status).toBe('idle');
    expect(body.agent.llm.api_key).toBe('**********');
    for (const field of ['workspace', 'persistence_dir', 'max_iterations', 'confirmation_policy', 'title']) {
      expect(body, field).toHaveProperty(field);
    }
    expect(body.created_at).toEqual(expect.any(String));
  });
});

// §4.3 send message / run, §9.18 (run defaults to false), §4.7 status events, §4.6 event kinds
describe('send message and run', () => {
  let c: StartedConversation;
  beforeAll(async () => {
    c = await fresh();
  });

  it('stores a message sent without run but stays idle (§9.18)', async () => {
    await sendMessage(c, { role: 'user', content: text('Please list the Files in the repo') });
    await sleep(150); // 15 simulated steps: long enough for a run to have started
    expect((await info(c)).execution_status).toBe('idle');
    const items = (await search(c)).items;
    expect(items.map((e) => e.kind)).toEqual(['SystemPromptEvent', 'MessageEvent']);
    expect(items[1]?.source).toBe('user');
  });

  it('POST /run goes running → finished and logs the documented events in order', async () => {
    const res = await post(c, '/run');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true });
    await waitStatus(c, 'finished');
    const items = (await search(c)).items;
    expect(items.map((e) => e.kind)).toEqual([
      'SystemPromptEvent',
      'MessageEvent',
      'ConversationStateUpdateEvent',
      'ActionEvent',
      'ObservationEvent',
      'MessageEvent',
      'ConversationStateUpdateEvent',
    ]);
    const [, user, running, action, observation, reply, finished] = items as [Ev, Ev, Ev, Ev, Ev, Ev, Ev];
    expect(user.source).toBe('user');
    expect(isStatusUpdate(running, 'running')).toBe(true);
    expect(running.source).toBe('environment');
    expect(action.source).toBe('agent');
    expect(observation.action_id).toBe(action.id);
    expect(observation.tool_call_id).toBe(action.tool_call_id);
    expect(reply.source).toBe('agent');
    expect((reply.llm_message as { role: string }).role).toBe('assistant');
    expect(isStatusUpdate(finished, 'finished')).toBe(true);
    // timestamps are naive ISO strings (§4.2) and ascending in the default TIMESTAMP order
    for (const e of items) expect(e.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?$/);
    expect([...items].map((e) => e.timestamp).sort()).toEqual(items.map((e) => e.timestamp));
  });

  it('POST /run on a finished conversation is a 200 no-op (§4.7)', async () => {
    const before = await count(c);
    const res = await post(c, '/run');
    expect(res.status).toBe(200);
    await sleep(100);
    expect((await info(c)).execution_status).toBe('finished');
    expect(await count(c)).toBe(before);
  });
});

// §4.3 /run (409) and /pause, §4.7 transitions
describe('run conflicts and pause', () => {
  it('409 while running, pause → paused with a PauseEvent, unknown pause → 400', async () => {
    const c = await fresh();
    await sendMessage(c, { role: 'user', content: text('A long job [slow]'), run: true });
    await waitStatus(c, 'running');
    const conflict = await post(c, '/run');
    expect(conflict.status).toBe(409);
    expect(conflict.body).toEqual({
      detail: 'Conversation already running. Wait for completion or pause first.',
    });

    const paused = await post(c, '/pause');
    expect(paused.status).toBe(200);
    expect(paused.body).toEqual({ success: true });
    await waitStatus(c, 'paused');
    const items = (await search(c)).items;
    expect(items.filter((e) => e.kind === 'PauseEvent')).toHaveLength(1);
    expect(items.find((e) => e.kind === 'PauseEvent')?.source).toBe('user');
    expect(items.some((e) => isStatusUpdate(e, 'paused'))).toBe(true);
    // paused stays paused: the agent made no further steps
    const n = items.length;
    await sleep(100);
    expect((await info(c)).execution_status).toBe('paused');
    expect(await count(c)).toBe(n);

    const unknown = await call(`${c.agentUrl}/api/conversations/${randomUUID()}/pause`, {
      method: 'POST',
      json: {},
      headers: auth(c),
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({ detail: 'Bad Request' });
  });
});

// §4.3 respond_to_confirmation, §4.6 UserRejectObservation, §4.7 (reject → idle in HEAD)
describe('confirmation', () => {
  it('reject → UserRejectObservation and idle; accept → finished', async () => {
    const c = await fresh();
    await sendMessage(c, { role: 'user', content: text('Delete the build folder [confirm]'), run: true });
    await waitStatus(c, 'waiting_for_confirmation');
    const pending = (await search(c)).items.filter((e) => e.kind === 'ActionEvent');
    expect(pending).toHaveLength(1);

    const rejected = await post(c, '/events/respond_to_confirmation', { accept: false, reason: 'Not now' });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toEqual({ success: true });
    await waitStatus(c, 'idle');
    const rejections = (await search(c)).items.filter((e) => e.kind === 'UserRejectObservation');
    expect(rejections).toHaveLength(1);
    expect(rejections[0]?.rejection_reason).toBe('Not now');
    expect(rejections[0]?.action_id).toBe(pending[0]?.id);

    await sendMessage(c, { role: 'user', content: text('Try again [confirm]'), run: true });
    await waitStatus(c, 'waiting_for_confirmation');
    const accepted = await post(c, '/events/respond_to_confirmation', { accept: true });
    expect(accepted.status).toBe(200);
    await waitStatus(c, 'finished');
    const items = (await search(c)).items;
    const actions = items.filter((e) => e.kind === 'ActionEvent');
    expect(actions).toHaveLength(2);
    expect(items.some((e) => e.kind === 'ObservationEvent' && e.action_id === actions[1]?.id)).toBe(true);
  });
});

// §4.7 transitions to error/stuck/idle, §4.6 ConversationErrorEvent
describe('terminal statuses', () => {
  it('[error] → error with a ConversationErrorEvent carrying code and detail', async () => {
    const c = await fresh();
    await sendMessage(c, { role: 'user', content: text('Break [error]'), run: true });
    await waitStatus(c, 'error');
    const errors = (await search(c)).items.filter((e) => e.kind === 'ConversationErrorEvent');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.source).toBe('environment');
    expect(errors[0]?.code).toEqual(expect.any(String));
    expect(errors[0]?.detail).toEqual(expect.any(String));
    expect(String(errors[0]?.detail).length).toBeGreaterThan(0);
  });

  it('[stuck] → stuck', async () => {
    const c = await fresh();
    await sendMessage(c, { role: 'user', content: text('Loop [stuck]'), run: true });
    await waitStatus(c, 'stuck');
    expect((await search(c)).items.some((e) => isStatusUpdate(e, 'stuck'))).toBe(true);
  });

  it('[ask] → idle with an agent message', async () => {
    const c = await fresh();
    await sendMessage(c, { role: 'user', content: text('Change a file [ask]'), run: true });
    // idle is also the starting status, so wait for the run's end in the log rather than on the status
    const items = await waitFor(
      async () => {
        const got = (await search(c)).items;
        return got.some((e) => isStatusUpdate(e, 'idle')) ? got : undefined;
      },
      5000,
      'the run to end idle',
    );
    expect((await info(c)).execution_status).toBe('idle');
    const running = items.findIndex((e) => isStatusUpdate(e, 'running'));
    const idle = items.findIndex((e) => isStatusUpdate(e, 'idle'));
    expect(running).toBeGreaterThan(0);
    expect(idle).toBeGreaterThan(running);
    const reply = items.slice(running, idle).filter((e) => e.kind === 'MessageEvent');
    expect(reply.map((e) => e.source)).toEqual(['agent']);
  });
});

// §4.3 error behaviour, §4.5 unknown event id, §9.23 inconsistent errors, §3.1 / §9.1 titles
describe('validation and errors', () => {
  let c: StartedConversation;
  beforeAll(async () => {
    c = await fresh();
  });

  it('a role other than user fails an assertion → 500', async () => {
    const res = await post(c, '/events', { role: 'assistant', content: text('hi') });
    expect(res.status).toBe(500);
  });

  it('a plain-string content over HTTP → 422 (HTTP needs a list, §4.6)', async () => {
    const res = await post(c, '/events', { role: 'user', content: 'hi' });
    expect(res.status).toBe(422);
    expect(Array.isArray((res.body as { detail: unknown }).detail)).toBe(true);
  });

  it('unknown conversation → 404 "Conversation not found: <dashed id>" on send and event routes', async () => {
    const hex = randomUUID().replace(/-/g, '');
    const send = await call(`${c.agentUrl}/api/conversations/${hex}/events`, {
      method: 'POST',
      json: { role: 'user', content: text('hi') },
      headers: auth(c),
    });
    expect(send.status).toBe(404);
    expect(send.body).toEqual({ detail: `Conversation not found: ${dashed(hex)}` });
    const events = await call(`${c.agentUrl}/api/conversations/${hex}/events/search`, { headers: auth(c) });
    expect(events.status).toBe(404);
    expect(events.body).toEqual({ detail: `Conversation not found: ${dashed(hex)}` });
    // GET /{cid} itself answers the generic 404 (§4.3)
    const get = await call(`${c.agentUrl}/api/conversations/${hex}`, { headers: auth(c) });
    expect(get.status).toBe(404);
    expect(get.body).toEqual({ detail: 'Not Found' });
  });

  it('a non-UUID conversation id → 422', async () => {
    const res = await call(`${c.agentUrl}/api/conversations/not-a-uuid`, { headers: auth(c) });
    expect(res.status).toBe(422);
    expect(Array.isArray((res.body as { detail: unknown }).detail)).toBe(true);
    const send = await call(`${c.agentUrl}/api/conversations/not-a-uuid/events`, {
      method: 'POST',
      json: { role: 'user', content: text('hi') },
      headers: auth(c),
    });
    expect(send.status).toBe(422);
  });

  it('GET /events/{unknown id} → 500 (KeyError), not 404', async () => {
    const res = await call(`${c.conversationUrl}/events/${randomUUID()}`, { headers: auth(c) });
    expect(res.status).toBe(500);
    expect((res.body as { detail: string }).detail).toBe('Internal Server Error');
    // a known id works
    const first = (await search(c)).items[0]!;
    const ok = await call<Ev>(`${c.conversationUrl}/events/${first.id}`, { headers: auth(c) });
    expect(ok.status).toBe(200);
    expect(ok.body.id).toBe(first.id);
  });

  it('PATCH an unknown conversation → 200 {"success":false}', async () => {
    const res = await call(`${c.agentUrl}/api/conversations/${randomUUID()}`, {
      method: 'PATCH',
      json: { title: 'x' },
      headers: auth(c),
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: false });
  });

  it('PATCH title is reflected in GET and in the app server batch get', async () => {
    const title = `Renamed ${randomUUID().slice(0, 8)}`;
    const res = await call(c.conversationUrl, { method: 'PATCH', json: { title }, headers: auth(c) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true });
    expect((await info(c)).title).toBe(title);
    // Asked for by the brief; the document does not say an agent-side PATCH reaches the app server's row
    // (§3.1 renames through V0 PATCH; §9.7 says ≥1.19 agent titles stay in the agent's ConversationInfo).
    const app = await call<{ id: string; title: string }[]>(
      `${getSim().url}/api/v1/app-conversations?ids=${c.id}`,
    );
    expect(app.status).toBe(200);
    expect(app.body[0]?.title).toBe(title);
  });

  it('DELETE an unknown conversation → 400', async () => {
    const res = await call(`${c.agentUrl}/api/conversations/${randomUUID()}`, {
      method: 'DELETE',
      headers: auth(c),
    });
    expect(res.status).toBe(400);
  });

  it('no session key → 401 {"detail":"Unauthorized"} (§4.1)', async () => {
    const res = await call(c.conversationUrl);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ detail: 'Unauthorized' });
  });
});

// §4.5 event search: limit, cursor, order, filters; count
describe('events search', () => {
  let c: StartedConversation;
  let all: Ev[];
  beforeAll(async () => {
    c = await fresh();
    await sendMessage(c, { role: 'user', content: text('Rename the Zebra module'), run: true });
    await waitStatus(c, 'finished');
    all = (await search(c)).items;
  });

  it('has the 7 events of one simple run', () => {
    expect(all).toHaveLength(7);
  });

  it('limit must be 1..100', async () => {
    for (const bad of ['0', '101']) {
      const res = await call(`${c.conversationUrl}/events/search?limit=${bad}`, { headers: auth(c) });
      expect(res.status, `limit=${bad}`).toBe(422);
    }
    expect((await search(c, 'limit=1')).items).toHaveLength(1);
    expect((await search(c, 'limit=100')).items).toHaveLength(all.length);
  });

  it('pages with an inclusive cursor: next_page_id is the first event of the next page', async () => {
    const first = await search(c, 'limit=2');
    expect(first.items.map((e) => e.id)).toEqual(all.slice(0, 2).map((e) => e.id));
    expect(first.next_page_id).toBe(all[2]!.id);
    const second = await search(c, `limit=2&page_id=${first.next_page_id}`);
    expect(second.items[0]!.id).toBe(all[2]!.id);

    const seen: string[] = [];
    let pageId: string | null = null;
    let pages = 0;
    do {
      const p: EventPage = await search(c, `limit=2${pageId ? `&page_id=${pageId}` : ''}`);
      seen.push(...p.items.map((e) => e.id));
      pageId = p.next_page_id;
      pages++;
    } while (pageId && pages < 20);
    expect(pages).toBe(4);
    expect(seen).toEqual(all.map((e) => e.id));
  });

  it('TIMESTAMP_DESC reverses the order', async () => {
    const desc = await search(c, 'sort_order=TIMESTAMP_DESC');
    expect(desc.items.map((e) => e.id)).toEqual([...all].reverse().map((e) => e.id));
    const asc = await search(c, 'sort_order=TIMESTAMP');
    expect(asc.items.map((e) => e.id)).toEqual(all.map((e) => e.id));
  });

  it('kind needs the fully qualified class path (§9.19)', async () => {
    const full = await search(c, `kind=${QUALIFIED_MESSAGE}`);
    expect(full.items).toHaveLength(2);
    expect(full.items.every((e) => e.kind === 'MessageEvent')).toBe(true);
    expect((await search(c, 'kind=MessageEvent')).items).toEqual([]);
    const actions = await search(c, `kind=${MODULE}.llm_convertible.action.ActionEvent`);
    expect(actions.items.map((e) => e.kind)).toEqual(['ActionEvent']);
    const updates = await search(c, `kind=${MODULE}.conversation_state.ConversationStateUpdateEvent`);
    expect(updates.items).toHaveLength(2);
  });

  it('source filter', async () => {
    for (const source of ['agent', 'user', 'environment']) {
      const got = await search(c, `source=${source}`);
      expect(
        got.items.map((e) => e.id),
        source,
      ).toEqual(all.filter((e) => e.source === source).map((e) => e.id));
      expect(got.items.length, source).toBeGreaterThan(0);
    }
  });

  it('body filter: case-insensitive substring of MessageEvent text only', async () => {
    const zebra = await search(c, 'body=zEBRA');
    expect(zebra.items).toHaveLength(2); // the user message and the agent reply that quotes it
    expect(zebra.items.every((e) => e.kind === 'MessageEvent')).toBe(true);
    const user = await search(c, 'body=zebra&source=user');
    expect(user.items).toHaveLength(1);
    // the ActionEvent's thought says "running a command" but other kinds never match
    const thought = all.find((e) => e.kind === 'ActionEvent')!.thought as { text: string }[];
    expect(thought[0]!.text.toLowerCase()).toContain('running a command');
    expect((await search(c, 'body=running%20a%20command')).items).toEqual([]);
  });

  it('timestamp__gte / timestamp__lt with an event timestamp', async () => {
    const pivot = all[3]!.timestamp;
    const gte = await search(c, `timestamp__gte=${encodeURIComponent(pivot)}`);
    expect(gte.items.map((e) => e.id)).toEqual(all.slice(3).map((e) => e.id));
    const lt = await search(c, `timestamp__lt=${encodeURIComponent(pivot)}`);
    expect(lt.items.map((e) => e.id)).toEqual(all.slice(0, 3).map((e) => e.id));
    const both = await search(
      c,
      `timestamp__gte=${encodeURIComponent(all[1]!.timestamp)}&timestamp__lt=${encodeURIComponent(pivot)}`,
    );
    expect(both.items.map((e) => e.id)).toEqual(all.slice(1, 3).map((e) => e.id));
  });

  it('/events/count matches the search totals for the same filters', async () => {
    const pivot = encodeURIComponent(all[3]!.timestamp);
    const filters = [
      '',
      `kind=${QUALIFIED_MESSAGE}`,
      'kind=MessageEvent',
      'source=agent',
      'body=zebra',
      `timestamp__gte=${pivot}`,
      `timestamp__lt=${pivot}`,
    ];
    for (const f of filters) {
      expect(await count(c, f), f).toBe((await search(c, f)).items.length);
    }
    expect(await count(c)).toBe(7);
  });
});

// §4.3 batch GET (at most 99 ids), §9.4
describe('batch GET {agent}/api/conversations', () => {
  it('99 ids → nulls for unknown ones; 100 ids → 500', async () => {
    const c = await fresh();
    const others = Array.from({ length: 98 }, () => randomUUID());
    const ids = [...others.slice(0, 40), c.id, ...others.slice(40)];
    const q = (list: string[]): string => list.map((id) => `ids=${id}`).join('&');
    const ok = await call<(Info | null)[]>(`${c.agentUrl}/api/conversations?${q(ids)}`, { headers: auth(c) });
    expect(ok.status).toBe(200);
    expect(ok.body).toHaveLength(99);
    expect(ok.body[40]?.id).toBe(dashed(c.id));
    expect(ok.body.filter((x) => x === null)).toHaveLength(98);

    const tooMany = await call(`${c.agentUrl}/api/conversations?${q([...ids, randomUUID()])}`, {
      headers: auth(c),
    });
    expect(tooMany.status).toBe(500);
  });
});

function sha256(buf: Uint8Array): string {
  return createHash('sha256').update(buf).digest('hex');
}

async function upload(url: string, bytes: Uint8Array, key: string) {
  const fd = new FormData();
  fd.append('file', new Blob([bytes]), 'upload.bin');
  return call(url, { method: 'POST', body: fd, headers: { 'X-Session-API-Key': key } });
}

async function download(url: string, key: string): Promise<{ status: number; bytes: Buffer; res: Response }> {
  const res = await fetch(url, { headers: { 'X-Session-API-Key': key } });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), res };
}

// §4.9 files on agent server 1.19.1, which has both forms (the path form was removed in 1.20.0), §8 upload path
describe('files', () => {
  let sim119: Simulator;
  let c: StartedConversation;
  beforeAll(async () => {
    sim119 = await startSimulator({ stepMs: 10, rateLimit: false, agentVersion: '1.19.1' });
    c = await createConversation(sim119);
  });
  afterAll(async () => {
    await sim119?.close();
  });

  it('path-form upload + query-form download of 3 MiB is byte-identical', async () => {
    const bytes = new Uint8Array(randomBytes(3 * 1024 * 1024));
    const up = await upload(
      `${c.agentUrl}/api/file/upload/%2Fworkspace%2Fdir%2Fa.bin`,
      bytes,
      c.sessionApiKey,
    );
    expect(up.status, up.text).toBe(200);
    expect(up.body).toEqual({ success: true });
    const down = await download(`${c.agentUrl}/api/file/download?path=/workspace/dir/a.bin`, c.sessionApiKey);
    expect(down.status).toBe(200);
    expect(down.res.headers.get('content-type')).toBe('application/octet-stream');
    expect(down.res.headers.get('content-disposition')).toContain('a.bin');
    expect(down.bytes.length).toBe(bytes.length);
    expect(sha256(down.bytes)).toBe(sha256(bytes));
  });

  it('query-form upload + path-form (download//abs) download is byte-identical, and overwrites', async () => {
    const first = new Uint8Array(randomBytes(1024));
    expect(
      (await upload(`${c.agentUrl}/api/file/upload?path=/workspace/q/b.bin`, first, c.sessionApiKey)).status,
    ).toBe(200);
    const bytes = new Uint8Array(randomBytes(3 * 1024 * 1024));
    const up = await upload(`${c.agentUrl}/api/file/upload?path=/workspace/q/b.bin`, bytes, c.sessionApiKey);
    expect(up.status, up.text).toBe(200);
    const down = await download(`${c.agentUrl}/api/file/download//workspace/q/b.bin`, c.sessionApiKey);
    expect(down.status).toBe(200);
    expect(sha256(down.bytes)).toBe(sha256(bytes));
  });

  it('a relative path → 400 "Path must be absolute"', async () => {
    const up = await upload(
      `${c.agentUrl}/api/file/upload?path=workspace/r.bin`,
      new Uint8Array([1]),
      c.sessionApiKey,
    );
    expect(up.status).toBe(400);
    expect(up.body).toEqual({ detail: 'Path must be absolute' });
    const down = await call(`${c.agentUrl}/api/file/download?path=workspace/r.bin`, { headers: auth(c) });
    expect(down.status).toBe(400);
    expect(down.body).toEqual({ detail: 'Path must be absolute' });
  });

  it('a missing file → 404; a directory → 400 "Path is not a file"', async () => {
    const missing = await call(`${c.agentUrl}/api/file/download?path=/workspace/nope/x.bin`, {
      headers: auth(c),
    });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ detail: 'File not found' });
    await upload(
      `${c.agentUrl}/api/file/upload?path=/workspace/d2/f.txt`,
      new Uint8Array([1, 2]),
      c.sessionApiKey,
    );
    const dir = await call(`${c.agentUrl}/api/file/download?path=/workspace/d2`, { headers: auth(c) });
    expect(dir.status).toBe(400);
    expect(dir.body).toEqual({ detail: 'Path is not a file' });
  });

  it('/health is still the JSON string "OK" on 1.19.1 ({"status":"ok"} only from 1.21.0)', async () => {
    const res = await call(`${c.agentUrl}/health`);
    expect(res.status).toBe(200);
    expect(res.text).toBe('"OK"');
  });
});

// §4.9 version differences (query form ≥1.14, path form <1.20, 1.3.0 500 on relative upload, /health body), §9.16
describe('agent-server version differences', () => {
  let sim120: Simulator;
  let sim13: Simulator;
  let c120: StartedConversation;
  let c13: StartedConversation;
  beforeAll(async () => {
    [sim120, sim13] = await Promise.all([
      startSimulator({ stepMs: 10, rateLimit: false, agentVersion: '1.20.0' }),
      startSimulator({ stepMs: 10, rateLimit: false, agentVersion: '1.3.0' }),
    ]);
    [c120, c13] = await Promise.all([createConversation(sim120), createConversation(sim13)]);
  });
  afterAll(async () => {
    await Promise.all([sim120?.close(), sim13?.close()]);
  });

  it('1.20.0 has only the query form: the path form is 404', async () => {
    const bytes = new Uint8Array(randomBytes(4096));
    const key = c120.sessionApiKey;
    expect((await upload(`${c120.agentUrl}/api/file/upload?path=/workspace/v.bin`, bytes, key)).status).toBe(
      200,
    );
    const q = await download(`${c120.agentUrl}/api/file/download?path=/workspace/v.bin`, key);
    expect(q.status).toBe(200);
    expect(sha256(q.bytes)).toBe(sha256(bytes));
    expect((await upload(`${c120.agentUrl}/api/file/upload/%2Fworkspace%2Fw.bin`, bytes, key)).status).toBe(
      404,
    );
    expect((await download(`${c120.agentUrl}/api/file/download/%2Fworkspace%2Fv.bin`, key)).status).toBe(404);
    expect((await download(`${c120.agentUrl}/api/file/download//workspace/v.bin`, key)).status).toBe(404);
  });

  it('1.3.0 has only the path form: the query form is 404', async () => {
    const bytes = new Uint8Array(randomBytes(4096));
    const key = c13.sessionApiKey;
    expect((await upload(`${c13.agentUrl}/api/file/upload/%2Fworkspace%2Fv.bin`, bytes, key)).status).toBe(
      200,
    );
    const p = await download(`${c13.agentUrl}/api/file/download//workspace/v.bin`, key);
    expect(p.status).toBe(200);
    expect(sha256(p.bytes)).toBe(sha256(bytes));
    expect((await upload(`${c13.agentUrl}/api/file/upload?path=/workspace/w.bin`, bytes, key)).status).toBe(
      404,
    );
    expect((await download(`${c13.agentUrl}/api/file/download?path=/workspace/v.bin`, key)).status).toBe(404);
  });

  it('1.3.0 swallows the relative-path 400 into a 500', async () => {
    const res = await upload(
      `${c13.agentUrl}/api/file/upload/workspace/rel.bin`,
      new Uint8Array([1]),
      c13.sessionApiKey,
    );
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      detail: 'Internal Server Error',
      exception: '500: Failed to upload file: 400: Path must be absolute',
    });
  });

  it('/health: 1.3.0 and 1.20.0 → "OK" (a JSON string), the default 1.44.0 → {"status":"ok"} (≥1.21.0)', async () => {
    const old = await call(`${c13.agentUrl}/health`);
    expect(old.status).toBe(200);
    expect(old.text).toBe('"OK"');
    const v120 = await call(`${c120.agentUrl}/health`);
    expect(v120.status).toBe(200);
    expect(v120.text).toBe('"OK"');
    const cur = await call(`${base.agentUrl}/health`);
    expect(cur.status).toBe(200);
    expect(cur.body).toEqual({ status: 'ok' });
  });

  it('/server_info reports the imitated version without auth', async () => {
    const res = await call<{ version: string }>(`${c13.agentUrl}/server_info`);
    expect(res.status).toBe(200);
    expect(res.body.version).toBe('1.3.0');
  });
});
