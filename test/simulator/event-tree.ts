import { isStateUpdate, ROOT_PARENT_ID, type SimEvent } from './events';

/**
 * The conversation event tree of agent server ≥1.31 (§4.6). The log stays flat and append-only (search,
 * count and replay show every branch); each stored event points at its parent with `parent_id`, and
 * HEAD (`leaf_event_id`) is where the next event hangs. State updates are stamped but never become HEAD.
 */
export class EventTree {
  /** HEAD; null before the first event and after `navigate(null)`. */
  leafEventId: string | null = null;
  /** True after `navigate(null)` until the next event: that event becomes an explicit new root. */
  headIsEmpty = false;

  /** The `parent_id` the next stored event gets. */
  nextParent(): string | null {
    if (this.leafEventId !== null) return this.leafEventId;
    return this.headIsEmpty ? ROOT_PARENT_ID : null;
  }

  /** Stamps `event` (unless it already carries a parent) and moves HEAD unless it is a state update. */
  stamp(event: SimEvent): void {
    if (!('parent_id' in event)) event.parent_id = this.nextParent();
    if (isStateUpdate(event)) return;
    this.leafEventId = event.id;
    this.headIsEmpty = false;
  }

  /** `POST /navigate`: HEAD moves, nothing is appended. */
  navigate(eventId: string | null): void {
    this.leafEventId = eventId;
    this.headIsEmpty = eventId === null;
  }
}

/**
 * The events from the root to `leafId`, in log order. An event without `parent_id` (written before the
 * tree existed) chains to the previous log entry, as the SDK's event store reads legacy logs.
 */
export function branchTo(events: readonly SimEvent[], leafId: string): SimEvent[] {
  const index = new Map(events.map((e, i) => [e.id, i]));
  const path: SimEvent[] = [];
  let i = index.get(leafId);
  while (i !== undefined) {
    const event = events[i]!;
    path.push(event);
    const parent = event.parent_id;
    if (parent === ROOT_PARENT_ID) break;
    if (typeof parent === 'string') i = index.get(parent);
    else i = i > 0 ? i - 1 : undefined;
  }
  return path.reverse();
}
