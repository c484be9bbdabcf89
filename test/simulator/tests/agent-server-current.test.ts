import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { call, createConversation, type StartedConversation, useSimulator, waitFor } from '../../support/sim';
import { type BareAgentServer, startBareAgentServer } from '../bare-agent-server';
import { type Simulator, startSimulator } from '../simulator';
import {
  type Client,
  closeSocketsAfterEach,
  type Ev,
  type Frame,
  isFullState,
  nullPaths,
  openEventSocket,
  refusedStatus,
  sleep,
} from './support/socket-client';

// Checks the simulated agent server against today's agent server (1.43.1 / 1.44.0) as
// /tmp/research/agent-server.md describes it (§4.1–4.10, §9), and its version gates, over real HTTP and
// WebSocket. Not checked against the simulator's own code.

type Info = Record<string, unknown> & { id: string; execution_status: string; leaf_event_id?: string | null };

/** What a test needs to talk to one conversation on one agent server. */
interface Target {
  /** The agent server's base URL (origin, plus a path prefix if any). */
  base: string;
  /** The conversation id as used in paths. */
  id: string;
  key: string;
}

const getSim = useSimulator();

const dashed = (hex: string): string =>
  hex.replace(/-/g, '').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
const text = (t: string): { type: 'text'; text: string }[] => [{ type: 'text', text: t }];

function target(c: StartedConversation): Target {
  return { base: c.agentUrl, id: c.id, key: c.sessionApiKey };
}

const headers = (t: Target): Record<string, string> => ({ 'X-Session-API-Key': t.key });

