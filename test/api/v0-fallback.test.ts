import { beforeAll, describe, expect, it } from 'vitest';
import type { LegacyEvent } from '../../src/main/api/schemas/app-server';
import type { ConversationRef, ConversationSummary } from '../../src/shared/conversations';
import { useSimulator, waitFor } from '../support/sim';
import { expectApiError, HEX32, makeServer, since, type TestServer } from './support';

describe('a legacy server without the V1 API (ENABLE_V1=0)', () => {
  const sim = useSimulator({ stepMs: 5, profile: 'legacy', v1Enabled: false });
  let server: TestServer;
  let ref: ConversationRef;
  /** Index in the request log right after detection: from there on, only V0 routes. */
  let afterDetect = 0;

  const summary = async (): Promise<ConversationSummary | undefined> =>
    (await server.listConversations()).items.find((c) => c.id === ref.id);
  const waitForStatus = (status: string): Promise<true> =>
    waitFor(async () => (await summary())?.legacyStatus === status || undefined, 5000, status);
  const allEvents = async (): Promise<LegacyEvent[]> =>
    (await server.events(ref, { limit: 100 })).items as LegacyEvent[];
  const waitForAgentState = (state: string, after: number): Promise<true> =>
    waitFor(
      async () =>
        (await allEvents()).some(
          (e) => e.id > after && (e as { extras?: { agent_state?: string } }).extras?.agent_state === state,
        ) || undefined,
      5000,
      `agent state ${state}`,
    );

  beforeAll(() => {
    server = makeServer(sim().url);
  });

  it('detect() finds no V1 API and logs that it falls back', async () => {
    const caps = await server.detect();
    expect(caps).toMatchObject({ appMode: 'oss', v1: false });
    // Today's probe first (no V1: 404), then the V0 config route such servers still have.
    expect(sim().requests.map((e) => `${e.path} ${e.status}`)).toEqual([
      '/api/v1/app-conversations/search 404',
      '/api/options/config 200',
    ]);
    expect(server.log.lines.some((l) => l.includes('legacy V0 API'))).toBe(true);
    afterDetect = sim().requests.length;
  });

  it('createConversation returns a V0 ref; listConversations shows it with its legacy status', async () => {
    ref = await server.createConversation({ initialMessage: 'Hello from the V0 test' });
    expect(ref).toMatchObject({ serverId: 'srv', version: 'V0' });
    expect(ref.id).toMatch(HEX32);
    const item = await summary();
    expect(item).toMatchObject({ version: 'V0', sandboxStatus: null, executionStatus: null });
    expect(['STARTING', 'RUNNING']).toContain(item?.legacyStatus);
    await waitForStatus('RUNNING');
    expect((await summary())?.runtimeStatus).toBe('STATUS$READY');
    // Titled from the first message; the V0 list is filtered on the client.
    await waitFor(
      async () =>
        (await server.listConversations({ titleContains: 'HELLO FROM' })).items.some(
          (c) => c.id === ref.id,
        ) || undefined,
      5000,
      'title',
    );
  });

  it('sendMessage runs the V0 agent', async () => {
    const before = (await allEvents()).at(-1)!.id;
    await server.sendMessage(ref, 'Second message');
    await waitForAgentState('finished', before);
    const events = await allEvents();
    expect(
      events.some((e) => e.source === 'user' && (e as { message?: string }).message === 'Second message'),
    ).toBe(true);
  });

  it('events have numeric ids and page through nextPageId (start_id) without gaps or repeats', async () => {
    const reference = await allEvents();
    expect(reference.length).toBeGreaterThan(6);
    expect(reference.map((e) => e.id)).toEqual(reference.map((_, i) => i));

    const paged: number[] = [];
    let next: string | null = null;
    let pages = 0;
    do {
      const page = await server.events(ref, {
        limit: 2,
        ...(next !== null ? { startId: Number(next) } : {}),
      });
      expect(page.items.length).toBeLessThanOrEqual(2);
      paged.push(...page.items.map((e) => Number(e.id)));
      next = page.nextPageId;
      pages++;
    } while (next !== null && pages < 100);
    expect(paged).toEqual(reference.map((e) => e.id));
    const log = since(sim(), afterDetect).filter((e) => e.path === `/api/conversations/${ref.id}/events`);
    expect(log.some((e) => e.url.includes('start_id=2') && e.url.includes('limit=2'))).toBe(true);
  });

  // Regression guard, fixed bug (openhands-server.ts events): for V0 the returned `nextPageId` must be fed back as a number in
  // `startId`; `pageId` (what V1 paging and every other list take) is silently ignored, so a caller that pages
  // the same way for both versions gets the first page again and again.
  it('events page through the returned nextPageId passed back as pageId, as for V1', async () => {
    const reference = (await allEvents()).map((e) => e.id);
    const paged: unknown[] = [];
    let pageId: string | undefined;
    let pages = 0;
    do {
      const page = await server.events(ref, { limit: 2, ...(pageId ? { pageId } : {}) });
      paged.push(...page.items.map((e) => e.id));
      pageId = page.nextPageId ?? undefined;
      pages++;
    } while (pageId && pages < reference.length);
    expect(paged).toEqual(reference);
  });

  it('pauseAgent stops the conversation and resumeAgent starts it again', async () => {
    const from = sim().requests.length;
    await server.pauseAgent(ref);
    expect((await summary())?.legacyStatus).toBe('STOPPED');
    await server.resumeAgent(ref);
    await waitForStatus('RUNNING');
    const writes = since(sim(), from).filter((e) => e.method === 'POST');
    expect(writes.map((e) => `${e.path} ${e.status}`)).toEqual([
      `/api/conversations/${ref.id}/stop 200`,
      `/api/conversations/${ref.id}/start 200`,
    ]);
    const before = (await allEvents()).at(-1)!.id;
    await server.sendMessage(ref, 'After the restart');
    await waitForAgentState('finished', before);
  });

  it('V1-only calls are refused locally', async () => {
    const from = sim().requests.length;
    await expectApiError(server.respondToConfirmation(ref, true), 'bad-request');
    await expectApiError(server.download(ref, '/workspace/a.txt', '/tmp/never-written'), 'bad-request');
    expect(since(sim(), from)).toEqual([]);
  });

  it('rename and delete through the V0 routes', async () => {
    await server.rename(ref, 'Renamed V0 conversation');
    expect((await summary())?.title).toBe('Renamed V0 conversation');
    expect(await server.delete(ref)).toBe(true);
    expect(await summary()).toBeUndefined();
    expect(await server.app.getLegacy(ref.id)).toBeNull();
    expect(await server.delete(ref)).toBe(false);
  });

  it('after detection every request used a V0 route and none /api/v1', () => {
    const log = since(sim(), afterDetect);
    expect(log.length).toBeGreaterThan(20);
    for (const entry of log) {
      expect(entry.path).toMatch(/^\/api\/conversations(\/|$)/);
      expect(entry.path.startsWith('/api/v1')).toBe(false);
    }
    const routes = new Set(log.map((e) => `${e.method} ${e.path.replace(ref.id, '{id}')}`));
    for (const route of [
      'POST /api/conversations',
      'GET /api/conversations',
      'POST /api/conversations/{id}/message',
      'GET /api/conversations/{id}/events',
      'POST /api/conversations/{id}/stop',
      'POST /api/conversations/{id}/start',
      'PATCH /api/conversations/{id}',
      'DELETE /api/conversations/{id}',
    ])
      expect(routes).toContain(route);
  });
});
