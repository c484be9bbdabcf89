// One conversation's cached events as JSONL: a header line, then one agent event per line, oldest first.
// JSONL rather than one JSON document because the byte budget is counted per line as it is written, and a
// reader can check each event on its own (a bad line drops the file, but costs no full-document parse).
import type { AgentEvent } from '../api/schemas/agent-server';
import { CACHE_FORMAT_VERSION, type EventsHeader, eventsHeaderSchema, migrate } from './cache-format';

export interface CachedEvents {
  /** Oldest first, unique ids. */
  events: AgentEvent[];
  hasEarlier: boolean;
}

export interface EventBudget {
  maxEvents: number;
  maxBytes: number;
}

/**
 * Keeps the newest events within the budget. Like the in-memory store, a run of equal timestamps is never
 * split at the cut, so the kept window stays "every event with timestamp ≥ the first one" and scroll-back
 * (`timestamp < first`) is its exact complement.
 */
export function encodeEvents(
  key: string,
  cached: CachedEvents,
  budget: EventBudget,
  savedAt: number,
): { text: string; events: number; bytes: number; hasEarlier: boolean } {
  const lines: string[] = [];
  let bytes = 0;
  const all = cached.events;
  let cut = all.length;
  for (let i = all.length - 1; i >= 0; i--) {
    const line = JSON.stringify(all[i]);
    const size = Buffer.byteLength(line) + 1;
    if (lines.length >= budget.maxEvents || (lines.length > 0 && bytes + size > budget.maxBytes)) break;
    lines.push(line);
    bytes += size;
    cut = i;
  }
  let hasEarlier = cached.hasEarlier;
  if (cut > 0) {
    hasEarlier = true;
    const boundary = all[cut - 1]!.timestamp;
    // Drop the kept events that share the timestamp of the first one cut off.
    while (lines.length > 1 && all[cut]!.timestamp === boundary) {
      const dropped = lines.pop()!;
      bytes -= Buffer.byteLength(dropped) + 1;
      cut++;
    }
  }
  lines.reverse();
  const header: EventsHeader = { version: CACHE_FORMAT_VERSION, key, hasEarlier, savedAt };
  const headerLine = JSON.stringify(header);
  const text = `${headerLine}\n${lines.map((l) => `${l}\n`).join('')}`;
  return { text, events: lines.length, bytes: bytes + Buffer.byteLength(headerLine) + 1, hasEarlier };
}

export type DecodedEvents =
  { ok: true; key: string; cached: CachedEvents; bytes: number } | { ok: false; why: string };

/** Reads a file written by `encodeEvents` (any version `migrate` can bring up to date). */
export function decodeEvents(text: string): DecodedEvents {
  if (!text.endsWith('\n')) return { ok: false, why: 'the file ends mid-line' };
  const lines = text.split('\n');
  lines.pop();
  let rawHeader: unknown;
  try {
    rawHeader = JSON.parse(lines[0] ?? '');
  } catch {
    return { ok: false, why: 'the header is not JSON' };
  }
  const migrated = migrate(rawHeader);
  if (!migrated.ok) return { ok: false, why: migrated.why };
  const header = eventsHeaderSchema.safeParse(migrated.value);
  if (!header.success) return { ok: false, why: 'the header does not match the format' };
  const events: AgentEvent[] = [];
  const ids = new Set<string>();
  for (let i = 1; i < lines.length; i++) {
    let value: unknown;
    try {
      value = JSON.parse(lines[i]!);
    } catch {
      return { ok: false, why: `line ${i + 1} is not JSON` };
    }
    // A cheap check of the fields the store and the timeline rely on (a zod parse per event would cost more
    // than reading the file); the rest of an event is loose by design, as on the wire.
    if (!isEventLike(value)) return { ok: false, why: `line ${i + 1} is not an event` };
    if (ids.has(value.id)) continue;
    ids.add(value.id);
    events.push(value);
  }
  return {
    ok: true,
    key: header.data.key,
    cached: { events, hasEarlier: header.data.hasEarlier },
    bytes: Buffer.byteLength(text),
  };
}

function isEventLike(value: unknown): value is AgentEvent {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.id === 'string' &&
    typeof v.kind === 'string' &&
    typeof v.timestamp === 'string' &&
    typeof v.source === 'string'
  );
}

/**
 * The union of what was cached and what is held now, by id, oldest first. When `next` does not reach back to
 * `base` (the store started over from the newest page after a long gap), `base` is dropped: keeping both would
 * leave a hole in the middle of the window.
 */
export function mergeEvents(base: CachedEvents | undefined, next: CachedEvents): CachedEvents {
  if (!base || base.events.length === 0) return next;
  if (next.events.length === 0) return base;
  const baseNewest = base.events.at(-1)!.timestamp;
  const nextOldest = next.events[0]!.timestamp;
  if (next.hasEarlier && nextOldest > baseNewest) return next;
  const seen = new Set<string>();
  const merged: AgentEvent[] = [];
  for (const event of [...base.events, ...next.events]) {
    if (seen.has(event.id)) continue;
    seen.add(event.id);
    merged.push(event);
  }
  // Stable: equal timestamps keep arrival order.
  merged.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
  const baseFirst = base.events[0]!.timestamp;
  const hasEarlier =
    baseFirst < nextOldest
      ? base.hasEarlier
      : nextOldest < baseFirst
        ? next.hasEarlier
        : base.hasEarlier && next.hasEarlier;
  return { events: merged, hasEarlier };
}