async function info(t: Target): Promise<Info> {
  const res = await call<Info>(`${t.base}/api/conversations/${t.id}`, { headers: headers(t) });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

async function post(t: Target, path: string, json: unknown = {}) {
  return call(`${t.base}/api/conversations/${t.id}${path}`, { method: 'POST', json, headers: headers(t) });
}

async function send(t: Target, message: string, run = true): Promise<void> {
  const res = await post(t, '/events', { role: 'user', content: text(message), run });
  expect(res.status, res.text).toBe(200);
}

async function search(t: Target, query = ''): Promise<Ev[]> {
  const res = await call<{ items: Ev[]; next_page_id: string | null }>(
    `${t.base}/api/conversations/${t.id}/events/search?limit=100${query ? `&${query}` : ''}`,
    { headers: headers(t) },
  );
  expect(res.status, res.text).toBe(200);
  expect(res.body.next_page_id).toBeNull();
  return res.body.items;
}

function waitStatus(t: Target, status: string, timeoutMs = 5000): Promise<Info> {
  return waitFor(
    async () => {
      const i = await info(t);
      return i.execution_status === status ? i : undefined;
    },
    timeoutMs,
    `execution_status ${status}`,
  );
}

/** Waits for a run that ends in `status` to have logged that status (idle/paused are also start states). */
function waitLogged(t: Target, status: string, after = 0, timeoutMs = 5000): Promise<Ev[]> {
  return waitFor(
    async () => {
      const items = await search(t);
      return items.slice(after).some((e) => isStatus(e, status)) ? items : undefined;
    },
    timeoutMs,
    `a logged ${status}`,
  );
}

const isStatus = (e: Frame, value: string): boolean =>
  e.kind === 'ConversationStateUpdateEvent' && e.key === 'execution_status' && e.value === value;
const nonState = (items: Ev[]): Ev[] => items.filter((e) => e.kind !== 'ConversationStateUpdateEvent');

closeSocketsAfterEach();

/** `ws://…{prefix}/sockets/events/{id}`, with the session key in the query unless `auth` is `'none'`. */
const openSocket = (
  t: Target,
  options: { query?: Record<string, string>; auth?: 'query' | 'none'; id?: string } = {},
): Promise<Client> =>
  openEventSocket(t.base, options.id ?? t.id, {
    query: { ...(options.auth === 'none' ? {} : { session_api_key: t.key }), ...options.query },
  });

/** Creates a conversation on a bare agent server (`POST /api/conversations`). */
async function startOn(server: BareAgentServer, extra: Record<string, unknown> = {}): Promise<Target> {
  const res = await call<Info>(`${server.baseUrl}/api/conversations`, {
    method: 'POST',
    json: {
      agent: { kind: 'Agent', llm: { model: 'litellm_proxy/claude-sonnet-4-5' } },
      workspace: { working_dir: '/workspace/project' },
      ...extra,
    },
    headers: { 'X-Session-API-Key': server.sessionApiKey ?? '' },
  });
  expect(res.status, res.text).toBe(201);
  return { base: server.baseUrl, id: res.body.id, key: server.sessionApiKey ?? '' };
}

/** Starts a simulator imitating `version` (closed after the file). */
const versioned = new Map<string, Promise<Simulator>>();
function simAt(version: string): Promise<Simulator> {
  let sim = versioned.get(version);
  if (!sim) {
    sim = startSimulator({ stepMs: 10, rateLimit: false, agentVersion: version });
    versioned.set(version, sim);
  }
  return sim;
}
afterAll(async () => {
  await Promise.all([...versioned.values()].map(async (s) => (await s).close()));
});

let base: StartedConversation;
const fresh = async (): Promise<Target> =>
  target(await createConversation(getSim(), { sandbox_id: base.sandboxId }));

beforeAll(async () => {
  base = await createConversation(getSim());
});

// ---------------------------------------------------------------------------------------------------
// 1. §4.1, §9.1: auth is a per-route dependency
describe('auth and routing (§4.1, §9.1)', () => {
  it('an unknown /api route is 404 {"detail":"Not Found"} with no key, a bad key or a good key', async () => {
    const t = target(base);
    for (const key of [undefined, 'wrong', t.key]) {
      for (const path of ['/api/nope', `/api/conversations/${t.id}/nope`, '/api/file/nope/deeper']) {
        const res = await call(`${t.base}${path}`, key ? { headers: { 'X-Session-API-Key': key } } : {});
        expect(res.status, `${path} key=${String(key)}`).toBe(404);
        expect(res.body).toEqual({ detail: 'Not Found' });
      }
    }
  });

  it('a known path with the wrong method is 405 {"detail":"Method Not Allowed"} without a key', async () => {
    const t = target(base);
    for (const [method, path] of [
      ['PUT', '/api/conversations/search'],
      ['DELETE', '/api/conversations'],
      ['GET', `/api/conversations/${t.id}/interrupt`],
      ['POST', '/server_info'],
    ] as const) {
      const res = await call(`${t.base}${path}`, { method });
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.body).toEqual({ detail: 'Method Not Allowed' });
    }
  });

  it('a matched route without a good key is 401, even with a malformed id; with the key that id is 422', async () => {
    const t = target(base);
    for (const h of [{}, { 'X-Session-API-Key': 'wrong' }] as Record<string, string>[]) {
      const res = await call(`${t.base}/api/conversations/not-a-uuid`, { headers: h });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ detail: 'Unauthorized' });
      const interrupt = await call(`${t.base}/api/conversations/${t.id}/interrupt`, {
        method: 'POST',
        headers: h,
      });
      expect(interrupt.status).toBe(401);
    }
    const ok = await call<{ detail: { loc: string[]; type: string }[] }>(
      `${t.base}/api/conversations/not-a-uuid`,
      {
        headers: headers(t),
      },
    );
    expect(ok.status).toBe(422);
    expect(ok.body.detail[0]?.loc).toEqual(['path', 'conversation_id']);
    expect(ok.body.detail[0]?.type).toBe('uuid_parsing');
  });

  it('the root routes need no key', async () => {
    const t = target(base);
    for (const path of ['/alive', '/health', '/ready', '/server_info']) {
      expect((await call(`${t.base}${path}`)).status, path).toBe(200);
    }
  });

  it('on 1.19.1 the interrupt route does not exist: 404 with or without a key', async () => {
    const c = await createConversation(await simAt('1.19.1'));
    for (const h of [{}, { 'X-Session-API-Key': c.sessionApiKey }] as Record<string, string>[]) {
      const res = await call(`${c.conversationUrl}/interrupt`, { method: 'POST', json: {}, headers: h });
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ detail: 'Not Found' });
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// 2. §4.3 POST /interrupt, §9.11
describe('interrupt (≥1.23.0, §4.3, §9.11)', () => {
  let slow: BareAgentServer;
  beforeAll(async () => {
    // 150 ms steps leave a reliable window between an action and its observation.
    slow = await startBareAgentServer({ stepMs: 150 });
  });
  afterAll(async () => {
    await slow?.close();
  });

  it('mid-step: AgentErrorEvent for the orphaned action, then paused + InterruptEvent, then full_state', async () => {
    const t = await startOn(slow);
    const client = await openSocket(t);
    await waitFor(() => isFullState(client.frames[0]), 2000, 'snapshot');
    await send(t, 'Count slowly [steps=5]');
    const action = await waitFor(
      () => client.frames.find((f) => f.kind === 'ActionEvent') as Ev | undefined,
      3000,
      'the first action',
    );
    const res = await post(t, '/interrupt');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true });

    const at = client.frames.findIndex((f) => f.id === action.id);
    await waitFor(() => client.frames.slice(at).some(isFullState), 2000, 'the snapshot after the interrupt');
    const after = client.frames.slice(at + 1);
    expect(
      after.map((f) => (f.kind === 'ConversationStateUpdateEvent' ? `${String(f.key)}` : f.kind)),
    ).toEqual(['AgentErrorEvent', 'execution_status', 'InterruptEvent', 'full_state']);
    const [error, status, interrupt, snapshot] = after as [Frame, Frame, Frame, Frame];
    expect(error).toMatchObject({
      source: 'agent',
      tool_name: 'terminal',
      tool_call_id: action.tool_call_id,
      error: 'Tool call interrupted before completion. The conversation was paused.',
      classification: { kind: 'agent_action', retryable: true, user_action: 'retry' },
    });
    expect(status.value).toBe('paused');
    expect(interrupt).toMatchObject({ kind: 'InterruptEvent', source: 'user' });
    expect((snapshot.value as Info).execution_status).toBe('paused');

    // the orphaned action never gets its observation, and the run does not go on
    await sleep(400);
    const stored = await search(t);
    expect(stored.filter((e) => e.kind === 'ObservationEvent')).toEqual([]);
    expect(stored.filter((e) => e.kind === 'ActionEvent')).toHaveLength(1);
    expect(stored.some((e) => e.kind === 'PauseEvent')).toBe(false);
    expect((await info(t)).execution_status).toBe('paused');
  });

  it('an ACP run interrupted mid tool call fails the open card (≥1.25.0)', async () => {
    const t = await startOn(slow);
    await send(t, '[acp] run the long tests [steps=10]');
    await waitFor(
      async () => (await search(t)).some((e) => e.kind === 'ACPToolCallEvent' && e.title === 'Run the tests'),
      5000,
      'the test tool call to start',
    );
    expect((await post(t, '/interrupt')).status).toBe(200);
    await waitStatus(t, 'paused');
    const cards = (await search(t)).filter(
      (e) => e.kind === 'ACPToolCallEvent' && e.title === 'Run the tests',
    );
    expect(cards.map((e) => [e.status, e.is_error])).toEqual([
      ['pending', false],
      ['failed', true],
    ]);
    expect((await search(t)).filter((e) => e.kind === 'InterruptEvent')).toHaveLength(1);
  });

  it('without an active run it falls back to pause: PauseEvent from idle, a no-op when finished', async () => {
    const t = await fresh();
    expect((await post(t, '/interrupt')).status).toBe(200);
    const items = await waitLogged(t, 'paused');
    expect(items.filter((e) => e.kind === 'PauseEvent')).toHaveLength(1);
    expect(items.some((e) => e.kind === 'InterruptEvent')).toBe(false);

    const done = await fresh();
    await send(done, 'quick one');
    await waitStatus(done, 'finished');
    const before = (await search(done)).length;
    expect((await post(done, '/interrupt')).status).toBe(200);
    await sleep(50);
    expect((await info(done)).execution_status).toBe('finished');
    expect((await search(done)).length).toBe(before);
  });

  it('an unknown conversation → 400 {"detail":"Bad Request"}', async () => {
    const res = await post({ ...target(base), id: randomUUID() }, '/interrupt');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ detail: 'Bad Request' });
  });
});

