import { describe, expect, it } from 'vitest';
import {
  EXECUTION_STATUSES,
  LEGACY_CONVERSATION_STATUSES,
  SANDBOX_STATUSES,
  START_TASK_STATUSES,
} from '../../src/shared/openhands-enums';
import {
  DISPLAY_STATUS_LABELS,
  DISPLAY_STATUSES,
  displayStatus,
  isActive,
  needsUser,
} from '../../src/shared/status';

/** Expected display status of a running sandbox's conversation for every execution status (plus unknown and null). */
const RUNNING_SANDBOX = {
  idle: 'waiting-for-input',
  running: 'running',
  paused: 'paused',
  waiting_for_confirmation: 'needs-confirmation',
  finished: 'finished',
  error: 'error',
  stuck: 'error',
  deleting: 'archived',
  unknown: 'unknown',
} as const;

const OTHER_SANDBOX = {
  STARTING: 'starting',
  PAUSED: 'stopped',
  ERROR: 'error',
  MISSING: 'archived',
  unknown: 'unknown',
} as const;

describe('displayStatus (V1)', () => {
  it('covers every execution status on a running sandbox', () => {
    for (const exec of [...EXECUTION_STATUSES, 'unknown'] as const)
      expect(displayStatus({ version: 'V1', sandboxStatus: 'RUNNING', executionStatus: exec }), exec).toBe(
        RUNNING_SANDBOX[exec],
      );
    expect(displayStatus({ version: 'V1', sandboxStatus: 'RUNNING', executionStatus: null })).toBe(
      'starting',
    );
  });

  it('lets a sandbox that is not running decide, whatever the last execution status', () => {
    for (const sandbox of [...SANDBOX_STATUSES.filter((s) => s !== 'RUNNING'), 'unknown'] as const)
      for (const exec of [...EXECUTION_STATUSES, 'unknown', null] as const)
        expect(
          displayStatus({ version: 'V1', sandboxStatus: sandbox, executionStatus: exec }),
          `${sandbox}/${exec}`,
        ).toBe(OTHER_SANDBOX[sandbox]);
  });

  it('shows a conversation being created as starting, a failed start as error', () => {
    for (const task of START_TASK_STATUSES) {
      const status = displayStatus({
        version: 'V1',
        startTask: task,
        sandboxStatus: null,
        executionStatus: null,
      });
      expect(status, task).toBe(task === 'ERROR' ? 'error' : task === 'READY' ? 'unknown' : 'starting');
    }
    expect(
      displayStatus({ version: 'V1', startTask: 'unknown', sandboxStatus: null, executionStatus: null }),
    ).toBe('starting');
    expect(
      displayStatus({ version: 'V1', startTask: 'READY', sandboxStatus: 'RUNNING', executionStatus: 'idle' }),
    ).toBe('waiting-for-input');
  });

  it('falls back to the execution status when the sandbox status is missing', () => {
    expect(displayStatus({ version: 'V1', sandboxStatus: null, executionStatus: 'finished' })).toBe(
      'finished',
    );
    expect(displayStatus({ version: 'V1', sandboxStatus: null, executionStatus: null })).toBe('unknown');
  });
});

describe('displayStatus (V0)', () => {
  it('covers every V0 conversation status', () => {
    const expected = {
      STARTING: 'starting',
      RUNNING: 'running',
      STOPPED: 'stopped',
      ARCHIVED: 'archived',
      ERROR: 'error',
      unknown: 'unknown',
    };
    for (const status of [...LEGACY_CONVERSATION_STATUSES, 'unknown'] as const)
      expect(displayStatus({ version: 'V0', status, runtimeStatus: 'STATUS$READY' }), status).toBe(
        expected[status],
      );
    expect(displayStatus({ version: 'V0', status: null })).toBe('unknown');
  });

  it('uses the runtime and agent state of a running V0 conversation', () => {
    const running = (runtimeStatus: string | null, agentState?: string) =>
      displayStatus({
        version: 'V0',
        status: 'RUNNING',
        runtimeStatus,
        ...(agentState ? { agentState } : {}),
      });
    expect(running('STATUS$BUILDING_RUNTIME')).toBe('starting');
    expect(running('STATUS$ERROR_LLM_AUTHENTICATION')).toBe('error');
    expect(running('STATUS$READY', 'awaiting_user_input')).toBe('waiting-for-input');
    expect(running('STATUS$READY', 'awaiting_user_confirmation')).toBe('needs-confirmation');
    expect(running('STATUS$READY', 'finished')).toBe('finished');
    expect(running('STATUS$READY', 'stopped')).toBe('paused');
    expect(running('STATUS$READY', 'error')).toBe('error');
    expect(running('STATUS$READY', 'rate_limited')).toBe('running');
    expect(running('STATUS$READY', 'some_new_state')).toBe('unknown');
    expect(running(null)).toBe('running');
  });
});

describe('status traits', () => {
  it('labels every status and classifies who acts next', () => {
    for (const s of DISPLAY_STATUSES) expect(DISPLAY_STATUS_LABELS[s]).toMatch(/^[A-Z]/);
    expect(DISPLAY_STATUSES.filter(needsUser)).toEqual(['waiting-for-input', 'needs-confirmation', 'error']);
    expect(DISPLAY_STATUSES.filter(isActive)).toEqual(['starting', 'running']);
  });
});
