// One display vocabulary for every conversation, whatever API version it came from (architecture.md,
// "Status: one vocabulary"). Pure: used by main (poller, notifier, tray) and the renderer alike.
import type { ConversationSummary } from './conversations';
import type {
  ExecutionStatus,
  LegacyConversationStatus,
  SandboxStatus,
  StartTaskStatus,
  Unknown,
} from './openhands-enums';

export const DISPLAY_STATUSES = [
  'starting',
  'running',
  'waiting-for-input',
  'needs-confirmation',
  'finished',
  'paused',
  'stopped',
  'archived',
  'error',
  /** A value from a newer server this build does not know: shown as such, never guessed. */
  'unknown',
] as const;
export type DisplayStatus = (typeof DISPLAY_STATUSES)[number];

/** English labels; the renderer translates by status key. */
export const DISPLAY_STATUS_LABELS: Readonly<Record<DisplayStatus, string>> = {
  starting: 'Starting',
  running: 'Running',
  'waiting-for-input': 'Waiting for input',
  'needs-confirmation': 'Needs confirmation',
  finished: 'Finished',
  paused: 'Paused',
  stopped: 'Stopped',
  archived: 'Archived',
  error: 'Error',
  unknown: 'Unknown',
};

export type StatusInput =
  | {
      version: 'V1';
      /** The start task's status while the conversation is being created (absent once it exists). */
      startTask?: StartTaskStatus | Unknown | null;
      sandboxStatus: SandboxStatus | Unknown | null;
      executionStatus: ExecutionStatus | Unknown | null;
    }
  | {
      version: 'V0';
      status: LegacyConversationStatus | Unknown | null;
      runtimeStatus?: string | null;
      /** The V0 agent state, when known from the event stream. */
      agentState?: string | null;
    };

const EXECUTION: Record<ExecutionStatus | Unknown, DisplayStatus> = {
  idle: 'waiting-for-input',
  running: 'running',
  paused: 'paused',
  waiting_for_confirmation: 'needs-confirmation',
  finished: 'finished',
  error: 'error',
  stuck: 'error',
  deleting: 'archived',
  unknown: 'unknown',
};

const SANDBOX: Record<Exclude<SandboxStatus, 'RUNNING'> | Unknown, DisplayStatus> = {
  STARTING: 'starting',
  PAUSED: 'stopped',
  ERROR: 'error',
  MISSING: 'archived',
  unknown: 'unknown',
};

const LEGACY: Record<Exclude<LegacyConversationStatus, 'RUNNING'> | Unknown, DisplayStatus> = {
  STARTING: 'starting',
  STOPPED: 'stopped',
  ARCHIVED: 'archived',
  ERROR: 'error',
  unknown: 'unknown',
};

const AGENT_STATE: Record<string, DisplayStatus> = {
  loading: 'running',
  init: 'running',
  running: 'running',
  user_confirmed: 'running',
  rate_limited: 'running',
  awaiting_user_input: 'waiting-for-input',
  user_rejected: 'waiting-for-input',
  rejected: 'waiting-for-input',
  awaiting_user_confirmation: 'needs-confirmation',
  finished: 'finished',
  paused: 'paused',
  stopped: 'paused',
  error: 'error',
};

/** Maps V0 and V1 states to the display vocabulary. */
export function displayStatus(input: StatusInput): DisplayStatus {
  if (input.version === 'V1') {
    const task = input.startTask;
    if (task && task !== 'READY') return task === 'ERROR' ? 'error' : 'starting'; // an unknown step is still a start
    const sandbox = input.sandboxStatus;
    if (sandbox === null) return input.executionStatus ? EXECUTION[input.executionStatus] : 'unknown';
    if (sandbox !== 'RUNNING') return SANDBOX[sandbox];
    // The sandbox runs but its agent server has not answered yet: still starting.
    return input.executionStatus ? EXECUTION[input.executionStatus] : 'starting';
  }
  const status = input.status;
  if (status === null) return 'unknown';
  if (status !== 'RUNNING') return LEGACY[status];
  if (input.runtimeStatus?.startsWith('STATUS$ERROR')) return 'error';
  if (input.agentState) return AGENT_STATE[input.agentState] ?? 'unknown';
  // Running with a runtime that is not ready yet (building, starting…) is still starting.
  if (input.runtimeStatus && input.runtimeStatus !== 'STATUS$READY') return 'starting';
  return 'running';
}

export function summaryStatus(summary: ConversationSummary): DisplayStatus {
  // A V1 row read through the V0 list carries only V0 states; a V1 row with neither state is 'unknown'.
  const v1States = summary.sandboxStatus !== null || summary.executionStatus !== null;
  if (v1States || (summary.version === 'V1' && summary.legacyStatus === null))
    return displayStatus({
      version: 'V1',
      sandboxStatus: summary.sandboxStatus,
      executionStatus: summary.executionStatus,
    });
  return displayStatus({ version: 'V0', status: summary.legacyStatus, runtimeStatus: summary.runtimeStatus });
}

/** Statuses in which the user is the one who has to act. */
export function needsUser(status: DisplayStatus): boolean {
  return status === 'waiting-for-input' || status === 'needs-confirmation' || status === 'error';
}

/** Statuses that change on their own soon: polled fast. */
export function isActive(status: DisplayStatus): boolean {
  return status === 'starting' || status === 'running';
}
