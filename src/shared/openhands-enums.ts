// The status enums OpenHands servers send (openhands-api.md §6). Newer servers may add values: parsers
// map anything else to 'unknown' instead of failing.

/** V1 agent-server `ConversationExecutionStatus` (lower-case on the wire). */
export const EXECUTION_STATUSES = [
  'idle',
  'running',
  'paused',
  'waiting_for_confirmation',
  'finished',
  'error',
  'stuck',
  'deleting',
] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];

/** V1 `SandboxStatus`. */
export const SANDBOX_STATUSES = ['STARTING', 'RUNNING', 'PAUSED', 'ERROR', 'MISSING'] as const;
export type SandboxStatus = (typeof SANDBOX_STATUSES)[number];

/** V1 `AppConversationStartTaskStatus`, in the order a start walks through them. */
export const START_TASK_STATUSES = [
  'WORKING',
  'WAITING_FOR_SANDBOX',
  'PREPARING_REPOSITORY',
  'RUNNING_SETUP_SCRIPT',
  'SETTING_UP_GIT_HOOKS',
  'SETTING_UP_SKILLS',
  'STARTING_CONVERSATION',
  'READY',
  'ERROR',
] as const;
export type StartTaskStatus = (typeof START_TASK_STATUSES)[number];

/** V0 `ConversationStatus`. */
export const LEGACY_CONVERSATION_STATUSES = ['STARTING', 'RUNNING', 'STOPPED', 'ARCHIVED', 'ERROR'] as const;
export type LegacyConversationStatus = (typeof LEGACY_CONVERSATION_STATUSES)[number];

export const APP_MODES = ['oss', 'saas'] as const;
export type AppMode = (typeof APP_MODES)[number];

export const CONVERSATION_VERSIONS = ['V0', 'V1'] as const;
export type ConversationVersion = (typeof CONVERSATION_VERSIONS)[number];

/** Any of the above when the server sent a value this build does not know. */
export type Unknown = 'unknown';
