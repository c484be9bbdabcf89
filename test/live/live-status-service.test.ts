import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/main/api/http-client';
import { OpenHandsServer } from '../../src/main/api/openhands-server';
import { LiveStatusService } from '../../src/main/live/live-status-service';
import { StatusPoller } from '../../src/main/live/status-poller';
import { StreamManager } from '../../src/main/live/stream-manager';
import { MemoryLogger } from '../../src/main/logger';
import type { AppNotification } from '../../src/main/notify/notification-model';
import type { TrayModel } from '../../src/main/notify/tray-model';
import { SystemEventEmitter } from '../../src/main/system-events';
import type { ConversationRef } from '../../src/shared/conversations';
import { conversationKey, type StatusChangeSet } from '../../src/shared/live';
import { startSimulator, type Simulator } from '../simulator/simulator';
import { createConversation, waitFor } from '../support/sim';

/** The whole live path against the simulator: poller, sockets, notifications, tray, system events. */
describe('LiveStatusService', () => {
  let sim: Simulator;
  let server: OpenHandsServer;
  let service: LiveStatusService | undefined;
  let streams: StreamManager | undefined;
  let poller: StatusPoller;
  const system = new SystemEventEmitter();
  const notes: AppNotification[] = [];
  const trays: TrayModel[] = [];
  const sets: StatusChangeSet[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ stepMs: 20, rateLimit: false });
    server = new OpenHandsServer(new HttpClient(), {
      id: 's',
      baseUrl: sim.url,
      apiKey: () => Promise.resolve(undefined),
    });
  });
  afterAll(async () => {
    await sim.close();
  });
  afterEach(async () => {
    service?.stop();
    await streams?.close();
    service = undefined;
    streams = undefined;
    notes.length = 0;
    trays.length = 0;
    sets.length = 0;
  });

  function startService(fastMs: number, withStreams: boolean): void {
    poller = new StatusPoller(() => [server], { fastMs, slowMs: fastMs, logger: new MemoryLogger() });
    streams = withStreams
      ? new StreamManager({
          resolverFor: (ref) => (refresh, signal) =>
            server.agent(ref.id, { refresh, ...(signal ? { signal } : {}) }),
          logger: new MemoryLogger(),
        })
      : undefined;
    service = new LiveStatusService({
      poller,
      ...(streams ? { streams } : {}),
      system,
      notify: (n) => notes.push(...n),
      renderTray: (m) => trays.push(m),
      forward: (s) => sets.push(s),
    });
    service.start();
  }

  it('notifies when a conversation needs confirmation, updates the tray badge, forwards the change set', async () => {
    const c = await createConversation(sim);
    startService(80, false);
    const key = conversationKey({ serverId: 's', id: c.id });
    await waitFor(() => poller.get(key), 5000, 'discovery');
    service!.setWindowState({ focused: false, visible: true });
    await server.sendMessage({ serverId: 's', id: c.id, version: 'V1' }, 'clean up [confirm]');
    await waitFor(() => notes.find((n) => n.kind === 'needs-confirmation'), 5000, 'notification');
    expect(trays.at(-1)?.badge.count).toBeGreaterThanOrEqual(1);
    expect(
      sets.some((s) =>
        s.changed.some((x) => conversationKey(x) === key && x.status === 'needs-confirmation'),
      ),
    ).toBe(true);
  });

  it('stays quiet for the conversation on screen in a focused window', async () => {
    const c = await createConversation(sim);
    startService(80, false);
    const ref: ConversationRef = { serverId: 's', id: c.id, version: 'V1' };
    await waitFor(() => poller.get(conversationKey(ref)), 5000, 'discovery');
    service!.setWindowState({ focused: true, visible: true });
    service!.setOnScreen(ref);
    await server.sendMessage(ref, 'quick one');
    await waitFor(() => poller.get(conversationKey(ref))?.status === 'finished', 5000, 'finished');
    expect(
      notes.filter((n) => n.target.type === 'conversation' && n.target.key === conversationKey(ref)),
    ).toEqual([]);
  });

  it("delivers the on-screen conversation's status over its socket without waiting for a poll", async () => {
    const c = await createConversation(sim);
    startService(60_000, true); // one discovery, then no poll for a minute
    const ref: ConversationRef = { serverId: 's', id: c.id, version: 'V1' };
    await waitFor(() => poller.get(conversationKey(ref)), 5000, 'discovery');
    service!.setOnScreen(ref);
    await waitFor(() => streams!.stream(ref), 2000, 'stream');
    await new Promise((r) => setTimeout(r, 300)); // the socket is up
    const polls = sim.requests.filter((r) => r.path === '/api/v1/app-conversations').length;
    await server.sendMessage(ref, 'do it');
    await waitFor(
      () => poller.get(conversationKey(ref))?.status === 'finished',
      5000,
      'finished via the socket',
    );
    // No poll happened: at most sendMessage's own agent lookup.
    expect(sim.requests.filter((r) => r.path === '/api/v1/app-conversations').length).toBeLessThanOrEqual(
      polls + 1,
    );
    expect(sets.some((s) => s.changed.some((x) => x.status === 'running'))).toBe(true);
  });

  it('stops polling on suspend and refreshes on resume', async () => {
    await createConversation(sim);
    startService(60, false);
    await waitFor(() => poller.list().length > 0, 5000, 'discovery');
    system.suspend();
    await new Promise((r) => setTimeout(r, 150));
    const during = sim.requests.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(sim.requests.length).toBe(during);
    system.resume();
    await waitFor(() => sim.requests.length > during, 2000, 'refresh after resume');
  });
});
