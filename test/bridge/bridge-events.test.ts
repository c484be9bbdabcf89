import { describe, expect, it } from 'vitest';
import type { OutboxItemView } from '../../src/shared/outbox';
import type { TimelineUpdate } from '../../src/shared/timeline';
import { useBridgedMain } from '../support/bridged-main';
import { createConversation, useSimulator, waitFor } from '../support/sim';

describe('forwardBridgeEvents: the on-screen conversation’s timeline', () => {
  const sim = useSimulator();
  const { events, dispatch } = useBridgedMain('bridge-events-');

  const timelineFor = (key: string): TimelineUpdate[] =>
    events
      .filter((e) => e.name === 'timeline')
      .map((e) => e.payload as TimelineUpdate)
      .filter((u) => u.key === key);

  async function send(ref: { serverId: string; id: string; version: 'V1' }, text: string): Promise<void> {
    const queued = await dispatch('outbox:enqueue', { kind: 'send', ref, text });
    if (!queued.ok) throw new Error(queued.error.message);
    const id = (queued.data as OutboxItemView).id;
    await waitFor(
      () =>
        events.some(
          (e) =>
            e.name === 'outboxChanges' &&
            (e.payload as OutboxItemView).id === id &&
            (e.payload as OutboxItemView).state === 'done',
        ),
      10_000,
      'send delivered',
    );
  }

  it('pushes the new events of the conversation on screen, and nothing of the others', async () => {
    const added = await dispatch('servers:add', { server: { name: 'Sim', baseUrl: sim().url } });
    if (!added.ok) throw new Error(added.error.message);
    const serverId = (added.data as { id: string }).id;
    const shown = await createConversation(sim(), {});
    const hidden = await createConversation(sim(), {});
    const shownRef = { serverId, id: shown.id, version: 'V1' as const };
    const hiddenRef = { serverId, id: hidden.id, version: 'V1' as const };
    const shownKey = `${serverId}/${shown.id}`;
    const hiddenKey = `${serverId}/${hidden.id}`;

    expect(await dispatch('conversations:setOnScreen', shownRef)).toEqual({ ok: true, data: null });
    await waitFor(() => timelineFor(shownKey).some((u) => u.live === 'live'), 10_000, 'live');

    await send(shownRef, 'Hello from the screen');
    await send(hiddenRef, 'Hello from elsewhere');
    const items = await waitFor(
      () => {
        const all = timelineFor(shownKey).flatMap((u) => u.items);
        const user = all.findIndex((i) => i.kind === 'message' && i.source === 'user');
        const reply = all.findIndex((i, n) => n > user && i.kind === 'message' && i.source === 'agent');
        return user >= 0 && reply > user ? all : undefined;
      },
      15_000,
      'the user message and the agent reply',
    );
    expect(items.find((i) => i.source === 'user')).toMatchObject({ text: 'Hello from the screen' });
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    for (const update of timelineFor(shownKey))
      expect(update.items.length > 0 || update.live !== null || update.reset).toBe(true);

    // The other conversation ran too (its own reply arrived on the server), but none of it was pushed.
    await waitFor(
      async () => {
        const res = await fetch(`${hidden.conversationUrl}/events/search?limit=100`, {
          headers: { 'X-Session-API-Key': hidden.sessionApiKey },
        });
        const body = (await res.json()) as { items: { kind: string; source: string }[] };
        return body.items.some((e) => e.kind === 'MessageEvent' && e.source === 'agent');
      },
      10_000,
      'the hidden conversation answered',
    );
    expect(timelineFor(hiddenKey)).toEqual([]);
    expect(
      events
        .filter((e) => e.name === 'timeline')
        .flatMap((e) => (e.payload as TimelineUpdate).items)
        .some((i) => i.text.includes('Hello from elsewhere')),
    ).toBe(false);

    // Switching screens moves the pushes along.
    await dispatch('conversations:setOnScreen', hiddenRef);
    await waitFor(() => timelineFor(hiddenKey).length > 0, 10_000, 'the new screen pushed');
    await send(shownRef, 'Are you there?');
    await new Promise((r) => setTimeout(r, 300));
    expect(
      timelineFor(shownKey)
        .flatMap((u) => u.items)
        .some((i) => i.text === 'Are you there?'),
    ).toBe(false);
  }, 45_000);
});
