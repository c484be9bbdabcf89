import { request as httpRequest } from 'node:http';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OpenHandsServer } from '../../src/main/api/openhands-server';
import type { ConversationRef, StartProgress } from '../../src/shared/conversations';
import { START_TASK_STATUSES } from '../../src/shared/openhands-enums';
import { useSimulator, waitFor } from '../support/sim';
import type { Simulator } from '../simulator/simulator';
import {
  expectApiError,
  HEX32,
  makeServer,
  randomHex,
  since,
  startHttpServer,
  type TestServer,
} from './support';

const STREAM_START = '/api/v1/app-conversations/stream-start';
const BATCH = '/api/v1/app-conversations';

/** Live execution status of a V1 conversation, as the app server reports it. */
async function executionStatus(server: OpenHandsServer, ref: ConversationRef): Promise<string | null> {
  const [row] = await server.getConversations([ref.id]);
  return row?.executionStatus ?? null;
}

function waitForStatus(server: OpenHandsServer, ref: ConversationRef, status: string): Promise<true> {
  return waitFor(async () => (await executionStatus(server, ref)) === status || undefined, 5000, status);
}

function sandboxOf(sim: Simulator, ref: ConversationRef): string {
  const record = sim.world.conversations.get(ref.id);
  if (!record) throw new Error(`no conversation ${ref.id}`);
  return record.sandboxId;
}

/**
 * A pass-through proxy to the simulator that cuts `stream-start` right after the first streamed start task
 * (the connection is destroyed mid-body): the only way to break the stream after its first element, since the
 * simulator's own faults act before any byte of a response.
 */
async function streamCuttingProxy(target: string) {
  let cuts = 0;
  const proxy = await startHttpServer((req, res) => {
    const upstreamUrl = new URL(req.url ?? '/', target);
    const upstream = httpRequest(
      upstreamUrl,
      { method: req.method, headers: { ...req.headers, host: upstreamUrl.host } },
      (up) => {
        const cut = req.url?.startsWith(STREAM_START);
        res.writeHead(up.statusCode ?? 502, up.headers);
        if (!cut) {
          up.pipe(res);
          return;
        }
        let text = '';
        let done = false;
        up.on('data', (chunk: Buffer) => {
          if (done) return;
          const before = text.length;
          text += chunk.toString('utf8');
          const end = text.indexOf(',\n');
          if (end < 0) {
            res.write(chunk);
            return;
          }
          done = true;
          cuts++;
          res.write(text.slice(before, end), () =>
            setTimeout(() => {
              res.socket?.destroy();
              upstream.destroy();
            }, 30),
          );
        });
      },
    );
    upstream.on('error', () => res.socket?.destroy());
    req.pipe(upstream);
  });
  return { ...proxy, cuts: () => cuts };
}

