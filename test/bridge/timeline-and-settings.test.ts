import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MemorySecretStore } from '../../src/main/accounts/secret-store';
import { forwardBridgeEvents } from '../../src/main/bridge/bridge-events';
import { createDispatch, type Dispatch } from '../../src/main/bridge/dispatch';
import { createBridgeHandlers } from '../../src/main/bridge/handlers';
import { createMainServices, type MainServicesOptions } from '../../src/main/compose';
import { MemoryLogger } from '../../src/main/logger';
import { SystemEventEmitter } from '../../src/main/system-events';
import type { ConversationRef } from '../../src/shared/conversations';
import type { OutboxItemView } from '../../src/shared/outbox';
import { POLL_CADENCE_MS } from '../../src/shared/settings';
import { type AppSettings, DEFAULT_APP_SETTINGS } from '../../src/shared/settings-schema';
import type { TimelineItem } from '../../src/shared/timeline';
import { call, createConversation, useSimulator, waitFor } from '../support/sim';

interface Timeline {
  key: string;
  items: TimelineItem[];
  hasEarlier: boolean;
  live: string;
}

const adapters = (): MainServicesOptions['adapters'] => ({
  notify: () => undefined,
  renderTray: () => undefined,
  forward: () => undefined,
  system: new SystemEventEmitter(),
});

