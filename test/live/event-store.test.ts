import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventSearch } from '../../src/main/api/agent-server-client';
import type { AgentEvent } from '../../src/main/api/schemas/agent-server';
import { EventStore, type EventPageSource, type OlderPage } from '../../src/main/live/event-store';
import { ConversationStream } from '../../src/main/live/event-stream';
import type { ConversationRef } from '../../src/shared/conversations';
import { makeServer, type TestServer } from '../api/support';
import { useSimulator } from '../support/sim';
import { ids, record, resolverOf, restEvents, waitForState, waitForStatus } from './support';

function ev(n: number, extra: Partial<AgentEvent> = {}): AgentEvent {
  return {
    kind: 'MessageEvent',
    id: `e${n}`,
    timestamp: `2026-01-01T00:00:${String(Math.floor(n / 1000)).padStart(2, '0')}.${String(n % 1000).padStart(3, '0')}000`,
    source: 'agent',
    ...extra,
  };
}

const range = (from: number, to: number): AgentEvent[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ev(from + i));

/** A server log in memory answering searches the way the agent server does (inclusive page cursor). */
function logSource(log: AgentEvent[]): EventPageSource & { searches: EventSearch[] } {
  const searches: EventSearch[] = [];
  const source = (search: EventSearch): Promise<{ items: AgentEvent[]; next_page_id: string | null }> => {
    searches.push(search);
    let items = log.filter(
      (e) =>
        (!search.timestampLt || e.timestamp < search.timestampLt) &&
        (!search.timestampGte || e.timestamp >= search.timestampGte),
    );
    if (search.sortOrder === 'TIMESTAMP_DESC') items = [...items].reverse();
    const start = search.pageId
      ? Math.max(
          0,
          items.findIndex((e) => e.id === search.pageId),
        )
      : 0;
    const limit = search.limit ?? 100;
    return Promise.resolve({
      items: items.slice(start, start + limit),
      next_page_id: items[start + limit]?.id ?? null,
    });
  };
  return Object.assign(source, { searches });
}

/** Pages back from the store's newest until the beginning; returns everything, oldest first. */
async function pageBack(
  older: (cursor: AgentEvent | null) => Promise<OlderPage>,
): Promise<{ all: AgentEvent[]; pages: number }> {
  let all: AgentEvent[] = [];
  let cursor: AgentEvent | null = null;
  let pages = 0;
  for (;;) {
    const page = await older(cursor);
    pages++;
    all = [...page.events, ...all];
    cursor = page.events[0] ?? cursor;
    if (!page.hasEarlier || page.events.length === 0 || pages > 100) return { all, pages };
  }
}

describe('EventStore', () => {
  it('orders by timestamp then arrival and drops duplicates and transient kinds', () => {
    const store = new EventStore();
    const sameTime = { timestamp: ev(5).timestamp };
    expect(ids(store.add('c', [ev(3), ev(1), ev(5), ev(2)]))).toEqual(['e1', 'e2', 'e3', 'e5']);
    expect(ids(store.add('c', [ev(3), ev(4), { ...ev(6), ...sameTime }, ev(4)]))).toEqual(['e4', 'e6']);
    store.add('c', [
      { ...ev(7), kind: 'StreamingDeltaEvent' },
      { ...ev(8), kind: 'ServerErrorEvent' },
      { ...ev(9), kind: 'ConversationStateUpdateEvent', key: 'full_state', value: {} },
      { ...ev(10), kind: 'ConversationStateUpdateEvent', key: 'execution_status', value: 'running' },
      { ...ev(11), kind: 'FutureKindEvent' },
    ]);
    expect(ids(store.events('c'))).toEqual(['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e10', 'e11']);
  });

  it('keeps the newest N and never splits a run of equal timestamps', () => {
    const store = new EventStore({ maxEventsPerConversation: 50 });
    expect(store.add('c', range(1, 120))).toHaveLength(120); // all new to a listener
    expect(store.size('c')).toBe(50);
    expect(store.oldest('c')?.id).toBe('e71');
    expect(store.newest('c')?.id).toBe('e120');
    expect(store.hasEarlier('c')).toBe(true);
    // An old event arriving late would leave a gap in a partial window: not kept, not reported.
    expect(store.add('c', [ev(10)])).toEqual([]);

    const ties = new EventStore({ maxEventsPerConversation: 3 });
    const t = ev(1).timestamp;
    ties.add('c', [ev(1), { ...ev(2), timestamp: t }, { ...ev(3), timestamp: t }, ev(4), ev(5)]);
    // Cutting 2 would leave e3 without e2 (same timestamp): the whole run goes.
    expect(ids(ties.events('c'))).toEqual(['e4', 'e5']);
  });

  it('keeps at most M conversations, dropping the least recently used', () => {
    const store = new EventStore({ maxConversations: 2 });
    store.add('a', [ev(1)]);
    store.add('b', [ev(2)]);
    store.events('a'); // a is now more recent than b
    store.add('c', [ev(3)]);
    expect(store.keys().sort()).toEqual(['a', 'c']);
    expect(store.events('b')).toEqual([]);

    // A conversation with an open stream is pinned: the others go first, and it may go once released.
    const release = store.pin('c');
    store.events('a');
    store.add('d', [ev(4)]);
    expect(store.keys().sort()).toEqual(['c', 'd']);
    store.add('e', [ev(5)]);
    expect(store.keys().sort()).toEqual(['c', 'e']);
    release();
    store.add('f', [ev(6)]);
    expect(store.keys().sort()).toEqual(['e', 'f']);
  });

  it('pages back from memory, then from the server with timestamp__lt and the inclusive cursor', async () => {
    const log = range(1, 230);
    const source = logSource(log);
    const store = new EventStore({ maxEventsPerConversation: 50 });
    store.loadLatest('c', [...log].reverse().slice(0, 100), 'e130'); // the newest page, as a first connect loads it
    expect(store.size('c')).toBe(50);

    const { all, pages } = await pageBack((cursor) => store.olderThan('c', cursor, 30, source));
    expect(ids(all)).toEqual(ids(log)); // the stored 50, then the rest from the server: once each, in order
    expect(pages).toBe(8);
    // The first server page starts below the window; the next ones follow the page cursor under the same filter.
    expect(source.searches[0]).toEqual({
      sortOrder: 'TIMESTAMP_DESC',
      limit: 10,
      timestampLt: ev(181).timestamp,
    });
    expect(source.searches[1]).toEqual({
      sortOrder: 'TIMESTAMP_DESC',
      limit: 30,
      timestampLt: ev(181).timestamp,
      pageId: 'e170',
    });
    expect(source.searches).toHaveLength(7);
    expect(store.size('c')).toBe(50); // pages below a full window are passed through, not kept
  });

  it('extends the window with older pages while there is room, until it holds the whole log', async () => {
    const log = range(1, 130);
    const source = logSource(log);
    const store = new EventStore();
    store.loadLatest('c', log.slice(90), 'e90');
    const first = await store.olderThan('c', store.oldest('c')!, 25, source);
    expect(ids(first.events)).toEqual(ids(log.slice(65, 90)));
    expect(store.size('c')).toBe(65);
    await pageBack((cursor) => store.olderThan('c', cursor ?? store.oldest('c')!, 25, source));
    expect(ids(store.events('c'))).toEqual(ids(log));
    expect(store.hasEarlier('c')).toBe(false);
    const before = source.searches.length;
    const again = await store.olderThan('c', null, 100, source);
    expect(again.hasEarlier).toBe(true);
    expect(await store.olderThan('c', ev(5), 100, source)).toEqual({
      events: range(1, 4),
      hasEarlier: false,
    });
    expect(source.searches.length).toBe(before); // answered from memory
  });
});

