// The local cache against the simulator: a warm cache serves the list and a conversation's events with the
// server offline; back online, the app converges to the server's state reading only what is newer; and no
// cache file ever holds the API key or a session key.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemorySecretStore } from '../../src/main/accounts/secret-store';
import { createDispatch, type Dispatch } from '../../src/main/bridge/dispatch';
import { createBridgeHandlers } from '../../src/main/bridge/handlers';
import { createMainServices, type MainServices } from '../../src/main/compose';
import { MemoryLogger } from '../../src/main/logger';
import { SystemEventEmitter } from '../../src/main/system-events';
import type { TrackedConversation } from '../../src/shared/live';
import type { ServerHealth } from '../../src/shared/server-health';
import type { TimelineItem } from '../../src/shared/timeline';
import { call, createConversation, useSimulator, waitFor } from '../support/sim';
import { filesUnder } from './support';

const KEY = `sk-cache-${randomBytes(8).toString('hex')}`;

interface Timeline {
  key: string;
  items: TimelineItem[];
  hasEarlier: boolean;
  live: string;
}

interface App {
  services: MainServices;
  dispatch: Dispatch;
  system: SystemEventEmitter;
  log: MemoryLogger;
}

async function start(dataDir: string, keychain: MemorySecretStore): Promise<App> {
  const log = new MemoryLogger();
  const system = new SystemEventEmitter();
  const services = await createMainServices({
    dataDir,
    keychain,
    logger: log,
    adapters: { notify: () => undefined, renderTray: () => undefined, forward: () => undefined, system },
    fastMs: 50,
    slowMs: 200,
    cache: { writeDelayMs: 10 },
  });
  const dispatch = createDispatch(
    createBridgeHandlers(services, { name: 'x', version: '0', platform: 'linux' }),
    log,
  );
  return { services, dispatch, system, log };
}

async function data<T>(dispatch: Dispatch, channel: string, input?: unknown): Promise<T> {
  const result = await dispatch(channel, input);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.data as T;
}

/** The ids of every event the agent server holds for the conversation (all pages). */
async function serverEventIds(conversationUrl: string, sessionKey: string): Promise<string[]> {
  const ids: string[] = [];
  let pageId: string | null = null;
  for (let i = 0; i < 50; i++) {
    const res: {
      body: { items: { id: string; kind: string; key?: string }[]; next_page_id: string | null };
    } = await call(`${conversationUrl}/events/search?limit=100${pageId ? `&page_id=${pageId}` : ''}`, {
      headers: { 'X-Session-API-Key': sessionKey },
    });
    for (const e of res.body.items)
      if (!ids.includes(e.id) && !(e.kind === 'ConversationStateUpdateEvent' && e.key === 'full_state'))
        ids.push(e.id);
    if (!res.body.next_page_id || res.body.next_page_id === pageId) break;
    pageId = res.body.next_page_id;
  }
  return ids;
}

async function finished(simUrl: string, id: string): Promise<void> {
  await waitFor(
    async () => {
      const res = await call<{ execution_status?: string }[]>(
        `${simUrl}/api/v1/app-conversations?ids=${id}`,
        {
          headers: { Authorization: `Bearer ${KEY}` },
        },
      );
      return res.body[0]?.execution_status === 'finished';
    },
    30_000,
    'finished',
  );
}