describe('V1 client against the simulator', () => {
  const sim = useSimulator({ stepMs: 10, maxSandboxes: 50 });
  let server: TestServer;
  beforeAll(() => {
    server = makeServer(sim().url);
  });
  afterEach(() => sim().faults.reset());

  describe('createConversation', () => {
    it('reports every start step in order through onProgress and returns a V1 ref with a 32-hex id', async () => {
      const progress: StartProgress[] = [];
      const from = sim().requests.length;
      const ref = await server.createConversation({ initialMessage: 'Say hello' }, (p) => progress.push(p));

      expect(ref).toMatchObject({ serverId: 'srv', version: 'V1' });
      expect(ref.id).toMatch(HEX32);
      expect(sim().world.conversations.has(ref.id)).toBe(true);

      expect(progress.length).toBeGreaterThanOrEqual(3);
      expect(progress[0]!.status).toBe('WORKING');
      // The stream repeats a task when other fields change (sandbox_id, agent_server_url), so a step can be
      // reported twice in a row; it never goes back, and every step of the walk is seen in order.
      const steps = progress.map((p) => p.step);
      for (let i = 1; i < steps.length; i++) expect(steps[i]!).toBeGreaterThanOrEqual(steps[i - 1]!);
      expect([...new Set(progress.map((p) => p.status))]).toEqual(START_TASK_STATUSES.slice(0, 8));
      const last = progress.at(-1)!;
      expect(last.status).toBe('READY');
      expect(last.step).toBe(last.totalSteps);
      expect(new Set(progress.map((p) => p.taskId)).size).toBe(1);
      expect(progress.map((p) => p.elapsedMs)).toEqual(
        [...progress.map((p) => p.elapsedMs)].sort((a, b) => a - b),
      );

      // One streamed request, no polling.
      const log = since(sim(), from).filter((e) => e.server === 'app');
      expect(log.filter((e) => e.path === STREAM_START)).toHaveLength(1);
      expect(log.filter((e) => e.path.startsWith('/api/v1/app-conversations/start-tasks'))).toHaveLength(0);
    });

    it('rejects a start that fails on the server with server-error carrying the detail', async () => {
      const detail = 'Repository acme/missing was not found';
      sim().failNextStart('PREPARING_REPOSITORY', detail);
      const progress: StartProgress[] = [];
      const error = await expectApiError(
        server.createConversation({ selectedRepository: 'acme/missing' }, (p) => progress.push(p)),
        'server-error',
      );
      expect(error.message).toContain(detail);
      // The failure keeps the step the start stopped at (it used to fall back to 0).
      const before = progress.filter((p) => p.status !== 'ERROR').at(-1);
      expect(before?.step).toBeGreaterThanOrEqual(2);
      expect(progress.at(-1)).toMatchObject({ status: 'ERROR', step: before?.step, detail });
    });

    it('falls back to polling the start task when the stream breaks after the first task', async () => {
      const proxy = await streamCuttingProxy(sim().url);
      try {
        const proxied = makeServer(proxy.url, { options: { startPollMs: 30 } });
        const progress: StartProgress[] = [];
        const from = sim().requests.length;
        const ref = await proxied.createConversation({}, (p) => progress.push(p));

        expect(proxy.cuts()).toBe(1);
        expect(ref.version).toBe('V1');
        expect(ref.id).toMatch(HEX32);
        expect(progress[0]!.status).toBe('WORKING');
        expect(progress.at(-1)!.status).toBe('READY');
        const steps = progress.map((p) => p.step);
        for (let i = 1; i < steps.length; i++) expect(steps[i]!).toBeGreaterThanOrEqual(steps[i - 1]!);
        // The rest came from polling the batch get of start tasks.
        const polls = since(sim(), from).filter((e) => e.path === '/api/v1/app-conversations/start-tasks');
        expect(polls.length).toBeGreaterThan(0);
        expect(polls[0]!.url).toContain(`ids=${progress[0]!.taskId}`);
        expect(proxied.log.lines.some((l) => l.includes('start stream broke'))).toBe(true);
        // The ref is usable.
        const [row] = await server.getConversations([ref.id]);
        expect(row?.sandboxStatus).toBe('RUNNING');
      } finally {
        await proxy.close();
      }
    });

    it('rejects with offline, without polling, when the stream breaks before any task', async () => {
      sim().faults.override({ path: STREAM_START, kind: 'resetMidBody', times: 1 });
      const from = sim().requests.length;
      await expectApiError(server.createConversation({}), 'offline');
      const log = since(sim(), from);
      expect(log.filter((e) => e.path === STREAM_START)).toHaveLength(1);
      expect(log.filter((e) => e.path.startsWith('/api/v1/app-conversations/start-tasks'))).toHaveLength(0);
    });

    // Regression guard, fixed bug (app-server-client.ts streamStart): any non-2xx answer to stream-start becomes 'server-error'
    // ("could not stream the start (HTTP n)") instead of going through errorForStatus: a rejected key is not
    // 'unauthorized', a 429 is not 'rate-limited' (no retryAfterMs, budget not blocked), a 422 loses its detail.
    it('maps HTTP errors of stream-start through the taxonomy (401, 429, 422)', async () => {
      const cases = [
        { status: 401, body: { error: 'NoCredentialsError' }, kind: 'unauthorized' },
        { status: 429, body: { message: 'Too many requests' }, kind: 'rate-limited' },
        {
          status: 422,
          body: { detail: [{ loc: ['body', 'agent_type'], msg: "Input should be 'default' or 'plan'" }] },
          kind: 'bad-request',
        },
      ] as const;
      for (const c of cases) {
        sim().faults.override({
          path: STREAM_START,
          kind: 'status',
          status: c.status,
          body: c.body,
          headers: c.status === 429 ? { 'retry-after': '40' } : {},
          times: 1,
        });
        const fresh = makeServer(sim().url);
        const error = await expectApiError(fresh.createConversation({}), c.kind);
        if (c.status === 429) expect(error.retryAfterMs).toBe(40_000);
        if (c.status === 422) expect(error.message).toContain('agent_type');
      }
    });

    // Regression guard, fixed bug (app-server-client.ts streamStart): the fetch rejection is always turned into 'offline', so a
    // start cancelled by the user before the first task arrives is reported as "could not be reached".
    it('reports a start cancelled before the first task as aborted', async () => {
      await server.detect();
      sim().faults.set('app', { latencyMs: 400 });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      await expectApiError(server.createConversation({}, undefined, controller.signal), 'aborted');
    });

    // Regression guard, fixed bug (app-server-client.ts streamStart / openhands-server.ts createConversation): stream-start has no
    // timeout at all (no first-byte or idle limit, and startTimeoutMs only applies to polling), so a server
    // that accepts the connection and never answers leaves createConversation pending forever.
    it('gives up on a stream-start that never answers (startTimeoutMs)', async () => {
      const hanging = makeServer(sim().url, { options: { startTimeoutMs: 500 } });
      await hanging.detect();
      sim().faults.override({ path: STREAM_START, kind: 'hang', times: 1 });
      const controller = new AbortController();
      const start = hanging.createConversation({}, undefined, controller.signal);
      start.catch(() => undefined);
      const outcome = await Promise.race([
        start.then(
          () => 'resolved',
          (error: unknown) => error,
        ),
        new Promise((r) => setTimeout(() => r('still pending after 2 s'), 2000)),
      ]);
      controller.abort();
      expect(outcome).toMatchObject({ kind: 'timeout' });
    });
  });

  describe('listing', () => {
    beforeAll(async () => {
      const titles = ['Paging alpha 1', 'Paging alpha 2', 'Paging ALPHA 3', 'Paging beta 1', 'Paging beta 2'];
      for (const title of titles) await sim().seedConversation({ title });
    });

    it('pages listConversations with nextPageId and returns each conversation once', async () => {
      const all = await server.listConversations({ titleContains: 'paging', limit: 100 });
      expect(all.items).toHaveLength(5);
      expect(all.nextPageId).toBeNull();

      const paged: string[] = [];
      let pageId: string | undefined;
      let pages = 0;
      do {
        const page = await server.listConversations({
          titleContains: 'paging',
          limit: 2,
          ...(pageId ? { pageId } : {}),
        });
        expect(page.items.length).toBeLessThanOrEqual(2);
        paged.push(...page.items.map((c) => c.id));
        pageId = page.nextPageId ?? undefined;
        pages++;
      } while (pageId && pages < 10);
      expect(pages).toBe(3);
      expect(paged).toEqual(all.items.map((c) => c.id));
      expect(new Set(paged).size).toBe(5);
      for (const item of all.items) {
        expect(item).toMatchObject({ serverId: 'srv', version: 'V1', legacyStatus: null });
        expect(item.id).toMatch(HEX32);
      }
    });

    it('filters by title, case-insensitively, on the server', async () => {
      const from = sim().requests.length;
      const alpha = await server.listConversations({ titleContains: 'Alpha' });
      expect(alpha.items.map((c) => c.title).sort()).toEqual([
        'Paging ALPHA 3',
        'Paging alpha 1',
        'Paging alpha 2',
      ]);
      const search = since(sim(), from).find((e) => e.path === '/api/v1/app-conversations/search');
      expect(search?.url).toContain('title__contains=Alpha');
      const none = await server.listConversations({ titleContains: 'no such title at all' });
      expect(none.items).toEqual([]);
    });
  });

  it('getConversations of 150 ids makes 2 batch requests of at most 99 ids and keeps order with nulls', async () => {
    const real = await Promise.all([
      sim().seedConversation({ title: 'Batch first' }),
      sim().seedConversation({ title: 'Batch middle' }),
      sim().seedConversation({ title: 'Batch last' }),
    ]);
    const ids = Array.from({ length: 150 }, randomHex);
    const positions = [0, 99, 149];
    positions.forEach((at, i) => (ids[at] = real[i]!.id));

    const from = sim().requests.length;
    const rows = await server.getConversations(ids);

    const batches = since(sim(), from).filter((e) => e.server === 'app' && e.path === BATCH);
    expect(batches).toHaveLength(2);
    const sent = batches.map((e) => new URL(e.url, 'http://x').searchParams.getAll('ids'));
    for (const part of sent) expect(part.length).toBeLessThanOrEqual(99);
    expect(sent.flat().sort()).toEqual([...ids].sort());
    for (const entry of batches) expect(entry.status).toBe(200);

    expect(rows).toHaveLength(150);
    rows.forEach((row, i) => {
      const at = positions.indexOf(i);
      if (at < 0) expect(row, `index ${i}`).toBeNull();
      else expect(row?.id).toBe(real[at]!.id);
    });
    expect(rows[99]?.title).toBe('Batch middle');
  });

  describe('one conversation, start to finish', () => {
    let ref: ConversationRef;
    beforeAll(async () => {
      ref = await server.createConversation({});
    });

    it('sendMessage runs the agent to finished', async () => {
      const from = sim().requests.length;
      await server.sendMessage(ref, 'List the files in the repository');
      await waitForStatus(server, ref, 'finished');
      const post = since(sim(), from).find((e) => e.server === 'agent' && e.method === 'POST');
      expect(post?.path).toBe(`/api/conversations/${ref.id}/events`);
      expect(post?.status).toBe(200);
    });

    // Regression guard, fixed bug (agent-server-client.ts info): `this.url([])` goes through buildUrl, which appends a '/' for an
    // empty segment list, so info() asks for `{conversation_url}/`: 404 here; on the real (FastAPI) agent
    // server a 307 to the slash-less URL, which `redirect: 'error'` turns into 'offline'.
    it('AgentServerClient.info() reads the conversation from its agent server', async () => {
      const agent = await server.agent(ref.id);
      const from = sim().requests.length;
      const info = await agent.info().catch((error: unknown) => error);
      expect(since(sim(), from)[0]?.path).toBe(`/api/conversations/${ref.id}`);
      expect(info).toMatchObject({ execution_status: 'finished' });
    });

    it('pages events with limit 2 and returns every event exactly once despite the inclusive cursor', async () => {
      await server.sendMessage(ref, 'Another task [steps=3]');
      await waitForStatus(server, ref, 'finished');
      const agent = await server.agent(ref.id);
      const reference = await agent.searchEvents({ limit: 100 });
      expect(reference.next_page_id).toBeNull();
      expect(reference.items.length).toBeGreaterThan(8);
      const expected = reference.items.map((e) => e.id);

      const paged: string[] = [];
      let pageId: string | undefined;
      let pages = 0;
      do {
        const page = await server.events(ref, { limit: 2, ...(pageId ? { pageId } : {}) });
        expect(page.items.length).toBeLessThanOrEqual(2);
        paged.push(...page.items.map((e) => String(e.id)));
        pageId = page.nextPageId ?? undefined;
        pages++;
      } while (pageId && pages < 100);
      expect(paged).toEqual(expected);
      expect(pages).toBe(Math.ceil(expected.length / 2));

      const all = await agent.allEvents({ limit: 2 });
      expect(all.map((e) => e.id)).toEqual(expected);
    });

    it('pauseAgent pauses a running agent and resumeAgent lets it finish', async () => {
      await server.sendMessage(ref, 'A long job [steps=40]');
      await waitForStatus(server, ref, 'running');
      await server.pauseAgent(ref);
      expect(await executionStatus(server, ref)).toBe('paused');
      const agent = await server.agent(ref.id);
      const count = await agent.countEvents();
      await new Promise((r) => setTimeout(r, 60));
      expect(await agent.countEvents()).toBe(count); // nothing runs while paused
      expect((await agent.allEvents({ kind: 'PauseEvent' })).length).toBeGreaterThan(0);

      await server.resumeAgent(ref);
      expect(['running', 'finished']).toContain(await executionStatus(server, ref));
      await waitForStatus(server, ref, 'finished');
    });

    it('respondToConfirmation accepts (the action runs) and rejects (a UserRejectObservation, idle)', async () => {
      await server.sendMessage(ref, 'Clean the build folder [confirm]');
      await waitForStatus(server, ref, 'waiting_for_confirmation');
      await server.respondToConfirmation(ref, true);
      await waitForStatus(server, ref, 'finished');

      await server.sendMessage(ref, 'Delete the cache [confirm]');
      await waitForStatus(server, ref, 'waiting_for_confirmation');
      await server.respondToConfirmation(ref, false, 'Not now, please');
      await waitForStatus(server, ref, 'idle');
      const agent = await server.agent(ref.id);
      const rejections = await agent.allEvents({ kind: 'UserRejectObservation' });
      expect(rejections).toHaveLength(1);
      expect(rejections[0]).toMatchObject({ rejection_reason: 'Not now, please' });
    });

    it('a rotated session key is fetched again after the 401 and the message goes through', async () => {
      await server.agent(ref.id); // cached with the current key
      const newKey = sim().rotateSessionKey(sandboxOf(sim(), ref));
      const from = sim().requests.length;
      await server.sendMessage(ref, 'After the key rotation');
      const log = since(sim(), from);
      const posts = log.filter((e) => e.server === 'agent' && e.method === 'POST');
      expect(posts.map((e) => e.status)).toEqual([401, 200]);
      expect(posts[1]!.headers['x-session-api-key']).toBe(newKey);
      const refetch = log.findIndex((e) => e.server === 'app' && e.path === BATCH);
      expect(refetch).toBeGreaterThan(log.indexOf(posts[0]!));
      expect(refetch).toBeLessThan(log.indexOf(posts[1]!));
      await waitForStatus(server, ref, 'finished');
    });

    it('pauseSandbox: execution status null, sendMessage is sandbox-not-running; resumeSandbox: works again', async () => {
      await server.pauseSandbox(ref);
      const [paused] = await server.getConversations([ref.id]);
      expect(paused).toMatchObject({ sandboxStatus: 'PAUSED', executionStatus: null });

      const from = sim().requests.length;
      const error = await expectApiError(server.sendMessage(ref, 'Are you there?'), 'sandbox-not-running');
      expect(error.message).toMatch(/paused/);
      // Nothing was sent to the (stopped) agent server.
      expect(since(sim(), from).filter((e) => e.server === 'agent')).toHaveLength(0);

      await server.resumeSandbox(ref);
      await waitFor(
        async () => (await server.getConversations([ref.id]))[0]?.sandboxStatus === 'RUNNING',
        5000,
        'sandbox RUNNING',
      );
      await server.sendMessage(ref, 'Back again');
      await waitForStatus(server, ref, 'finished');
    });

    it('a sandbox paused behind the client’s back gives sandbox-not-running, not offline or unauthorized', async () => {
      await server.agent(ref.id); // cached while the sandbox runs
      await sim().world.pauseSandbox(sandboxOf(sim(), ref));
      await expectApiError(server.sendMessage(ref, 'Hello?'), 'sandbox-not-running');
      await server.resumeSandbox(ref);
      await waitFor(
        async () => (await server.getConversations([ref.id]))[0]?.sandboxStatus === 'RUNNING',
        5000,
        'sandbox RUNNING',
      );
    });
  });

  it('renames and deletes through the V1 routes; a deleted conversation reads as null', async () => {
    const ref = await server.createConversation({});
    const from = sim().requests.length;
    await server.rename(ref, '  Renamed by the test  ');
    const [renamed] = await server.getConversations([ref.id]);
    expect(renamed?.title).toBe('Renamed by the test');

    expect(await server.delete(ref)).toBe(true);
    expect(await server.getConversations([ref.id])).toEqual([null]);
    expect(await server.delete(ref)).toBe(false);

    const writes = since(sim(), from).filter((e) => e.method !== 'GET');
    expect(writes.map((e) => `${e.method} ${e.path} ${e.status}`)).toEqual([
      `PATCH /api/v1/app-conversations/${ref.id} 200`,
      `DELETE /api/v1/app-conversations/${ref.id} 200`,
      `DELETE /api/v1/app-conversations/${ref.id} 404`,
    ]);
    await expectApiError(server.sendMessage(ref, 'gone?'), 'not-found');
  });

  it('deleting a sandbox sends its id as ?sandbox_id= (route bug) and the sandbox goes', async () => {
    const ref = await server.createConversation({});
    const sandboxId = sandboxOf(sim(), ref);
    const from = sim().requests.length;
    await server.app.deleteSandbox(sandboxId);
    const [entry] = since(sim(), from);
    expect(entry).toMatchObject({ method: 'DELETE', path: `/api/v1/sandboxes/${sandboxId}`, status: 200 });
    expect(new URL(entry!.url, 'http://x').searchParams.get('sandbox_id')).toBe(sandboxId);
    expect(sim().world.sandboxes.has(sandboxId)).toBe(false);
  });
});
