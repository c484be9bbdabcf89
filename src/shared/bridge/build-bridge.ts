// One table of the bridge's methods, shared by both transports: the Electron preload (IPC) and browser mode
// (WebSocket). Each transport supplies how to call a channel, how to subscribe to an event, and how to plan
// uploads from dropped files (only the preload can turn files into paths).
import type { EventName, InvokeChannel } from './channels';
import type { BridgeResult, EventPayload, OpenHandsBridge } from './contract';

export interface BridgeTransport {
  /** Main answers every channel with a `BridgeResult`; the contract types each method's data. */
  call: (channel: InvokeChannel, input?: unknown) => Promise<BridgeResult<never>>;
  subscribe: (event: EventName, listener: (payload: unknown) => void) => () => void;
  planUploads: OpenHandsBridge['uploads']['plan'];
}

/** Named methods only: no generic invoke reaches the page. */
export function buildBridge({ call, subscribe, planUploads }: BridgeTransport): OpenHandsBridge {
  // Payloads are validated by main before they are sent; the contract types them.
  const on =
    <E extends EventName>(event: E) =>
    (listener: (payload: EventPayload<E>) => void) =>
      subscribe(event, (payload) => listener(payload as EventPayload<E>));
  const bridge = {
    app: {
      info: () => call('app:info'),
    },
    servers: {
      list: () => call('servers:list'),
      add: (input) => call('servers:add', input),
      update: (input) => call('servers:update', input),
      remove: (input) => call('servers:remove', input),
      test: (input) => call('servers:test', input),
      testUnsaved: (input) => call('servers:testUnsaved', input),
      keychainStatus: () => call('servers:keychainStatus'),
      health: () => call('servers:health'),
    },
    conversations: {
      list: () => call('conversations:list'),
      setOnScreen: (input) => call('conversations:setOnScreen', input),
      timeline: (input) => call('conversations:timeline', input),
      olderEvents: (input) => call('conversations:olderEvents', input),
    },
    settings: {
      get: () => call('settings:get'),
      update: (input) => call('settings:update', input),
    },
    outbox: {
      list: () => call('outbox:list'),
      enqueue: (input) => call('outbox:enqueue', input),
      retry: (input) => call('outbox:retry', input),
      cancel: (input) => call('outbox:cancel', input),
    },
    uploads: {
      plan: planUploads,
      start: (input) => call('uploads:start', input),
    },
    updates: {
      state: () => call('updates:state'),
      check: () => call('updates:check'),
      restart: () => call('updates:restart'),
    },
    backends: {
      options: (input) => call('backends:options', input),
      folders: (input) => call('backends:folders', input),
    },
    onStatusChanges: on('statusChanges'),
    onOutboxChanges: on('outboxChanges'),
    onServerHealth: on('serverHealth'),
    onTimeline: on('timeline'),
    onSettingsChanges: on('settingsChanges'),
    onNavigate: on('navigate'),
    onUpdateState: on('updateState'),
  } satisfies OpenHandsBridge;
  return bridge;
}