describe('offline-first local cache', () => {
  // No auth on the simulator: the app still stores and sends KEY, which is what must never reach the cache.
  const sim = useSimulator();
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it('serves a warm cache offline, then converges reading only the newer events', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'offline-cache-'));
    dirs.push(dataDir);
    const keychain = new MemorySecretStore();
    const conv = await createConversation(sim(), {
      initial_message: { content: [{ type: 'text', text: 'Work for a while [steps=30]' }], run: true },
    });
    await finished(sim().url, conv.id);

    // First run: the app learns the list and opens the conversation (its events arrive over the stream).
    const first = await start(dataDir, keychain);
    const serverId = (
      await data<{ id: string }>(first.dispatch, 'servers:add', {
        server: { name: 'Sim', baseUrl: sim().url, apiKey: KEY },
      })
    ).id;
    const ref = { serverId, id: conv.id, version: 'V1' as const };
    const key = `${serverId}/${conv.id}`;
    await waitFor(
      async () =>
        (await data<TrackedConversation[]>(first.dispatch, 'conversations:list')).some(
          (c) => c.id === conv.id,
        ),
      10_000,
      'listed',
    );
    await data(first.dispatch, 'conversations:setOnScreen', ref);
    const before = await serverEventIds(conv.conversationUrl, conv.sessionApiKey);
    await waitFor(() => first.services.streams.store.size(key) >= before.length - 1, 10_000, 'events held');
    await first.services.close();
    const cachedCount = (await first.services.cache.readEvents(key))?.events.length ?? 0;
    expect(cachedCount).toBeGreaterThan(60);

    // While the app is closed the conversation goes on, then the server goes away.
    const sent = await call(`${conv.conversationUrl}/events`, {
      method: 'POST',
      headers: { 'X-Session-API-Key': conv.sessionApiKey },
      json: { role: 'user', content: [{ type: 'text', text: 'One more thing [steps=3]' }], run: true },
    });
    expect(sent.status).toBe(200);
    await finished(sim().url, conv.id);
    const serverIds = await serverEventIds(conv.conversationUrl, conv.sessionApiKey);
    expect(serverIds.length).toBeGreaterThan(before.length);
    await sim().goOffline();

    // Second run, offline: list, health and the timeline come from the cache before any request answers.
    const second = await start(dataDir, keychain);
    try {
      const list = await data<TrackedConversation[]>(second.dispatch, 'conversations:list');
      expect(list.map((c) => c.id)).toEqual([conv.id]);
      const [health] = await data<ServerHealth[]>(second.dispatch, 'servers:health');
      expect(health?.lastOkAt).toBeGreaterThan(0);
      await data(second.dispatch, 'conversations:setOnScreen', ref);
      const offline = await data<Timeline>(second.dispatch, 'conversations:timeline', { ref });
      expect(offline.items.length).toBeGreaterThan(30);
      expect(offline.items.some((i) => i.text.includes('Work for a while'))).toBe(true);
      await waitFor(
        async () =>
          (await data<Timeline>(second.dispatch, 'conversations:timeline', { ref })).live === 'stopped',
        5_000,
        'not live while offline',
      );
      const settings = await data<{ lastOpenConversation: unknown }>(second.dispatch, 'settings:get');
      expect(settings.lastOpenConversation).toEqual(ref);

      // Back online: the stream reconciles from the newest cached event only.
      sim().clearRequests();
      await sim().comeBack();
      second.system.setOnline(false);
      second.system.setOnline(true);
      await waitFor(
        async () =>
          (await data<Timeline>(second.dispatch, 'conversations:timeline', { ref })).live === 'live',
        20_000,
        'live again',
      );
      await waitFor(() => second.services.streams.store.size(key) >= serverIds.length, 10_000, 'converged');
      const held = second.services.streams.store.events(key).map((e) => e.id);
      expect(new Set(held).size).toBe(held.length);
      expect(new Set(held)).toEqual(new Set(serverIds));

      const searches = sim().requests.filter(
        (r) => r.server === 'agent' && r.path.endsWith('/events/search'),
      );
      expect(searches.length).toBeGreaterThan(0);
      expect(searches.length).toBeLessThanOrEqual(2);
      for (const r of searches) {
        const q = new URL(r.url, 'http://x').searchParams;
        expect(q.get('sort_order')).toBe('TIMESTAMP');
        expect(q.get('timestamp__gte')).toMatch(/^\d{4}-/);
      }

      // The new events reach the cache too, and no file anywhere in it holds a key.
      await second.services.cache.flush();
      await waitFor(
        async () => ((await second.services.cache.readEvents(key))?.events.length ?? 0) >= held.length,
        5_000,
        'cached',
      );
    } finally {
      await second.services.close();
    }
    const files = await filesUnder(path.join(dataDir, 'cache'));
    expect(files.size).toBeGreaterThanOrEqual(3);
    for (const [name, text] of files) {
      expect(text.includes(KEY), `${name} holds the API key`).toBe(false);
      expect(text.includes(conv.sessionApiKey), `${name} holds the session key`).toBe(false);
      expect(text.includes('conversation_url'), `${name} holds an agent-server URL`).toBe(false);
    }
  }, 90_000);

  it('drops a conversation deleted on the server while the app was closed', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'offline-cache-'));
    dirs.push(dataDir);
    const keychain = new MemorySecretStore();
    const keep = await createConversation(sim(), {
      initial_message: { content: [{ type: 'text', text: 'Keep' }] },
    });
    const gone = await createConversation(sim(), {
      initial_message: { content: [{ type: 'text', text: 'Gone' }] },
    });
    const first = await start(dataDir, keychain);
    await data(first.dispatch, 'servers:add', { server: { name: 'Sim', baseUrl: sim().url, apiKey: KEY } });
    await waitFor(
      async () => {
        const ids = (await data<TrackedConversation[]>(first.dispatch, 'conversations:list')).map(
          (c) => c.id,
        );
        return ids.includes(keep.id) && ids.includes(gone.id);
      },
      10_000,
      'listed',
    );
    await first.services.close();

    const deleted = await call(`${sim().url}/api/v1/app-conversations/${gone.id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${KEY}` },
    });
    expect(deleted.status).toBeLessThan(300);

    const second = await start(dataDir, keychain);
    try {
      const cached = (await data<TrackedConversation[]>(second.dispatch, 'conversations:list')).map(
        (c) => c.id,
      );
      expect(cached).toContain(gone.id);
      await waitFor(
        async () =>
          !(await data<TrackedConversation[]>(second.dispatch, 'conversations:list')).some(
            (c) => c.id === gone.id,
          ),
        10_000,
        'dropped after the first full sync',
      );
      await second.services.cache.flush();
      const serverId = second.services.accounts.list()[0]!.id;
      expect(second.services.cache.list(serverId).map((c) => c.id)).not.toContain(gone.id);
      expect(second.services.cache.list(serverId).map((c) => c.id)).toContain(keep.id);
    } finally {
      await second.services.close();
    }
  }, 60_000);
});
