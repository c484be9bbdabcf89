import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { call, createConversation, type StartedConversation, useSimulator, waitFor } from '../../support/sim';
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

// Checks the simulated agent-server event socket against docs/openhands-api.md §4.8 and §4.7
// (and §2.3, §9.20, §9.21), not against the simulator's own code.

closeSocketsAfterEach();

/** Opens `ws://{host:port of conversation_url}/sockets/events/{id}`, checking every frame is a text frame. */
const openSocket = (
  c: StartedConversation,
  options: { query?: Record<string, string>; headers?: Record<string, string>; id?: string } = {},
): Promise<Client> =>
  openEventSocket(new URL(c.conversationUrl).origin, options.id ?? c.id, {
    query: options.query,
    headers: options.headers,
    textOnly: true,
  });

const getSim = useSimulator();

const auth = (c: StartedConversation): Record<string, string> => ({ 'X-Session-API-Key': c.sessionApiKey });
const keyQuery = (c: StartedConversation): Record<string, string> => ({ session_api_key: c.sessionApiKey });
const userMessage = (text: string): Frame => ({ role: 'user', content: [{ type: 'text', text }] });

const statusIndex = (frames: Frame[], value: string): number =>
  frames.findIndex(
    (f) => f.kind === 'ConversationStateUpdateEvent' && f.key === 'execution_status' && f.value === value,
  );

async function restEvents(c: StartedConversation, query = ''): Promise<Ev[]> {
  const res = await call<{ items: Ev[] }>(
    `${c.conversationUrl}/events/search?limit=100${query ? `&${query}` : ''}`,
    {
      headers: auth(c),
    },
  );
  expect(res.status).toBe(200);
  return res.body.items;
}

async function executionStatus(c: StartedConversation): Promise<string> {
  const res = await call<{ execution_status: string }>(c.conversationUrl, { headers: auth(c) });
  return res.body.execution_status;
}

let base: StartedConversation;
const fresh = (): Promise<StartedConversation> =>
  createConversation(getSim(), { sandbox_id: base.sandboxId });

beforeAll(async () => {
  base = await createConversation(getSim());
});

// §4.8 query auth, frame order, client frames (always run), null fields omitted; §4.7 status events
describe('query-key socket', () => {
  it('starts with a full_state snapshot; a message runs the agent; frames omit nulls', async () => {
    const c = await fresh();
    const client = await openSocket(c, { query: keyQuery(c) });
    const first = await waitFor(() => client.frames[0], 2000, 'first frame');
    expect(isFullState(first)).toBe(true);
    const value = first.value as { execution_status: unknown; id: unknown };
    expect(typeof value.execution_status).toBe('string');
    expect(value.execution_status).toBe('idle');

    client.send(userMessage('hi'));
    await waitFor(() => statusIndex(client.frames, 'finished') >= 0, 5000, 'finished frame');
    const running = statusIndex(client.frames, 'running');
    const finished = statusIndex(client.frames, 'finished');
    expect(running).toBeGreaterThan(0);
    expect(finished).toBeGreaterThan(running);
    const messages = client.frames.filter((f) => f.kind === 'MessageEvent');
    expect(messages.map((f) => f.source)).toEqual(['user', 'agent']);
    expect(client.frames.some((f) => f.kind === 'ActionEvent')).toBe(true);
    expect(await executionStatus(c)).toBe('finished');

    await sleep(50); // let the end-of-run snapshot arrive too
    for (const [i, frame] of client.frames.entries()) {
      expect(nullPaths(frame), `frame ${i} (${String(frame.kind)})`).toEqual([]);
      for (const field of ['kind', 'id', 'timestamp', 'source']) {
        expect(typeof frame[field], `frame ${i} ${field}`).toBe('string');
      }
    }
  });

  it('accepts the X-Session-API-Key header (≥1.12)', async () => {
    const client = await openSocket(base, { headers: auth(base) });
    await waitFor(() => client.frames[0], 2000, 'first frame');
    expect(isFullState(client.frames[0])).toBe(true);
  });

  it('refuses a wrong query or header key, and a non-UUID id, with HTTP 403', async () => {
    expect(await refusedStatus(openSocket(base, { query: { session_api_key: 'wrong' } }))).toBe(403);
    expect(await refusedStatus(openSocket(base, { headers: { 'X-Session-API-Key': 'wrong' } }))).toBe(403);
    expect(await refusedStatus(openSocket(base, { id: 'not-a-uuid', query: keyQuery(base) }))).toBe(403);
  });

  it('closes with 4004 for an unknown conversation (valid UUID)', async () => {
    const client = await openSocket(base, { id: randomUUID(), query: keyQuery(base) });
    const { code, reason } = await client.closed;
    expect(code).toBe(4004);
    expect(reason).toBe('Conversation not found');
    expect(client.frames).toEqual([]);
  });

  it('accepts dashed and hex ids alike', async () => {
    const dashed = base.id.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
    const client = await openSocket(base, { id: dashed, query: keyQuery(base) });
    await waitFor(() => client.frames[0], 2000, 'first frame');
    expect(isFullState(client.frames[0])).toBe(true);
  });
});