/** Services + dispatch + every forwarded event, on a throwaway data folder. */
async function start(extra: Partial<MainServicesOptions> = {}) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'bridge-tl-'));
  const log = new MemoryLogger();
  const services = await createMainServices({
    dataDir,
    keychain: new MemorySecretStore(),
    logger: log,
    adapters: adapters(),
    ...extra,
  });
  const events: { name: string; payload: unknown }[] = [];
  forwardBridgeEvents(services, (name, payload) => events.push({ name, payload }));
  const dispatch = createDispatch(
    createBridgeHandlers(services, { name: 'x', version: '0', platform: 'linux' }),
    log,
  );
  return {
    dataDir,
    services,
    dispatch,
    events,
    async close() {
      await services.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function data<T>(dispatch: Dispatch, channel: string, input?: unknown): Promise<T> {
  const result = await dispatch(channel, input);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.data as T;
}

/** Queues a create with a first message through the outbox; resolves with its changes and the new ref. */
async function createThroughOutbox(
  dispatch: Dispatch,
  events: { name: string; payload: unknown }[],
  serverId: string,
  message: string,
): Promise<{ changes: OutboxItemView[]; ref: ConversationRef }> {
  const queued = await data<OutboxItemView>(dispatch, 'outbox:enqueue', {
    kind: 'create',
    serverId,
    tempId: `tmp-${Math.random().toString(36).slice(2)}`,
    request: { initialMessage: message },
  });
  const changes = (): OutboxItemView[] =>
    events
      .filter((e) => e.name === 'outboxChanges')
      .map((e) => e.payload as OutboxItemView)
      .filter((i) => i.id === queued.id);
  const done = await waitFor(() => changes().find((c) => c.state === 'done'), 20_000, 'create done');
  return { changes: changes(), ref: done.created! };
}

describe('conversation timelines and outbox progress through the bridge', () => {
  const sim = useSimulator();
  const legacy = useSimulator({ profile: 'legacy', v1Enabled: false });
  let app: Awaited<ReturnType<typeof start>>;
  let serverId: string;

  beforeAll(async () => {
    app = await start({ fastMs: 50, slowMs: 50 });
    serverId = (
      await data<{ id: string }>(app.dispatch, 'servers:add', { server: { name: 'Sim', baseUrl: sim().url } })
    ).id;
  });
  afterAll(() => app.close());

  it('reports a create’s start task as it walks, its first message as detail, and the new ref at the end', async () => {
    const { changes, ref } = await createThroughOutbox(app.dispatch, app.events, serverId, 'Say hello');
    expect(changes[0]).toMatchObject({ kind: 'create', state: 'queued', detail: 'Say hello', created: null });
    const steps = changes.flatMap((c) => (c.start ? [c.start.step] : []));
    expect(steps.length).toBeGreaterThan(1);
    // Never backwards, and it moved.
    expect(steps.every((s, i) => i === 0 || s >= steps[i - 1]!)).toBe(true);
    expect(steps.at(-1)!).toBeGreaterThan(steps[0]!);
    const withStart = changes.find((c) => c.start)!;
    expect(withStart.start).toMatchObject({ totalSteps: expect.any(Number) as number });
    expect(changes.at(-1)).toMatchObject({ state: 'done', created: { serverId, version: 'V1' } });
    expect(ref.id).toMatch(/\S/);
  }, 30_000);

  it('reads a V1 conversation that ran, pages back without duplicates, and shows the live state', async () => {
    // Run it to the end before this app knows the server: nothing streamed it, so the first page is read.
    const conv = await createConversation(sim(), {
      initial_message: { content: [{ type: 'text', text: 'Work hard [steps=120]' }], run: true },
    });
    await waitFor(
      async () => {
        const res = await call<{ execution_status?: string }[]>(
          `${sim().url}/api/v1/app-conversations?ids=${conv.id}`,
        );
        return res.body[0]?.execution_status === 'finished';
      },
      30_000,
      'finished',
    );
    const fresh = await start({ fastMs: 50, slowMs: 50 });
    try {
      const id = (
        await data<{ id: string }>(fresh.dispatch, 'servers:add', {
          server: { name: 'Sim', baseUrl: sim().url },
        })
      ).id;
      const ref = { serverId: id, id: conv.id, version: 'V1' as const };
      const first = await data<Timeline>(fresh.dispatch, 'conversations:timeline', { ref });
      expect(first).toMatchObject({ key: `${id}/${conv.id}`, hasEarlier: true, live: 'stopped' });
      expect(first.items.length).toBeGreaterThan(50);
      expect(first.items.length).toBeLessThanOrEqual(100);

      const all = [...first.items];
      let hasEarlier = first.hasEarlier;
      for (let guard = 0; hasEarlier && guard < 20; guard++) {
        const page = await data<{ items: TimelineItem[]; hasEarlier: boolean }>(
          fresh.dispatch,
          'conversations:olderEvents',
          { ref, before: { id: all[0]!.id, timestamp: all[0]!.timestamp }, limit: 40 },
        );
        all.unshift(...page.items);
        hasEarlier = page.hasEarlier;
      }
      expect(hasEarlier).toBe(false);
      expect(new Set(all.map((i) => i.id)).size).toBe(all.length);
      // The user's message is the very first item; the agent's steps follow in order.
      expect(all[0]).toMatchObject({ kind: 'message', source: 'user', text: 'Work hard [steps=120]' });
      expect(all.filter((i) => i.kind === 'action').length).toBeGreaterThanOrEqual(120);
      expect(all.filter((i) => i.kind === 'observation').length).toBeGreaterThanOrEqual(120);
      const times = all.map((i) => i.timestamp);
      expect([...times].sort()).toEqual(times);

      // On screen: a live stream holds the events now, and the timeline says so.
      await data(fresh.dispatch, 'conversations:setOnScreen', ref);
      const live = await waitFor(
        async () => {
          const t = await data<Timeline>(fresh.dispatch, 'conversations:timeline', { ref });
          return t.live === 'live' ? t : undefined;
        },
        10_000,
        'live',
      );
      expect(live.items.at(-1)?.id).toBe(all.at(-1)?.id);
      // Paging back from the middle of what the stream holds gives exactly what came before it.
      const middle = live.items.length >> 1;
      const anchor = live.items[middle]!;
      const before = await data<{ items: TimelineItem[] }>(fresh.dispatch, 'conversations:olderEvents', {
        ref,
        before: { id: anchor.id, timestamp: anchor.timestamp },
        limit: 10,
      });
      expect(before.items.map((i) => i.id)).toEqual(
        all
          .slice(
            all.findIndex((i) => i.id === anchor.id) - before.items.length,
            all.findIndex((i) => i.id === anchor.id),
          )
          .map((i) => i.id),
      );
    } finally {
      await fresh.close();
    }
  }, 60_000);

  it('reads a V0 conversation’s timeline (no live socket)', async () => {
    const legacyId = (
      await data<{ id: string }>(app.dispatch, 'servers:add', {
        server: { name: 'Legacy', baseUrl: legacy().url },
      })
    ).id;
    const { ref } = await createThroughOutbox(app.dispatch, app.events, legacyId, 'Hello V0');
    expect(ref.version).toBe('V0');
    const timeline = await waitFor(
      async () => {
        const t = await data<Timeline>(app.dispatch, 'conversations:timeline', { ref });
        return t.items.some((i) => i.source === 'agent') ? t : undefined;
      },
      15_000,
      'the V0 agent answered',
    );
    expect(timeline).toMatchObject({ key: `${legacyId}/${ref.id}`, hasEarlier: false, live: 'unsupported' });
    expect(timeline.items[0]).toMatchObject({ kind: 'message', source: 'user', text: 'Hello V0' });
    expect(
      await data(app.dispatch, 'conversations:olderEvents', { ref, before: { id: '1', timestamp: 'x' } }),
    ).toEqual({ items: [], hasEarlier: false });
  }, 30_000);

  it('refuses malformed refs and cursors with invalid-input', async () => {
    const bad = [
      ['conversations:timeline', { ref: { serverId: '', id: 'x', version: 'V1' } }],
      ['conversations:timeline', { ref: { serverId: 's', id: 'x', version: 'V9' } }],
      ['conversations:timeline', {}],
      ['conversations:olderEvents', { ref: { serverId: 's', id: 'x', version: 'V1' } }],
      [
        'conversations:olderEvents',
        { ref: { serverId: 's', id: 'x', version: 'V1' }, before: { id: 'e', timestamp: 't' }, limit: 500 },
      ],
      [
        'conversations:olderEvents',
        { ref: { serverId: 's', id: 'x', version: 'V1' }, before: { id: '', timestamp: 't' } },
      ],
    ] as const;
    for (const [channel, input] of bad)
      expect(await app.dispatch(channel, input), JSON.stringify(input)).toMatchObject({
        ok: false,
        error: { code: 'invalid-input' },
      });
  });
});

describe('settings through the bridge', () => {
  let app: Awaited<ReturnType<typeof start>>;
  // No fastMs/slowMs: the poller follows the settings' cadence.
  beforeAll(async () => {
    app = await start();
  });
  afterAll(() => app.close());

  it('reads defaults, saves a patch to settings.json, announces it and applies the poll cadence', async () => {
    expect(await data(app.dispatch, 'settings:get')).toEqual(DEFAULT_APP_SETTINGS);
    const setCadence = vi.spyOn(app.services.poller, 'setCadence');
    const updated = await data<AppSettings>(app.dispatch, 'settings:update', {
      theme: 'dark',
      pollCadence: 'fast',
      language: 'zh-CN',
    });
    expect(updated).toMatchObject({
      theme: 'dark',
      pollCadence: 'fast',
      language: 'zh-CN',
      sendKey: 'enter',
    });
    expect(setCadence).toHaveBeenLastCalledWith(POLL_CADENCE_MS.fast);
    const onDisk = JSON.parse(await readFile(path.join(app.dataDir, 'settings.json'), 'utf8')) as AppSettings;
    expect(onDisk).toMatchObject({ version: 1, theme: 'dark', pollCadence: 'fast', language: 'zh-CN' });
    expect(app.events.filter((e) => e.name === 'settingsChanges').at(-1)?.payload).toEqual(updated);
    expect(await data(app.dispatch, 'settings:get')).toEqual(updated);
    await data(app.dispatch, 'settings:update', { pollCadence: 'relaxed' });
    expect(setCadence).toHaveBeenLastCalledWith(POLL_CADENCE_MS.relaxed);
  });

  it('refuses invalid values and unknown keys, and changes nothing then', async () => {
    const before = await data<AppSettings>(app.dispatch, 'settings:get');
    const eventsBefore = app.events.length;
    for (const patch of [{ theme: 'neon' }, { pollCadence: 1 }, { version: 2 }, { foo: true }, 'dark'])
      expect(await app.dispatch('settings:update', patch), JSON.stringify(patch)).toMatchObject({
        ok: false,
        error: { code: 'invalid-input' },
      });
    expect(await data(app.dispatch, 'settings:get')).toEqual(before);
    expect(app.events.slice(eventsBefore).filter((e) => e.name === 'settingsChanges')).toEqual([]);
  });
});
