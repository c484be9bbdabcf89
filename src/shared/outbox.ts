// The outbox: every mutating action on an OpenHands server, queued durably in main and shown to the renderer
// (architecture.md, "Background work in main"). Schemas validate what is read back from disk; the view types
// are what crosses the bridge (plain data, never a key).
import { z } from 'zod';
import { API_ERROR_KINDS, type ApiErrorInfo } from './api-errors';
import { conversationRefSchema } from './conversations';

const onConversation = { ref: conversationRefSchema };

/** One mutating action, discriminated by `kind`. Everything but `create` targets an existing conversation. */
export const outboxActionSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('create'),
    serverId: z.string().min(1),
    /** Stands for the conversation in the list until the server gives it an id. */
    tempId: z.string().min(1),
    request: z.object({
      initialMessage: z.string().optional(),
      selectedRepository: z.string().optional(),
      selectedBranch: z.string().optional(),
      gitProvider: z.string().optional(),
      agentType: z.enum(['default', 'plan']).optional(),
      sandboxId: z.string().optional(),
      parentConversationId: z.string().optional(),
      /** Bare agent servers: the absolute folder on the server, a worktree of it, and the agent source. */
      workingDir: z.string().min(1).max(4096).optional(),
      worktree: z.boolean().optional(),
      agentProfileId: z.string().min(1).max(200).optional(),
      llmProfile: z.string().min(1).max(200).optional(),
    }),
  }),
  z.object({ kind: z.literal('send'), ...onConversation, text: z.string().min(1) }),
  z.object({ kind: z.literal('pause-agent'), ...onConversation }),
  z.object({ kind: z.literal('resume-agent'), ...onConversation }),
  z.object({ kind: z.literal('pause-sandbox'), ...onConversation }),
  z.object({ kind: z.literal('resume-sandbox'), ...onConversation }),
  /** Stops the conversation: V1 pauses its sandbox, V0 stops it. Supersedes queued pauses and resumes. */
  z.object({ kind: z.literal('stop'), ...onConversation }),
  z.object({ kind: z.literal('rename'), ...onConversation, title: z.string().min(1).max(200) }),
  z.object({ kind: z.literal('delete'), ...onConversation }),
  z.object({
    kind: z.literal('confirm'),
    ...onConversation,
    accept: z.boolean(),
    reason: z.string().optional(),
  }),
  z.object({
    kind: z.literal('upload'),
    ...onConversation,
    localPath: z.string().min(1),
    remotePath: z.string().min(1),
    size: z.number().int().nonnegative(),
    mtimeMs: z.number().nonnegative(),
  }),
]);

export type OutboxAction = z.infer<typeof outboxActionSchema>;
export type OutboxActionKind = OutboxAction['kind'];

/**
 * queued: waiting its turn (or a retry, or its server to come back: see `waiting`).
 * sending: a request is in flight.
 * uncertain: a send or create left and no answer came back; reconciled before any resend, or (when the
 *   server gives no way to check) left for the user to Retry or Cancel.
 * at-limit: a create refused because too many conversations run on the server; the user decides.
 * failed: refused by the server (400/401/403/404/409) or out of retries; the user decides.
 * done: delivered (sent once, in the change that retires the item).
 * cancelled: cancelled by the user or superseded by a later action (sent once, then forgotten).
 */
export const OUTBOX_STATES = [
  'queued',
  'sending',
  'uncertain',
  'at-limit',
  'failed',
  'done',
  'cancelled',
] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

const apiErrorInfoSchema = z.object({
  kind: z.enum(API_ERROR_KINDS),
  message: z.string(),
  status: z.number().int().optional(),
  retryAfterMs: z.number().nonnegative().optional(),
});

/** An item as stored on disk (one journal record holds one of these). */
export const outboxItemSchema = z.object({
  id: z.string().min(1),
  action: outboxActionSchema,
  /** Lane key: the conversation key, or `${serverId}/new:${tempId}` for a create. */
  lane: z.string().min(1),
  /** Global enqueue order (FIFO within a lane follows it). */
  seq: z.number().int().nonnegative(),
  enqueuedAt: z.number(),
  state: z.enum(['queued', 'sending', 'uncertain', 'at-limit', 'failed']),
  attempts: z.number().int().nonnegative(),
  /** When the first request for this item left (the lower bound for reconciliation). */
  firstSentAt: z.number().nullable(),
  nextAttemptAt: z.number(),
  error: apiErrorInfoSchema.nullable(),
  /**
   * A V1 send: how many user messages with exactly its text the conversation held before the first attempt.
   * An unknown outcome is reconciled by counting again (more now → it arrived), never by the text alone: a
   * second "continue" must not be taken for the first. Absent in items from older journals.
   */
  priorMatches: z.number().int().nonnegative().nullish(),
});
export type StoredOutboxItem = z.infer<typeof outboxItemSchema>;

export interface OutboxItemView {
  id: string;
  kind: OutboxActionKind;
  state: OutboxState;
  serverId: string;
  /** Where the item shows inline: its conversation (`conversationKey`), or null for a create. */
  conversationKey: string | null;
  /** For a create: the temporary id it stands under in the list. */
  tempId: string | null;
  /** One line for logs and the tray ("Send: fix the tests", "Rename to …"), in English; never a secret. */
  summary: string;
  /**
   * What the action carries, for the UI to word in its own language: a send's text, a rename's title, an
   * upload's file name (its path in the workspace), a create's first message. Null for the others.
   */
  detail: string | null;
  enqueuedAt: number;
  attempts: number;
  /** Why it is waiting while `queued`: its server is offline, or a retry is scheduled. */
  waiting: 'offline' | 'retry' | null;
  nextAttemptAt: number | null;
  error: ApiErrorInfo | null;
  /** Uploads only, while sending. */
  progress: { bytes: number; total: number; rateBps: number | null; etaMs: number | null } | null;
  /** A create's start task while it runs (and where it stopped, if it failed). */
  start: { status: string; step: number; totalSteps: number; detail: string | null } | null;
  /**
   * What the item is doing before its request can leave: `resuming-sandbox` while a message waits for its
   * conversation's paused sandbox to come back. Absent or null otherwise.
   */
  phase?: 'resuming-sandbox' | null;
  /** A finished create: the conversation it made. */
  created: { serverId: string; id: string; version: 'V0' | 'V1' } | null;
  /** The renderer may offer Retry (failed, uncertain, at-limit) and Cancel (anything not sending or done). */
  canRetry: boolean;
  canCancel: boolean;
}
