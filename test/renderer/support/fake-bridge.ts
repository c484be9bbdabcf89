// An in-memory `window.openhands` for component tests: each method answers from `state` (or a handler a
// test sets), records the call, and `emit` pushes an event as main would. The real bridge is exercised by
// test/bridge (both transports) and the Playwright journeys in test/e2e.
import {
  EVENT_NAMES,
  type EventName,
  INVOKE_METHODS,
  subscriberName,
} from '../../../src/shared/bridge/channels';
import type {
  BridgeResult,
  EventPayload,
  InvokeOutput,
  OpenHandsBridge,
} from '../../../src/shared/bridge/contract';
import type { AppSettings } from '../../../src/shared/settings';
import { DEFAULT_APP_SETTINGS } from '../../../src/shared/settings-schema';
import type { TrackedConversation } from '../../../src/shared/live';
import type { OutboxItemView } from '../../../src/shared/outbox';
import type { ServerHealth } from '../../../src/shared/server-health';

type ServerView = InvokeOutput<'servers', 'list'>[number];

export interface FakeState {
  servers: ServerView[];
  health: ServerHealth[];
  conversations: TrackedConversation[];
  outbox: OutboxItemView[];
  settings: AppSettings;
  timeline: InvokeOutput<'conversations', 'timeline'> | null;
}

export interface Call {
  method: string;
  input: unknown;
}

/** A method's answer: data, or a bridge error. */
export type Answer =
  | { ok: true; data: unknown }
  | { ok: false; error: { code: string; message: string; fields?: { field: string; message: string }[] } };

export interface FakeBridge {
  bridge: OpenHandsBridge;
  state: FakeState;
  calls: Call[];
  /** Overrides one method (`'servers.add'`): return data, or `{ ok: false, error }` via `fail`. */
  answer(method: string, handler: (input: unknown) => Answer | Promise<Answer>): void;
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  callsTo(method: string): unknown[];
  /** The methods (`'servers.list'`) the fake answers without a test's `answer`. */
  answered: string[];
}

export function ok(data: unknown): Answer {
  return { ok: true, data };
}

export function fail(code: string, message: string, fields?: { field: string; message: string }[]): Answer {
  return { ok: false, error: { code, message, ...(fields ? { fields } : {}) } };
}

export function createFakeBridge(initial: Partial<FakeState> = {}): FakeBridge {
  const state: FakeState = {
    servers: [],
    health: [],
    conversations: [],
    outbox: [],
    settings: DEFAULT_APP_SETTINGS,
    timeline: null,
    ...initial,
  };
  const calls: Call[] = [];
  const handlers = new Map<string, (input: unknown) => Answer | Promise<Answer>>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();

  const defaults: Record<string, (input: unknown) => Answer> = {
    'app.info': () => ok({ name: 'OpenHands Desktop', version: '0.0.0', platform: 'linux', storage: null }),
    'servers.list': () => ok(state.servers),
    'servers.health': () => ok(state.health),
    'servers.keychainStatus': () => ok({ state: 'available' }),
    'conversations.list': () => ok(state.conversations),
    'conversations.setOnScreen': () => ok(null),
    'conversations.timeline': () =>
      state.timeline ? ok(state.timeline) : fail('not-found', 'No timeline in this test.'),
    'conversations.olderEvents': () => ok({ items: [], hasEarlier: false }),
    'outbox.list': () => ok(state.outbox),
    'settings.get': () => ok(state.settings),
    'updates.state': () => ok({ phase: 'unavailable', reason: 'browser' }),
    'settings.update': (patch) => {
      state.settings = { ...state.settings, ...(patch as Partial<AppSettings>) };
      return ok(state.settings);
    },
  };

  const call = async (method: string, input?: unknown): Promise<BridgeResult<never>> => {
    calls.push({ method, input });
    const handler = handlers.get(method) ?? defaults[method];
    if (!handler)
      return fail('unhandled', `The fake bridge has no answer for ${method}.`) as BridgeResult<never>;
    return (await handler(input)) as BridgeResult<never>;
  };
  const on =
    (event: EventName) =>
    (listener: (payload: never) => void): (() => void) => {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      const entry = (payload: unknown): void => listener(payload as never);
      set.add(entry);
      return () => set.delete(entry);
    };

  const namespace = (
    ns: string,
    methods: string[],
  ): Record<string, (input?: unknown) => Promise<BridgeResult<never>>> =>
    Object.fromEntries(methods.map((m) => [m, (input?: unknown) => call(`${ns}.${m}`, input)]));

  // Every namespace and event of the real bridge, from the shared lists it is built from.
  const bridge = {
    ...Object.fromEntries(
      Object.entries(INVOKE_METHODS).map(([ns, methods]) => [ns, namespace(ns, [...methods])]),
    ),
    ...Object.fromEntries(EVENT_NAMES.map((event) => [subscriberName(event), on(event)])),
  } as unknown as OpenHandsBridge;

  return {
    bridge,
    state,
    calls,
    answer: (method, handler) => handlers.set(method, handler),
    emit: (event, payload) => {
      for (const listener of listeners.get(event) ?? []) listener(payload);
    },
    callsTo: (method) => calls.filter((c) => c.method === method).map((c) => c.input),
    answered: Object.keys(defaults),
  };
}
