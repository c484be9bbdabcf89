import { z } from 'zod';
import {
  CONVERSATION_VERSIONS,
  type ConversationVersion,
  ExecutionStatus,
  LegacyConversationStatus,
  SandboxStatus,
  StartTaskStatus,
  Unknown,
} from './openhands-enums';

/** Where a conversation lives and which API speaks for it. */
export interface ConversationRef {
  serverId: string;
  id: string;
  version: ConversationVersion;
}

export const conversationRefSchema = z.object({
  serverId: z.string().min(1).max(200),
  id: z.string().min(1).max(200),
  version: z.enum(CONVERSATION_VERSIONS),
}) satisfies z.ZodType<ConversationRef>;

/**
 * A conversation as the renderer sees it: plain data, no secrets and no agent-server URLs (those stay in
 * main, with the session keys that open them).
 */
export interface ConversationSummary extends ConversationRef {
  title: string;
  createdAt: string;
  updatedAt: string;
  repository: string | null;
  branch: string | null;
  /** V1: the sandbox's and the agent's state (execution is null while the sandbox is not running). */
  sandboxStatus: SandboxStatus | Unknown | null;
  executionStatus: ExecutionStatus | Unknown | null;
  /** V0: the conversation's and the runtime's state. */
  legacyStatus: LegacyConversationStatus | Unknown | null;
  runtimeStatus: string | null;
  parentId: string | null;
  /** A bare agent server's conversation: the folder on that server it works in (absent elsewhere). */
  workingDir?: string | null;
}

/** Progress of a V1 start, step by step (the start can take minutes while a sandbox boots). */
export interface StartProgress {
  taskId: string;
  status: StartTaskStatus | Unknown;
  /** 1-based position of `status` in the walk, for a progress bar; 0 when unknown. */
  step: number;
  totalSteps: number;
  detail: string | null;
  elapsedMs: number;
}
