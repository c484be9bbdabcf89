// What a conversation's timeline shows: agent events turned into plain items by main (src/main/live/
// timeline-items.ts), so the renderer never parses the agent server's event shapes and never sees more
// text than it can render.
import { z } from 'zod';

export const TIMELINE_KINDS = [
  /** A chat message from the user or the agent. */
  'message',
  /** The agent runs a tool (a command, a file edit …). */
  'action',
  /** What a tool returned. */
  'observation',
  /** The agent or the conversation failed. */
  'error',
  /** The user rejected an action that needed confirmation. */
  'rejection',
  /** The user paused the agent. */
  'pause',
  /** The user interrupted the agent mid-step (agent server ≥ 1.23, Stop). */
  'interrupt',
  /** An ACP agent's tool call (one row per call, updated in place as it progresses). */
  'tool-call',
  /** A hook (PreToolUse, PostToolUse …) ran; it may have blocked the action. */
  'hook',
  /** An event this build does not know how to show: its kind is kept as the title. */
  'other',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

/** Longer texts are cut to this many characters (the full output stays on the server). */
export const TIMELINE_TEXT_MAX = 20_000;

export const timelineItemSchema = z.object({
  id: z.string(),
  kind: z.enum(TIMELINE_KINDS),
  /** `user`, `agent`, `environment` (or whatever a newer server says). */
  source: z.string(),
  /** As the server wrote it (server-local time without an offset for V1). */
  timestamp: z.string(),
  /** A short heading: the tool's name, "Command failed" … Empty for plain messages. */
  title: z.string(),
  /** The message, the command, the output. */
  text: z.string(),
  /** The agent's reasoning for an action. */
  thought: z.string().nullable(),
  /** The action an observation or rejection answers. */
  actionId: z.string().nullable(),
  /** The agent's own risk rating of an action (LOW / MEDIUM / HIGH / UNKNOWN). */
  risk: z.string().nullable(),
  /** `text` was cut at TIMELINE_TEXT_MAX. */
  truncated: z.boolean(),
  /**
   * Items with the same group are one row: a later one replaces the earlier in place (an ACP tool call's
   * updates share `tool-call:<tool_call_id>`). Absent for ordinary items.
   */
  group: z.string().optional(),
  /** The newest event merged into this item (for grouped items: which update is the latest). */
  updatedAt: z.string().optional(),
  /** A tool call's state (pending, in_progress, completed, failed) or a hook's (ok, blocked, failed). */
  status: z.string().nullable().optional(),
});
export type TimelineItem = z.output<typeof timelineItemSchema>;

/** The later of two items of one group, kept at the earlier one's place (its id and time). */
export function mergeGrouped(held: TimelineItem, next: TimelineItem): TimelineItem {
  if ((next.updatedAt ?? next.timestamp) < (held.updatedAt ?? held.timestamp)) return held;
  return { ...next, id: held.id, timestamp: held.timestamp };
}

/** The live socket's state for the conversation on screen; `unsupported` for V0 (no agent socket). */
export const TIMELINE_LIVE_STATES = [
  'connecting',
  'live',
  'reconnecting',
  'stopped',
  'sandbox-not-running',
  'unsupported',
] as const;
export type TimelineLiveState = (typeof TIMELINE_LIVE_STATES)[number];

/** New events (and/or a new socket state) for one conversation, pushed by main while it is on screen. */
export const timelineUpdateSchema = z.object({
  key: z.string(),
  items: z.array(timelineItemSchema),
  /** Main started over from the newest page: drop what is held and use `items`. */
  reset: z.boolean(),
  live: z.enum(TIMELINE_LIVE_STATES).nullable(),
});
export type TimelineUpdate = z.output<typeof timelineUpdateSchema>;
