// Main process: the tray icon's menu, tooltip and badge (src/main/notify/tray-model.ts). A row's status word
// comes from the `status` area, except a failed start.
export const tray = {
  needsYou: 'Needs you ({n})',
  running: 'Running ({n})',
  andMore: 'and {n} more…',
  nothingActive: 'No active conversations',
  /** A conversation row that also says why it is listed. */
  row: '{title} — {status}',
  startFailed: 'Could not start',
  untitled: 'Untitled conversation',
  show: 'Show {app}',
  hide: 'Hide {app}',
  pause: 'Pause notifications',
  quit: 'Quit {app}',
  tooltipNeedsYou: 'Needs you: {n}',
  tooltipRunning: 'Running: {n}',
  tooltipPaused: 'Notifications paused',
  /** The badge's description, read out by screen readers (Windows). */
  badge_one: '{count} conversation needs you',
  badge_other: '{count} conversations need you',
};