// ---------------------------------------------------------------------------------------------------
// 3. §4.6 ACPToolCallEvent, §9.12
describe('ACP tool calls (§4.6, §9.12)', () => {
  /** The cards of one ACP turn grouped by tool_call_id, in first-seen order. */
  function byToolCall(items: Ev[]): Map<string, Ev[]> {
    const groups = new Map<string, Ev[]>();
    for (const e of items.filter((x) => x.kind === 'ACPToolCallEvent')) {
      const id = String(e.tool_call_id);
      groups.set(id, [...(groups.get(id) ?? []), e]);
    }
    return groups;
  }

  it('≥1.25.0: exactly two cards per call (start, then terminal), then the closing finish pair', async () => {
    const t = await fresh();
    const client = await openSocket(t);
    await waitFor(() => isFullState(client.frames[0]), 2000, 'snapshot');
    await send(t, '[acp] Update the docs');
    await waitStatus(t, 'finished');
    const items = await search(t);
    const groups = byToolCall(items);
    expect([...groups.values()].map((g) => g[0]?.title)).toEqual([
      'Read README.md',
      'Run the tests',
      'Edit README.md',
    ]);
    for (const [id, cards] of groups) {
      expect(
        cards.map((e) => e.status),
        id,
      ).toEqual(['pending', 'completed']);
      expect(new Set(cards.map((e) => e.id)).size).toBe(2); // a new event id each time
      expect(cards.every((e) => e.source === 'agent' && e.is_error === false)).toBe(true);
    }
    const [read, tests, edit] = [...groups.values()] as [Ev[], Ev[], Ev[]];
    expect(read[0]).toMatchObject({
      tool_kind: 'read',
      raw_input: { file_path: '/workspace/project/README.md' },
    });
    // the terminal card carries the whole output; the progress in between was not persisted
    expect(tests[1]?.raw_output).toBe(
      'test 1 of 3 passed\ntest 2 of 3 passed\ntest 3 of 3 passed\n3 passed, 0 failed\n',
    );
    expect(tests[0]).toMatchObject({ tool_kind: 'execute', raw_input: { command: 'npm test' } });
    expect(tests[0]).not.toHaveProperty('raw_output'); // null, omitted on the wire
    expect((edit[1]?.content as { type: string; path: string }[]).map((b) => [b.type, b.path])).toEqual([
      ['diff', '/workspace/project/README.md'],
      ['diff', '/workspace/project/docs/acp-notes.md'],
    ]);

    // ACP agents emit no ActionEvent/ObservationEvent for their tools, only the closing finish pair
    const actions = items.filter((e) => e.kind === 'ActionEvent');
    expect(actions.map((e) => e.tool_name)).toEqual(['finish']);
    const finish = actions[0]!;
    expect((finish.action as { kind: string; message: string }).kind).toBe('FinishAction');
    const observation = items.find((e) => e.kind === 'ObservationEvent')!;
    expect(observation).toMatchObject({
      action_id: finish.id,
      tool_name: 'finish',
      tool_call_id: finish.tool_call_id,
    });
    expect((observation.observation as { kind: string }).kind).toBe('FinishObservation');
    const kinds = nonState(items).map((e) => e.kind);
    expect(kinds.slice(-2)).toEqual(['ActionEvent', 'ObservationEvent']);

    // streaming deltas are live only
    expect(client.frames.filter((f) => f.kind === 'StreamingDeltaEvent').length).toBe(2);
    expect(items.some((e) => e.kind === 'StreamingDeltaEvent')).toBe(false);

    // a client merging by tool_call_id ends with three terminal cards
    const merged = new Map<string, Frame>();
    for (const f of client.frames) if (f.kind === 'ACPToolCallEvent') merged.set(String(f.tool_call_id), f);
    expect([...merged.values()].map((f) => f.status)).toEqual(['completed', 'completed', 'completed']);

    const conv = await info(t);
    expect((conv.agent as { kind: string }).kind).toBe('ACPAgent');
    expect(conv.supports_runtime_model_switch).toBe(true);
    expect(conv.current_model_id).toBe('default');
  });

  it('<1.25.0 (1.24.0): one card per progress frame, each with the output so far', async () => {
    const c = await createConversation(await simAt('1.24.0'));
    const t = target(c);
    await send(t, '[acp] Update the docs');
    await waitStatus(t, 'finished');
    const groups = byToolCall(await search(t));
    const [read, tests, edit] = [...groups.values()] as [Ev[], Ev[], Ev[]];
    expect(read.map((e) => e.status)).toEqual(['pending', 'completed']);
    expect(edit.map((e) => e.status)).toEqual(['pending', 'completed']);
    expect(tests.map((e) => e.status)).toEqual([
      'pending',
      'in_progress',
      'in_progress',
      'in_progress',
      'completed',
    ]);
    expect(tests.map((e) => e.raw_output)).toEqual([
      null,
      'test 1 of 3 passed\n',
      'test 1 of 3 passed\ntest 2 of 3 passed\n',
      'test 1 of 3 passed\ntest 2 of 3 passed\ntest 3 of 3 passed\n',
      'test 1 of 3 passed\ntest 2 of 3 passed\ntest 3 of 3 passed\n3 passed, 0 failed\n',
    ]);
    expect(new Set(tests.map((e) => e.id)).size).toBe(5);
    expect(new Set(tests.map((e) => e.tool_call_id)).size).toBe(1);
  });

  it('a conversation created with an ACPAgent runs ACP turns without the marker', async () => {
    const server = await startBareAgentServer();
    try {
      const t = await startOn(server, { agent: { kind: 'ACPAgent', acp_command: ['claude-agent-acp'] } });
      await send(t, 'Plain request');
      await waitStatus(t, 'finished');
      expect(byToolCall(await search(t)).size).toBe(3);
    } finally {
      await server.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// 4. §4.6 HookExecutionEvent, §9.13
describe('hooks (§4.6, §9.13)', () => {
  it('[hook]: PreToolUse before its ActionEvent, PostToolUse before its ObservationEvent', async () => {
    const t = await fresh();
    const client = await openSocket(t);
    await waitFor(() => isFullState(client.frames[0]), 2000, 'snapshot');
    await send(t, 'Check with hooks [hook]');
    await waitStatus(t, 'finished');
    const items = nonState(await search(t));
    expect(items.map((e) => e.kind)).toEqual([
      'SystemPromptEvent',
      'MessageEvent',
      'HookExecutionEvent',
      'ActionEvent',
      'HookExecutionEvent',
      'ObservationEvent',
      'MessageEvent',
    ]);
    const [, , pre, action, postHook, observation] = items as [Ev, Ev, Ev, Ev, Ev, Ev];
    expect(pre).toMatchObject({
      source: 'hook',
      hook_event_type: 'PreToolUse',
      hook_command: '.openhands/hooks/check-tool.sh',
      tool_name: 'terminal',
      success: true,
      blocked: false,
      exit_code: 0,
      stdout: 'PreToolUse ok\n',
      stderr: '',
      action_id: action.id,
    });
    expect(postHook).toMatchObject({ hook_event_type: 'PostToolUse', blocked: false, action_id: action.id });
    expect(observation.action_id).toBe(action.id);

    // In the tree a hook is a sibling of the event it describes, so it is off the active path.
    expect(pre.parent_id).toBe(action.parent_id);
    expect(postHook.parent_id).toBe(action.id);
    expect(observation.parent_id).toBe(action.id);
    // Its live frame went out before stamping: no parent_id there.
    const liveHooks = client.frames.filter((f) => f.kind === 'HookExecutionEvent');
    expect(liveHooks.map((f) => f.id)).toEqual([pre.id, postHook.id]);
    expect(liveHooks.map((f) => 'parent_id' in f)).toEqual([false, false]);
    expect(client.frames.find((f) => f.id === action.id)?.parent_id).toBe(action.parent_id);
  });

  it('[hook-block]: blocked PreToolUse, then the action, then a UserRejectObservation from the hook', async () => {
    const t = await fresh();
    await send(t, 'Do something risky [hook-block]');
    await waitStatus(t, 'finished');
    const items = nonState(await search(t));
    expect(items.map((e) => e.kind)).toEqual([
      'SystemPromptEvent',
      'MessageEvent',
      'HookExecutionEvent',
      'ActionEvent',
      'UserRejectObservation',
      'MessageEvent',
    ]);
    const [, , hook, action, rejection] = items as [Ev, Ev, Ev, Ev, Ev];
    const reason = 'Blocked by .openhands/hooks/check-tool.sh: this tool call is not allowed here.';
    expect(hook).toMatchObject({
      hook_event_type: 'PreToolUse',
      blocked: true,
      success: false,
      exit_code: 2,
      reason,
      stderr: `${reason}\n`,
      action_id: action.id,
    });
    expect(rejection).toMatchObject({
      source: 'environment',
      action_id: action.id,
      tool_call_id: action.tool_call_id,
      rejection_source: 'hook',
      rejection_reason: reason,
    });
    expect((await info(t)).blocked_actions).toEqual({ [action.id]: reason });
  });
});

// ---------------------------------------------------------------------------------------------------
// 5. §4.6 event tree, §4.3 navigate/fork, §9.14, §9.15
describe('event tree (≥1.31.0, §4.6, §4.3)', () => {
  let t: Target;
  let items: Ev[];
  beforeAll(async () => {
    t = await fresh();
    await send(t, 'Build the tree');
    await waitStatus(t, 'finished');
    items = await search(t);
  });

  it('every stored event points at HEAD; state updates are stamped but do not advance it', () => {
    let head: string | undefined;
    for (const e of items) {
      // the first event hangs under an empty HEAD (null, omitted on the wire)
      expect(e.parent_id, `${e.kind} ${e.id}`).toBe(head);
      if (e.kind !== 'ConversationStateUpdateEvent') head = e.id;
    }
    expect(items.filter((e) => e.kind === 'ConversationStateUpdateEvent').length).toBe(2);
  });

  it('ConversationInfo and a new socket full_state carry leaf_event_id', async () => {
    const last = nonState(items).at(-1)!;
    expect((await info(t)).leaf_event_id).toBe(last.id);
    const client = await openSocket(t);
    await waitFor(() => isFullState(client.frames[0]), 2000, 'snapshot');
    const snapshot = client.frames[0]!;
    expect(snapshot).not.toHaveProperty('parent_id'); // never stored, never stamped
    expect(snapshot.value).toMatchObject({ leaf_event_id: last.id, head_is_empty: false });
  });

  it('navigate moves HEAD, returns ConversationInfo, pushes nothing; the next message starts a sibling branch', async () => {
    const user = items.find((e) => e.kind === 'MessageEvent' && e.source === 'user')!;
    const client = await openSocket(t);
    await waitFor(() => isFullState(client.frames[0]), 2000, 'snapshot');
    const res = await post(t, '/navigate', { event_id: user.id });
    expect(res.status).toBe(200);
    expect((res.body as Info).id).toBe(dashed(t.id));
    expect((res.body as Info).leaf_event_id).toBe(user.id);
    await sleep(100);
    expect(client.frames).toHaveLength(1); // only the snapshot: navigate is silent
    expect((await info(t)).leaf_event_id).toBe(user.id);

    await send(t, 'Another way', false);
    const after = await search(t);
    // search keeps every branch: the old run, plus the message and the finished → idle update
    expect(after.length).toBe(items.length + 2);
    const message = nonState(after).at(-1)!;
    expect(message.parent_id).toBe(user.id);
    // the old continuation of that user message is still in the log, on the abandoned branch
    expect(after.find((e) => e.parent_id === user.id && e.id !== message.id)?.kind).toBe(
      'ConversationStateUpdateEvent',
    );
  });

  it('navigate(null) empties the tree: the next event is a new root ("__root__")', async () => {
    const res = await post(t, '/navigate', { event_id: null });
    expect(res.status).toBe(200);
    expect((res.body as Info).leaf_event_id).toBeNull();
    const client = await openSocket(t);
    await waitFor(() => isFullState(client.frames[0]), 2000, 'snapshot');
    expect(client.frames[0]!.value).toMatchObject({ head_is_empty: true });
    expect(client.frames[0]!.value).not.toHaveProperty('leaf_event_id');
    await send(t, 'From scratch', false);
    const last = nonState(await search(t)).at(-1)!;
    expect(last.parent_id).toBe('__root__');
    expect((await info(t)).leaf_event_id).toBe(last.id);
  });

  it('navigate errors: unknown event → 404 "Unknown event_id: …", unknown conversation → 404', async () => {
    const bad = await post(t, '/navigate', { event_id: 'no-such-event' });
    expect(bad.status).toBe(404);
    expect(bad.body).toEqual({ detail: 'Unknown event_id: no-such-event' });
    const unknown = await post({ ...t, id: randomUUID() }, '/navigate', { event_id: null });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ detail: 'Conversation not found' });
  });

  it('fork from an event: 201, a new idle conversation with the branch root…event', async () => {
    const src = await fresh();
    await send(src, 'First task');
    await waitStatus(src, 'finished');
    const srcItems = await search(src);
    const user = srcItems.find((e) => e.kind === 'MessageEvent' && e.source === 'user')!;
    const forkId = randomUUID();
    const res = await post(src, '/fork', {
      id: forkId,
      title: 'Fork A',
      tags: { team: 'qa' },
      from_event_id: user.id,
    });
    expect(res.status, res.text).toBe(201);
    const forked = res.body as Info;
    expect(forked).toMatchObject({
      id: forkId,
      execution_status: 'idle',
      title: 'Fork A',
      tags: { team: 'qa' },
      forked_from_conversation_id: dashed(src.id),
      forked_from_event_id: user.id,
      leaf_event_id: user.id,
    });
    const f: Target = { ...src, id: forkId };
    expect((await search(f)).map((e) => e.id)).toEqual([srcItems[0]!.id, user.id]);
    // the fork runs on its own; the source is untouched
    await send(f, 'Continue in the fork');
    await waitStatus(f, 'finished');
    expect(
      (await search(f)).find((e) => e.kind === 'MessageEvent' && e.source === 'user' && e.id !== user.id)
        ?.parent_id,
    ).toBe(user.id);
    expect((await search(src)).length).toBe(srcItems.length);

    // without from_event_id: the whole log, HEAD where the source's was
    const whole = await post(src, '/fork', {});
    expect(whole.status).toBe(201);
    const w = whole.body as Info;
    expect(w.forked_from_event_id).toBeNull();
    expect(w.title).toBeNull();
    expect(w.leaf_event_id).toBe((await info(src)).leaf_event_id);
    expect((await search({ ...src, id: w.id })).map((e) => e.id)).toEqual(srcItems.map((e) => e.id));
  });

  it('fork errors: existing id → 409, unknown source → 404, unknown from_event_id → 404', async () => {
    const again = await post(t, '/fork', { id: dashed(t.id) });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ detail: `Conversation with id ${dashed(t.id)} already exists` });
    const unknown = await post({ ...t, id: randomUUID() }, '/fork', {});
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ detail: 'Source conversation not found' });
    const badEvent = await post(t, '/fork', { from_event_id: 'nope' });
    expect(badEvent.status).toBe(404);
    expect(badEvent.body).toEqual({ detail: 'Unknown event_id: nope' });
  });

  it('1.19.1 has no tree: no parent_id, no leaf_event_id, no /navigate', async () => {
    const c = target(await createConversation(await simAt('1.19.1')));
    await send(c, 'Old server');
    await waitStatus(c, 'finished');
    expect((await search(c)).some((e) => 'parent_id' in e)).toBe(false);
    expect(await info(c)).not.toHaveProperty('leaf_event_id');
    expect((await post(c, '/navigate', { event_id: null })).status).toBe(404);
  });

  it('1.31.2–1.36.1 strip parent_id from socket frames and search items; GET /events/{id} keeps it', async () => {
    const c = target(await createConversation(await simAt('1.33.0')));
    const client = await openSocket(c);
    await waitFor(() => isFullState(client.frames[0]), 2000, 'snapshot');
    await send(c, 'Compat layer');
    await waitStatus(c, 'finished');
    const listed = await search(c);
    expect(listed.some((e) => 'parent_id' in e)).toBe(false);
    expect(client.frames.some((f) => 'parent_id' in f)).toBe(false);
    const reply = listed.at(-2)!; // the agent's reply, before the final status update
    const one = await call<Ev>(`${c.base}/api/conversations/${c.id}/events/${reply.id}`, {
      headers: headers(c),
    });
    expect(one.status).toBe(200);
    expect(one.body.parent_id).toBe(listed.at(-3)!.id);
    expect((await info(c)).leaf_event_id).toBe(reply.id);
  });
});

