// Every bridge channel, by namespace and method: the one list the preload, main and the browser-mode
// transport are built from. Plain data (no zod) so the sandboxed preload stays small.

export const INVOKE_METHODS = {
  app: ['info'],
  servers: ['list', 'add', 'update', 'remove', 'test', 'testUnsaved', 'keychainStatus', 'health'],
  conversations: ['list', 'setOnScreen', 'timeline', 'olderEvents'],
  settings: ['get', 'update'],
  outbox: ['list', 'enqueue', 'retry', 'cancel'],
  uploads: ['plan', 'start'],
  updates: ['state', 'check', 'restart'],
  backends: ['options', 'folders'],
} as const;

/**
 * How long browser mode's page waits for main to answer a call before it gives up (web-bridge.ts); work
 * behind one call (Test connection) is bounded well inside it.
 */
export const BRIDGE_CALL_TIMEOUT_MS = 30_000;

/** Events main pushes to the renderer; the bridge exposes them as `on<Name>(listener) → unsubscribe`. */
export const EVENT_NAMES = [
  'statusChanges',
  'outboxChanges',
  'serverHealth',
  'timeline',
  'settingsChanges',
  'navigate',
  'updateState',
] as const;

export type InvokeNamespace = keyof typeof INVOKE_METHODS;
export type InvokeMethod<N extends InvokeNamespace> = (typeof INVOKE_METHODS)[N][number];
export type InvokeChannel = { [N in InvokeNamespace]: `${N}:${InvokeMethod<N>}` }[InvokeNamespace];
export type EventName = (typeof EVENT_NAMES)[number];
export type EventChannel = `event:${EventName}`;

export function invokeChannel<N extends InvokeNamespace>(
  namespace: N,
  method: InvokeMethod<N>,
): InvokeChannel {
  return `${namespace}:${method}` as InvokeChannel;
}

export function eventChannel(name: EventName): EventChannel {
  return `event:${name}`;
}

/** All invoke channels, flat. */
export function allInvokeChannels(): InvokeChannel[] {
  return (Object.keys(INVOKE_METHODS) as InvokeNamespace[]).flatMap((ns) =>
    (INVOKE_METHODS[ns] as readonly string[]).map((m) => `${ns}:${m}` as InvokeChannel),
  );
}

/** `statusChanges` → `onStatusChanges`. */
export function subscriberName(name: EventName): `on${Capitalize<EventName>}` {
  return `on${name.charAt(0).toUpperCase()}${name.slice(1)}` as `on${Capitalize<EventName>}`;
}
