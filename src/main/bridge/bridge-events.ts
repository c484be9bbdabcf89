// Everything main pushes to pages, in one place for both transports (Electron IPC and browser mode):
// outbox changes, server health, settings, update state, and the on-screen conversation's new events and socket state.
// (Status change sets go out through the LiveStatusService's `forward` adapter.)
import type { EventName } from '../../shared/bridge/channels';
import type { EventPayload } from '../../shared/bridge/contract';
import type { MainServices } from '../compose';
import { v1TimelineItems } from '../live/timeline-items';
import { timelineLive } from './timeline-live';

const serverOf = (key: string): string => key.slice(0, key.indexOf('/'));

export type EmitEvent = <E extends EventName>(event: E, payload: EventPayload<E>) => void;

/** Subscribes to the services; returns the unsubscribe. */
export function forwardBridgeEvents(services: MainServices, emit: EmitEvent): () => void {
  const { outbox, health, settings, streams, updates } = services;
  // Only the conversation on screen has its events sent: background streams exist for status, not for pages.
  const onScreen = (key: string): boolean => streams.focusedKey() === key;
  const offs = [
    outbox.onChange((item) => emit('outboxChanges', item)),
    health.onChange((h) => emit('serverHealth', h)),
    settings.onChange((s) => emit('settingsChanges', s)),
    updates.onChange((state) => emit('updateState', state)),
    streams.onEvents((key, events, info) => {
      if (!onScreen(key)) return;
      const items = v1TimelineItems(events);
      if (items.length > 0 || info.reset) emit('timeline', { key, items, reset: info.reset, live: null });
    }),
    streams.onState((key, state) => {
      if (onScreen(key))
        emit('timeline', { key, items: [], reset: false, live: timelineLive(health, serverOf(key), state) });
    }),
    // Offline or back: the on-screen timeline's "live" label follows (see timeline-live.ts).
    health.onChange((h) => {
      const key = streams.focusedKey();
      if (!key || serverOf(key) !== h.serverId) return;
      const state = streams.streamState(key);
      emit('timeline', { key, items: [], reset: false, live: timelineLive(health, h.serverId, state) });
    }),
  ];
  return () => offs.forEach((off) => off());
}