// ---------------------------------------------------------------------------------------------------
// 6. §4.8 socket auth, snapshot, limits
describe('socket (§4.8)', () => {
  it('first-frame auth exists from 1.18.1; 1.18.0 refuses a key-less socket with HTTP 403', async () => {
    const c181 = target(await createConversation(await simAt('1.18.1')));
    const client = await openSocket(c181, { auth: 'none' });
    await sleep(50);
    expect(client.frames).toEqual([]);
    client.send({ type: 'auth', session_api_key: c181.key });
    await waitFor(() => isFullState(client.frames[0]), 2000, 'snapshot after the auth frame');

    const c180 = target(await createConversation(await simAt('1.18.0')));
    expect(await refusedStatus(openSocket(c180, { auth: 'none' }))).toBe(403);
  });

  it('a bad query key is refused before accept (HTTP 403), never a 4001', async () => {
    expect(await refusedStatus(openSocket({ ...target(base), key: 'wrong' }))).toBe(403);
  });

  it('later auth frames: ignored from 1.22.1; before (1.22.0), and with extra keys, a ServerErrorEvent', async () => {
    const t = target(base);
    const client = await openSocket(t);
    await waitFor(() => isFullState(client.frames[0]), 2000, 'snapshot');
    client.send({ type: 'auth', session_api_key: t.key });
    await sleep(50);
    expect(client.frames).toHaveLength(1);
    client.send({ type: 'auth', session_api_key: t.key, extra: true });
    const error = await waitFor(
      () => client.frames.find((f) => f.kind === 'ServerErrorEvent'),
      2000,
      'error',
    );
    expect(error).toMatchObject({ source: 'environment', code: 'ValidationError' });

    const old = target(await createConversation(await simAt('1.22.0')));
    const oldClient = await openSocket(old);
    await waitFor(() => isFullState(oldClient.frames[0]), 2000, 'snapshot');
    oldClient.send({ type: 'auth', session_api_key: old.key });
    const oldError = await waitFor(
      () => oldClient.frames.find((f) => f.kind === 'ServerErrorEvent'),
      2000,
      'error',
    );
    expect(oldError.code).toBe('ValidationError');
    expect(oldClient.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('dropNextFullState(): the next socket misses its snapshot but gets live events; the one after is normal', async () => {
    const c = await createConversation(getSim(), { sandbox_id: base.sandboxId });
    const t = target(c);
    getSim().world.sandboxes.get(c.sandboxId)!.agent.dropNextFullState();
    const client = await openSocket(t);
    await sleep(100);
    expect(client.frames).toEqual([]);
    await send(t, 'live only');
    await waitFor(() => client.frames.some((f) => isStatus(f, 'finished')), 5000, 'finished frame');
    await sleep(50); // the end-of-run snapshot follows the status update
    expect(client.frames[0]).toMatchObject({ kind: 'MessageEvent', source: 'user' });
    expect(client.frames.filter((f) => isFullState(f)).length).toBe(1); // the end-of-run snapshot only
    expect(isFullState(client.frames.at(-1))).toBe(true);

    const next = await openSocket(t);
    await waitFor(() => isFullState(next.frames[0]), 2000, 'snapshot of the next socket');
  });

  it('dropNextFullState() has no effect before 1.22.0 (the push was not bounded)', async () => {
    const sim = await simAt('1.21.0');
    const c = await createConversation(sim);
    sim.world.sandboxes.get(c.sandboxId)!.agent.dropNextFullState();
    const client = await openSocket(target(c));
    await waitFor(() => isFullState(client.frames[0]), 2000, 'snapshot');
  });

  it('4004 for an unknown conversation; 1013 for the 51st subscriber (≥1.22.1)', async () => {
    const t = await fresh();
    const unknown = await openSocket({ ...t, id: randomUUID() });
    expect(await unknown.closed).toEqual({ code: 4004, reason: 'Conversation not found' });

    const clients = await Promise.all(Array.from({ length: 50 }, () => openSocket(t)));
    await waitFor(() => clients.every((cl) => isFullState(cl.frames[0])), 5000, '50 snapshots');
    const extra = await openSocket(t);
    expect(await extra.closed).toEqual({ code: 1013, reason: 'Too many connections for this conversation' });
    expect(extra.frames).toEqual([]);
  });

  it('frames omit nulls from 1.31.2 and include them before (1.19.1)', async () => {
    const cur = await fresh();
    const client = await openSocket(cur);
    await send(cur, 'nulls?');
    await waitFor(() => client.frames.some((f) => isStatus(f, 'finished')), 5000, 'finished');
    for (const f of client.frames) expect(nullPaths(f), String(f.kind)).toEqual([]);

    const old = target(await createConversation(await simAt('1.19.1')));
    const oldClient = await openSocket(old);
    await send(old, 'nulls?');
    await waitFor(() => oldClient.frames.some((f) => isStatus(f, 'finished')), 5000, 'finished');
    expect(nullPaths(oldClient.frames[0])).toContain('$.value.security_analyzer');
    const action = oldClient.frames.find((f) => f.kind === 'ActionEvent')!;
    expect(nullPaths(action)).toEqual(['$.action.timeout']);
  });
});

// ---------------------------------------------------------------------------------------------------
// 7. §4.1 path prefix (root_path)
describe('path prefix (§4.1)', () => {
  let server: BareAgentServer;
  beforeAll(async () => {
    server = await startBareAgentServer({ pathPrefix: '/runtime/{port}' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('baseUrl is origin + /runtime/<port>', () => {
    const port = server.agent.server.port;
    expect(server.baseUrl).toBe(`http://127.0.0.1:${port}/runtime/${port}`);
    expect(server.agent.pathPrefix).toBe(`/runtime/${port}`);
  });

  it('answers prefixed and unprefixed paths alike; a foreign prefix is 404', async () => {
    const t = await startOn(server);
    const origin = server.agent.url;
    for (const b of [server.baseUrl, origin]) {
      expect((await info({ ...t, base: b })).id).toBe(t.id);
      expect((await call(`${b}/health`)).body).toEqual({ status: 'ok' });
    }
    const foreign = await call(`${origin}/runtime/1/api/conversations/${t.id}`, { headers: headers(t) });
    expect(foreign.status).toBe(404);
    // unknown prefixed routes are still 404 without a key; known ones 401
    expect((await call(`${server.baseUrl}/api/nope`)).status).toBe(404);
    expect((await call(`${server.baseUrl}/api/conversations/${t.id}`)).status).toBe(401);
    // the request log holds the routed path
    const logged = server.requests.filter((r) => r.url.startsWith('/runtime/'));
    expect(logged.some((r) => r.path === `/api/conversations/${t.id}`)).toBe(true);
  });

  it('the event socket works under the prefix (and without it)', async () => {
    const t = await startOn(server);
    const prefixed = await openSocket(t);
    await waitFor(() => isFullState(prefixed.frames[0]), 2000, 'snapshot under the prefix');
    const plain = await openSocket({ ...t, base: server.agent.url });
    await waitFor(() => isFullState(plain.frames[0]), 2000, 'snapshot without the prefix');
  });
});

// ---------------------------------------------------------------------------------------------------
// 8. §4.9 server_info and health, §4.4 ConversationInfo, §4.3 search cursor and create
describe('server info, health and ConversationInfo (§4.4, §4.9)', () => {
  it('/server_info on 1.44.0 has the current fields; 1.19.1 lacks the newer ones', async () => {
    const res = await call<Record<string, unknown>>(`${base.agentUrl}/server_info`);
    expect(res.status).toBe(200);
    const body = res.body;
    expect(Number.isInteger(body.uptime)).toBe(true);
    expect(body).toMatchObject({
      title: 'OpenHands Agent Server',
      version: '1.44.0',
      sdk_version: '1.44.0',
      tools_version: '1.44.0',
      workspace_version: '1.44.0',
      build_git_sha: 'unknown',
      build_git_ref: 'unknown',
      runtime_idle_timeout_seconds: null,
      max_foreground_terminal_timeout_seconds: null,
      capabilities: [
        'credential_binding_v1',
        'credential_binding_readiness_probe_v1',
        'credential_binding_activation_guard_v1',
      ],
      docs: '/docs',
      redoc: '/redoc',
    });
    expect(body.usable_tools).toEqual(['terminal', 'file_editor', 'task_tracker', 'browser_tool_set']);

    const old = await createConversation(await simAt('1.19.1'));
    const oldInfo = await call<Record<string, unknown>>(`${old.agentUrl}/server_info`);
    expect(oldInfo.body.version).toBe('1.19.1');
    expect(oldInfo.body).not.toHaveProperty('capabilities');
    expect(oldInfo.body).not.toHaveProperty('usable_tools');
  });

  it('/health is {"status":"ok"} from 1.21.0', async () => {
    const c = await createConversation(await simAt('1.21.0'));
    expect((await call(`${c.agentUrl}/health`)).body).toEqual({ status: 'ok' });
    expect((await call(`${base.agentUrl}/health`)).body).toEqual({ status: 'ok' });
  });

  it('ConversationInfo has exactly the 1.44.0 fields, dashed id, …Z times, null metrics', async () => {
    const t = await fresh();
    const body = await info(t);
    expect(Object.keys(body).sort()).toEqual(
      [
        'activated_knowledge_skills',
        'agent',
        'agent_state',
        'available_models',
        'blocked_actions',
        'blocked_messages',
        'client_tools',
        'confirmation_policy',
        'created_at',
        'current_model_id',
        'execution_status',
        'forked_from_conversation_id',
        'forked_from_event_id',
        'hook_config',
        'id',
        'invoked_skills',
        'last_user_message_id',
        'launched_agent_profile',
        'leaf_event_id',
        'max_iterations',
        'metrics',
        'parent_conversation_id',
        'persistence_dir',
        'secret_registry',
        'security_analyzer',
        'stats',
        'stuck_detection',
        'sub_conversation_ids',
        'supports_runtime_model_switch',
        'tags',
        'title',
        'updated_at',
        'workspace',
      ].sort(),
    );
    expect(body.id).toBe(dashed(t.id));
    expect(body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(body.updated_at).toMatch(/Z$/);
    expect(body.metrics).toBeNull();
    expect(body.stats).toEqual({ usage_to_metrics: {} });
    expect(body.workspace).toEqual({ kind: 'LocalWorkspace', working_dir: '/workspace/project' });
    expect((body.agent as { kind: string }).kind).toBe('Agent');
    expect(body.supports_runtime_model_switch).toBe(false);
    expect(body.available_models).toEqual([]);
    const first = (await search(t))[0]!;
    expect(body.leaf_event_id).toBe(first.id);

    await send(t, 'remember me', false);
    const user = (await search(t)).at(-1)!;
    expect((await info(t)).last_user_message_id).toBe(user.id);
  });

  it('conversation search: next_page_id is 32-hex while items are dashed; a dashed cursor restarts', async () => {
    const t = target(base);
    const url = (q: string): string => `${t.base}/api/conversations/search?${q}`;
    type Page = { items: Info[]; next_page_id: string | null };
    const all = await call<Page>(url('limit=100'), { headers: headers(t) });
    expect(all.body.items.length).toBeGreaterThanOrEqual(3);
    const first = await call<Page>(url('limit=1'), { headers: headers(t) });
    expect(first.body.items[0]?.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const cursor = first.body.next_page_id!;
    expect(cursor).toMatch(/^[0-9a-f]{32}$/);
    expect(cursor).toBe(all.body.items[1]!.id.replace(/-/g, ''));
    const second = await call<Page>(url(`limit=1&page_id=${cursor}`), { headers: headers(t) });
    expect(second.body.items[0]?.id).toBe(all.body.items[1]!.id);
    const restarted = await call<Page>(url(`limit=1&page_id=${dashed(cursor)}`), { headers: headers(t) });
    expect(restarted.body.items[0]?.id).toBe(all.body.items[0]!.id);
  });

  it('GET /events/{unknown id} → 500 with an error_id', async () => {
    const t = target(base);
    const res = await call<Record<string, string>>(
      `${t.base}/api/conversations/${t.id}/events/${randomUUID()}`,
      {
        headers: headers(t),
      },
    );
    expect(res.status).toBe(500);
    expect(res.body.detail).toBe('Internal Server Error');
    expect(res.body.error_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('generate_title exists up to 1.18.x and is gone from 1.19.0', async () => {
    const c = target(await createConversation(await simAt('1.18.0')));
    await send(c, 'Fix the login page\nand more', false);
    const res = await post(c, '/generate_title', { max_length: 9 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ title: 'Fix the l' });
    expect((await post(target(base), '/generate_title', {})).status).toBe(404);
  });
});

describe('POST /api/conversations on the agent server (§4.3 StartConversationRequest)', () => {
  let server: BareAgentServer;
  const url = (): string => `${server.baseUrl}/api/conversations`;
  const key = (): Record<string, string> => ({ 'X-Session-API-Key': server.sessionApiKey ?? '' });
  const agent = { kind: 'Agent', llm: { model: 'openai/gpt-5' } };
  const workspace = { working_dir: '/workspace/project' };
  beforeAll(async () => {
    server = await startBareAgentServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('validates: workspace.working_dir required, exactly one agent source', async () => {
    const cases: [Record<string, unknown>, string[]][] = [
      [{ agent }, ['body', 'workspace']],
      [{ agent, workspace: {} }, ['body', 'workspace', 'working_dir']],
      [{ workspace }, ['body']],
      [{ workspace, agent, agent_settings: { llm: { model: 'x' } } }, ['body']],
    ];
    for (const [json, loc] of cases) {
      const res = await call<{ detail: { loc: string[] }[] }>(url(), {
        method: 'POST',
        json,
        headers: key(),
      });
      expect(res.status, JSON.stringify(json)).toBe(422);
      expect(res.body.detail[0]?.loc).toEqual(loc);
    }
    const profile = randomUUID();
    const missing = await call(url(), {
      method: 'POST',
      json: { workspace, agent_profile_id: profile },
      headers: key(),
    });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ detail: `Agent profile not found: ${profile}` });
  });

  it('201 with ConversationInfo; the initial message always runs; the title comes from it; 200 for an existing id', async () => {
    const id = randomUUID();
    const res = await call<Info>(url(), {
      method: 'POST',
      json: {
        conversation_id: id,
        agent,
        workspace: { type: 'local', working_dir: '/workspace/other' },
        initial_message: { role: 'user', content: text('Say hi'), run: false },
        tags: { env: 'test' },
        max_iterations: 42,
      },
      headers: key(),
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      id,
      max_iterations: 42,
      tags: { env: 'test' },
      workspace: { kind: 'LocalWorkspace', working_dir: '/workspace/other' },
      agent: { kind: 'Agent', llm: { model: 'openai/gpt-5', api_key: '**********' } },
    });
    const t: Target = { base: server.baseUrl, id, key: server.sessionApiKey ?? '' };
    await waitStatus(t, 'finished');
    expect((await info(t)).title).toBe('Say hi');

    const again = await call<Info>(url(), {
      method: 'POST',
      json: { conversation_id: id, agent, workspace },
      headers: key(),
    });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(id);
    expect((await search(t)).filter((e) => e.kind === 'MessageEvent' && e.source === 'user')).toHaveLength(1);
  });

  it('without an initial message the title is null and the conversation idle; agent_settings picks the kind', async () => {
    const res = await call<Info>(url(), {
      method: 'POST',
      json: { agent_settings: { agent_kind: 'acp', llm: { model: 'x/y' } }, workspace },
      headers: key(),
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.title).toBeNull();
    expect(res.body.execution_status).toBe('idle');
    expect((res.body.agent as { kind: string }).kind).toBe('ACPAgent');
  });
});

describe('files and git (§4.9)', () => {
  let t: Target;
  beforeAll(async () => {
    // Its own sandbox: other tests' ACP runs edit the shared sandbox's repository.
    t = target(await createConversation(getSim()));
  });

  it('GET /api/file/home lists the home folder (≥1.21.0)', async () => {
    const res = await call(`${t.base}/api/file/home`, { headers: headers(t) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      home: '/home/openhands',
      favorites: [{ label: 'projects', path: '/home/openhands/projects' }],
      locations: [{ label: '/', path: '/' }],
    });
    const c120 = await createConversation(await simAt('1.20.0'));
    expect(
      (await call(`${c120.agentUrl}/api/file/home`, { headers: { 'X-Session-API-Key': c120.sessionApiKey } }))
        .status,
    ).toBe(404);
  });

  it('GET /api/file/search_subdirs pages directories by lower-cased name', async () => {
    for (const dir of ['Beta', 'alpha', 'gamma', '.hidden']) {
      const fd = new FormData();
      fd.append('file', new Blob(['x']), 'x.txt');
      const up = await call(`${t.base}/api/file/upload?path=/data/${dir}/x.txt`, {
        method: 'POST',
        body: fd,
        headers: headers(t),
      });
      expect(up.status).toBe(200);
    }
    const q = (query: string) => call(`${t.base}/api/file/search_subdirs?${query}`, { headers: headers(t) });
    expect((await q('path=/data')).body).toEqual({
      items: [
        { name: 'alpha', path: '/data/alpha' },
        { name: 'Beta', path: '/data/Beta' },
        { name: 'gamma', path: '/data/gamma' },
      ],
      next_page_id: null,
    });
    expect((await q('path=/data&limit=1')).body).toEqual({
      items: [{ name: 'alpha', path: '/data/alpha' }],
      next_page_id: 'beta',
    });
    expect((await q('path=/data&limit=1&page_id=beta')).body).toMatchObject({
      items: [{ name: 'Beta' }],
      next_page_id: 'gamma',
    });
    expect(((await q('path=/data&include_hidden=true')).body as { items: unknown[] }).items).toHaveLength(4);
    expect(await q('path=/nope')).toMatchObject({ status: 404, body: { detail: 'Directory not found' } });
    expect(await q('path=/data/alpha/x.txt')).toMatchObject({
      status: 400,
      body: { detail: 'Path is not a directory' },
    });
    expect(await q('path=data')).toMatchObject({ status: 400, body: { detail: 'Path must be absolute' } });
  });

  it('git changes and diff show what the scripted agent wrote; outside a repository [] and nulls', async () => {
    const g = (route: string, path: string) =>
      call(`${t.base}/api/git/${route}?path=${encodeURIComponent(path)}`, { headers: headers(t) });
    expect((await g('changes', '/workspace/project')).body).toEqual([]);
    await send(t, 'Write notes [write]');
    await waitStatus(t, 'finished');
    await send(t, '[acp] and update the readme');
    await waitStatus(t, 'finished');
    expect((await g('changes', '/workspace/project')).body).toEqual([
      { status: 'ADDED', path: 'docs/acp-notes.md' },
      { status: 'ADDED', path: 'NOTES.md' },
      { status: 'UPDATED', path: 'README.md' },
    ]);
    const diff = (await g('diff', '/workspace/project/README.md')).body as {
      modified: string;
      original: string;
    };
    expect(diff.original).toBe('# project\n\nA simulated repository.\n');
    expect(diff.modified).toBe('# project\n\nA simulated repository.\n\nUpdated by the ACP agent.\n');
    expect((await g('diff', '/workspace/project/NOTES.md')).body).toMatchObject({ original: null });
    expect((await g('changes', '/data')).body).toEqual([]);
    expect((await g('diff', '/data/alpha/x.txt')).body).toEqual({ modified: null, original: null });
  });
});
