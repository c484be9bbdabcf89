import { expect } from 'vitest';
import type { AgentServerClient } from '../../src/main/api/agent-server-client';
import type { OpenHandsServer } from '../../src/main/api/openhands-server';
import type { AgentEvent } from '../../src/main/api/schemas/agent-server';
import type {
  AgentResolver,
  ConversationStream,
  StreamState,
  StreamStateDetail,
  StreamStatus,
} from '../../src/main/live/event-stream';
import type { ConversationRef } from '../../src/shared/conversations';
import type { RequestLogEntry } from '../simulator/faults';
import type { Simulator } from '../simulator/simulator';
import { waitFor } from '../support/sim';

/** `OpenHandsServer.agent` as a stream resolver, counting calls (and when they happened, on `now`). */
export function resolverOf(
  server: OpenHandsServer,
  id: string,
  now: () => number = Date.now,
): AgentResolver & { calls: { refresh: boolean; at: number }[] } {
  const calls: { refresh: boolean; at: number }[] = [];
  const resolve = (refresh: boolean, signal?: AbortSignal): Promise<AgentServerClient> => {
    calls.push({ refresh, at: now() });
    return server.agent(id, { refresh, ...(signal ? { signal } : {}) });
  };
  return Object.assign(resolve, { calls });
}

/** Everything a stream reported, in order. */
export interface Recorded {
  statuses: StreamStatus[];
  events: AgentEvent[];
  states: { state: StreamState; detail: StreamStateDetail }[];
  resets: number;
}

export function record(stream: ConversationStream): Recorded {
  const recorded: Recorded = { statuses: [], events: [], states: [], resets: 0 };
  stream.onStatus((s) => recorded.statuses.push(s));
  stream.onEvents((events, info) => {
    recorded.events.push(...events);
    if (info.reset) recorded.resets++;
  });
  stream.onState((state, detail) => recorded.states.push({ state, detail }));
  return recorded;
}

export function waitForState(
  stream: ConversationStream,
  state: StreamState,
  timeoutMs = 5000,
): Promise<true> {
  return waitFor(() => stream.state === state || undefined, timeoutMs, `stream state ${state}`);
}

export function waitForStatus(recorded: Recorded, status: StreamStatus, timeoutMs = 5000): Promise<true> {
  return waitFor(() => recorded.statuses.includes(status) || undefined, timeoutMs, `status ${status}`);
}

/** The conversation's whole log from the agent server (REST, inclusive cursor followed). */
export async function restEvents(server: OpenHandsServer, ref: ConversationRef): Promise<AgentEvent[]> {
  return (await server.agent(ref.id)).allEvents();
}

export function ids(events: readonly AgentEvent[]): string[] {
  return events.map((e) => e.id);
}

/** No id twice, and the same ids as `expected` (as sets). */
export function expectSameEventSet(actual: readonly AgentEvent[], expected: readonly AgentEvent[]): void {
  const got = ids(actual);
  const duplicates = got.filter((id, i) => got.indexOf(id) !== i);
  expect(duplicates, 'duplicate event ids').toEqual([]);
  expect(new Set(got)).toEqual(new Set(ids(expected)));
}

/** Event-socket upgrade requests logged after index `from`. */
export function socketRequests(sim: Simulator, from = 0): RequestLogEntry[] {
  return sim.requests.slice(from).filter((r) => r.path.startsWith('/sockets/events/'));
}

export function sandboxOf(sim: Simulator, ref: ConversationRef): string {
  const record = sim.world.conversations.get(ref.id);
  if (!record) throw new Error(`no conversation ${ref.id}`);
  return record.sandboxId;
}

/** No log line carries a session key (nor anything that looks like the query parameter). */
export function expectNoSecrets(lines: readonly string[], keys: readonly string[]): void {
  for (const line of lines) {
    for (const key of keys) expect(line).not.toContain(key);
    expect(line).not.toMatch(/session_api_key=[^…]/);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