describe('EventStore against the simulator', () => {
  const sim = useSimulator({ stepMs: 5, maxSandboxes: 50 });
  let server: TestServer;
  const streams: ConversationStream[] = [];
  beforeAll(() => {
    server = makeServer(sim().url);
  });
  afterEach(async () => {
    await Promise.all(streams.splice(0).map((s) => s.close()));
  });

  async function finishedRun(message: string): Promise<ConversationRef> {
    const ref = await server.createConversation({ initialMessage: message });
    const probe = new ConversationStream({
      conversationId: ref.id,
      resolve: resolverOf(server, ref.id),
      logger: server.log,
    });
    streams.push(probe);
    const seen = record(probe);
    probe.start();
    await waitForStatus(seen, 'finished', 10_000);
    await probe.close();
    return ref;
  }

  it('scrolls back through a 130+ event conversation with a 50-event cap: no gaps, no duplicates', async () => {
    const ref = await finishedRun('Many steps [steps=65]');
    const rest = await restEvents(server, ref);
    expect(rest.length).toBeGreaterThanOrEqual(130);

    const store = new EventStore({ maxEventsPerConversation: 50 });
    const stream = new ConversationStream({
      conversationId: ref.id,
      resolve: resolverOf(server, ref.id),
      store,
      logger: server.log,
    });
    streams.push(stream);
    stream.start();
    await waitForState(stream, 'live');
    expect(store.size(ref.id)).toBe(50);
    expect(store.hasEarlier(ref.id)).toBe(true);

    const from = sim().requests.length;
    const tail = stream.events();
    const { all, pages } = await pageBack((cursor) => stream.olderThan(cursor ?? tail[0]!, 20));
    const scrolled = [...all, ...tail];
    expect(ids(scrolled)).toEqual(ids(rest));
    const searches = sim()
      .requests.slice(from)
      .filter((r) => r.path.endsWith('/events/search'));
    expect(searches.length).toBe(pages);
    expect(searches.slice(1).every((r) => r.url.includes('page_id='))).toBe(true);
    expect(searches.every((r) => r.url.includes('sort_order=TIMESTAMP_DESC'))).toBe(true);
    console.info(
      `scroll-back: ${rest.length} events, ${tail.length} in the store, ${all.length} more in ${pages} pages of ≤ 20`,
    );
  });

  it('fills the window back to the first event when the cap allows', async () => {
    const ref = await finishedRun('Twenty steps [steps=20]');
    const rest = await restEvents(server, ref);
    const stream = new ConversationStream({
      conversationId: ref.id,
      resolve: resolverOf(server, ref.id),
      historyLimit: 10,
      logger: server.log,
    });
    streams.push(stream);
    stream.start();
    await waitForState(stream, 'live');
    expect(stream.events()).toHaveLength(10);
    await pageBack((cursor) => stream.olderThan(cursor ?? stream.events()[0]!, 15));
    expect(ids(stream.events())).toEqual(ids(rest));
    expect(stream.store.hasEarlier(stream.key)).toBe(false);
  });
});