// §4.8 first-frame auth (≥1.18.1; the default agent version is 1.44.0), §9.21
describe('first-frame auth', () => {
  it('no key at open, then {"type":"auth"} → full_state', async () => {
    const client = await openSocket(base);
    await sleep(50);
    expect(client.frames).toEqual([]); // nothing before the auth frame
    client.send({ type: 'auth', session_api_key: base.sessionApiKey });
    await waitFor(() => client.frames[0], 2000, 'first frame');
    expect(isFullState(client.frames[0])).toBe(true);
    // later auth-shaped frames are ignored: no ServerErrorEvent, still open
    client.send({ type: 'auth', session_api_key: base.sessionApiKey });
    await sleep(50);
    expect(client.frames.some((f) => f.kind === 'ServerErrorEvent')).toBe(false);
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('a wrong first frame closes with 4001 "Authentication failed"', async () => {
    for (const frame of [{ type: 'auth', session_api_key: 'wrong' }, 'not json', userMessage('hi')]) {
      const client = await openSocket(base);
      client.send(frame);
      const { code, reason } = await client.closed;
      expect(code, JSON.stringify(frame)).toBe(4001);
      expect(reason).toBe('Authentication failed');
      expect(client.frames).toEqual([]);
    }
  });

  describe('with socketAuthTimeoutMs: 200', () => {
    let sim: Simulator;
    let c: StartedConversation;
    beforeAll(async () => {
      sim = await startSimulator({ stepMs: 10, rateLimit: false, socketAuthTimeoutMs: 200 });
      c = await createConversation(sim);
    });
    afterAll(async () => {
      await sim?.close();
    });

    it('sending nothing → 4001 after the deadline', async () => {
      const started = Date.now();
      const client = await openSocket(c);
      const { code } = await client.closed;
      const elapsed = Date.now() - started;
      expect(code).toBe(4001);
      expect(elapsed).toBeGreaterThanOrEqual(180);
      expect(elapsed).toBeLessThan(3000);
    });
  });
});

// §4.8 replay (resend_mode, resend_all, since) and frame order; de-duplication by id
describe('replay', () => {
  let c: StartedConversation;
  let stored: Ev[];
  beforeAll(async () => {
    c = await fresh();
    const sent = await call(`${c.conversationUrl}/events`, {
      method: 'POST',
      json: { ...userMessage('Replay me'), run: true },
      headers: auth(c),
    });
    expect(sent.status).toBe(200);
    await waitFor(async () => (await executionStatus(c)) === 'finished', 5000, 'finished');
    stored = await restEvents(c);
  });

  async function replayed(query: Record<string, string>, expected: number): Promise<Frame[]> {
    const client = await openSocket(c, { query: { ...keyQuery(c), ...query } });
    await waitFor(() => client.frames.length >= expected + 1, 3000, `${expected} replayed frames`);
    await sleep(50); // nothing more should come
    expect(client.frames).toHaveLength(expected + 1);
    expect(isFullState(client.frames[0])).toBe(true);
    const replay = client.frames.slice(1);
    const ids = new Set(stored.map((e) => e.id));
    for (const f of replay)
      expect(ids.has(String(f.id)), `replayed id ${String(f.id)} is in REST search`).toBe(true);
    return replay;
  }

  it('has stored events to replay', () => {
    expect(stored.length).toBe(7);
  });

  it('default: no replay, only the snapshot', async () => {
    const client = await openSocket(c, { query: keyQuery(c) });
    await waitFor(() => client.frames[0], 2000, 'first frame');
    await sleep(100);
    expect(client.frames).toHaveLength(1);
    expect(isFullState(client.frames[0])).toBe(true);
    expect((client.frames[0]!.value as { execution_status: string }).execution_status).toBe('finished');
  });

  it('resend_mode=all replays every stored event oldest-first after the snapshot', async () => {
    const replay = await replayed({ resend_mode: 'all' }, stored.length);
    expect(replay.map((f) => f.id)).toEqual(stored.map((e) => e.id));
  });

  it('resend_all=true (deprecated) does the same', async () => {
    const replay = await replayed({ resend_all: 'true' }, stored.length);
    expect(replay.map((f) => f.id)).toEqual(stored.map((e) => e.id));
  });

  it('resend_mode=since&after_timestamp replays only events with timestamp ≥ it', async () => {
    const pivot = stored[3]!.timestamp;
    const expected = stored.filter((e) => e.timestamp >= pivot);
    expect(expected.length).toBe(4);
    const replay = await replayed({ resend_mode: 'since', after_timestamp: pivot }, expected.length);
    expect(replay.map((f) => f.id)).toEqual(expected.map((e) => e.id));
    for (const f of replay) expect(String(f.timestamp) >= pivot).toBe(true);
    // it is the same set the REST timestamp filter gives
    const rest = await restEvents(c, `timestamp__gte=${encodeURIComponent(pivot)}`);
    expect(replay.map((f) => f.id)).toEqual(rest.map((e) => e.id));
  });

  it('resend_mode=since without a timestamp replays nothing', async () => {
    await replayed({ resend_mode: 'since' }, 0);
  });
});

// §4.8 bad client frames (ServerErrorEvent, ≥1.16, not stored), run key ignored, §4.6 string content on the socket
describe('bad client frames', () => {
  it('answers with a ServerErrorEvent and stays open; a valid message still works', async () => {
    const c = await fresh();
    const client = await openSocket(c, { query: keyQuery(c) });
    await waitFor(() => client.frames[0], 2000, 'first frame');

    client.send('this is not json');
    const e1 = await waitFor(() => client.frames.find((f) => f.kind === 'ServerErrorEvent'), 2000, 'error 1');
    expect(e1.code).toEqual(expect.any(String));
    expect(e1.detail).toEqual(expect.any(String));
    expect(client.ws.readyState).toBe(WebSocket.OPEN);

    client.send({ content: [{ type: 'text', text: 'no role' }] });
    await waitFor(
      () => client.frames.filter((f) => f.kind === 'ServerErrorEvent').length === 2,
      2000,
      'error 2',
    );
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    expect(client.frames.some((f) => f.kind === 'MessageEvent')).toBe(false);

    // "run": false in a socket frame is ignored: socket messages always run
    client.send({ ...userMessage('after the errors'), run: false });
    await waitFor(() => statusIndex(client.frames, 'finished') >= 0, 5000, 'finished frame');
    expect(client.frames.filter((f) => f.kind === 'MessageEvent').map((f) => f.source)).toEqual([
      'user',
      'agent',
    ]);

    const rest = await restEvents(c);
    expect(rest.some((e) => e.kind === 'ServerErrorEvent')).toBe(false); // sent only over the socket
    expect(rest.filter((e) => e.kind === 'MessageEvent')).toHaveLength(2);
  });

  it('coerces a bare string content to one text item (socket only)', async () => {
    const c = await fresh();
    const client = await openSocket(c, { query: keyQuery(c) });
    await waitFor(() => client.frames[0], 2000, 'first frame');
    client.send({ role: 'user', content: 'plain string' });
    const msg = await waitFor(
      () => client.frames.find((f) => f.kind === 'MessageEvent' && f.source === 'user'),
      2000,
      'user message',
    );
    expect((msg.llm_message as { content: unknown }).content).toEqual([
      { type: 'text', text: 'plain string' },
    ]);
    expect(client.frames.some((f) => f.kind === 'ServerErrorEvent')).toBe(false);
  });
});

// §4.8 (reconnect model, 1006 when dropped), §2.3 / §4.1 key rotation
describe('dropped sockets and key rotation', () => {
  it('sim.dropSockets() → the client sees 1006', async () => {
    const client = await openSocket(base, { query: keyQuery(base) });
    await waitFor(() => client.frames[0], 2000, 'first frame');
    getSim().dropSockets();
    const { code } = await client.closed;
    expect(code).toBe(1006);
  });

  it('rotateSessionKey: the old key is refused (403 / 401), the new one accepted (socket / 200)', async () => {
    const c = await createConversation(getSim()); // its own sandbox: the rotation must not affect other tests
    const old = c.sessionApiKey;
    const next = getSim().rotateSessionKey(c.sandboxId);
    expect(next).not.toBe(old);

    expect(await refusedStatus(openSocket(c, { query: { session_api_key: old } }))).toBe(403);
    const client = await openSocket(c, { query: { session_api_key: next } });
    await waitFor(() => client.frames[0], 2000, 'first frame');
    expect(isFullState(client.frames[0])).toBe(true);

    const oldHttp = await call(c.conversationUrl, { headers: { 'X-Session-API-Key': old } });
    expect(oldHttp.status).toBe(401);
    expect(oldHttp.body).toEqual({ detail: 'Unauthorized' });
    const newHttp = await call(c.conversationUrl, { headers: { 'X-Session-API-Key': next } });
    expect(newHttp.status).toBe(200);

    // the app server hands out the new key
    const app = await call<{ session_api_key: string }[]>(
      `${getSim().url}/api/v1/app-conversations?ids=${c.id}`,
    );
    expect(app.body[0]?.session_api_key).toBe(next);
  });
});

// §3.5 sandbox pause/resume, §3.2 AppConversation fields while not RUNNING, §4.8 reconnect on the same URL
describe('sandbox pause and resume', () => {
  it('pause drops the socket and the port; resume lets a new socket in on the same URL', async () => {
    const sim = getSim();
    const c = await createConversation(sim); // its own sandbox
    const client = await openSocket(c, { query: keyQuery(c) });
    await waitFor(() => client.frames[0], 2000, 'first frame');

    const paused = await call(`${sim.url}/api/v1/sandboxes/${c.sandboxId}/pause`, { method: 'POST' });
    expect(paused.status).toBe(200);
    expect(paused.body).toEqual({ success: true });
    const { code } = await client.closed;
    expect(code).not.toBe(1000);

    const refused = await fetch(`${c.agentUrl}/health`).then(
      () => 'answered',
      (error: unknown) => String((error as { cause?: { code?: string } }).cause?.code),
    );
    expect(refused).toBe('ECONNREFUSED');

    type AppConv = {
      sandbox_status: string;
      conversation_url: string | null;
      session_api_key: string | null;
      execution_status: string | null;
    };
    const batch = async (): Promise<AppConv> =>
      (await call<AppConv[]>(`${sim.url}/api/v1/app-conversations?ids=${c.id}`)).body[0]!;
    const whilePaused = await batch();
    expect(whilePaused).toMatchObject({
      sandbox_status: 'PAUSED',
      conversation_url: null,
      session_api_key: null,
      execution_status: null,
    });

    const resumed = await call(`${sim.url}/api/v1/sandboxes/${c.sandboxId}/resume`, { method: 'POST' });
    expect(resumed.status).toBe(200);
    const running = await waitFor(
      async () => {
        const a = await batch();
        return a.sandbox_status === 'RUNNING' ? a : undefined;
      },
      5000,
      'sandbox RUNNING',
    );
    expect(running.conversation_url).toBe(c.conversationUrl);
    expect(running.session_api_key).toBe(c.sessionApiKey);

    const again = await openSocket(c, { query: keyQuery(c) });
    await waitFor(() => again.frames[0], 2000, 'first frame after resume');
    expect(isFullState(again.frames[0])).toBe(true);
    again.send(userMessage('still there?'));
    await waitFor(() => statusIndex(again.frames, 'finished') >= 0, 5000, 'finished after resume');
  });
});
