import type { DisplayStatus } from '../../../shared/status';

export const status = {
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
} satisfies Record<DisplayStatus, string>;
