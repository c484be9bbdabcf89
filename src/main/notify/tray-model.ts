// The tray's menu, tooltip and badge as plain data, built from a status snapshot (architecture.md, Notifier).
// Pure: src/main/electron/tray.ts turns this into Tray + Menu calls and makes no choices of its own.
import { APP_NAME, type DesktopPlatform } from '../../shared/app-info';
import type { ConversationRef } from '../../shared/conversations';
import type { ConversationKey, StatusEntry, StatusSnapshot } from '../../shared/live';
import { DISPLAY_STATUS_LABELS, isActive, needsUser } from '../../shared/status';
import { displayTitle, fill, type Locale } from './notification-model';

export type TrayAction =
  | { type: 'open-conversation'; key: ConversationKey; ref: ConversationRef }
  /** Opens the conversation list filtered to these ("and N more…"). */
  | { type: 'open-list'; keys: ConversationKey[] }
  | { type: 'show-window' }
  | { type: 'hide-window' }
  /** The value to set, not a toggle: a click on a stale menu still does what its checkmark promised. */
  | { type: 'set-paused'; paused: boolean }
  | { type: 'quit' };

export type TrayMenuItem =
  | { type: 'separator'; id: string }
  | { type: 'normal'; id: string; label: string; enabled: boolean; action: TrayAction | null }
  | { type: 'checkbox'; id: string; label: string; checked: boolean; action: TrayAction };

export interface TrayModel {
  items: TrayMenuItem[];
  /** May span lines (Windows and macOS show them; Linux indicators show no tooltip at all). */
  tooltip: string;
  /** `count`: conversations that need the user. `description` is read out by screen readers (Windows). */
  badge: { count: number; description: string };
}

export interface TrayInput {
  windowVisible: boolean;
  /** Whether notifications are paused now (notification-settings.ts `isPaused`). */
  notificationsPaused: boolean;
  locale: Locale;
}

/** Rows per group before "and N more…": a tray menu taller than the screen is no use. */
export const GROUP_MAX = 10;
const TITLE_MAX = 48;

type StatusKey = 'waiting-for-input' | 'needs-confirmation' | 'error' | 'start-failed' | 'starting';

export interface TrayStrings {
  needsYou: string;
  running: string;
  andMore: string;
  nothingActive: string;
  /** A conversation row that also says why it is listed. */
  row: string;
  status: Record<StatusKey, string>;
  untitled: string;
  show: string;
  hide: string;
  pause: string;
  quit: string;
  tooltipNeedsYou: string;
  tooltipRunning: string;
  tooltipPaused: string;
  badgeOne: string;
  badgeMany: string;
}

export const TRAY_STRINGS: Readonly<Record<Locale, TrayStrings>> = {
  en: {
    needsYou: 'Needs you ({n})',
    running: 'Running ({n})',
    andMore: 'and {n} more…',
    nothingActive: 'No active conversations',
    row: '{title} — {status}',
    status: {
      'waiting-for-input': DISPLAY_STATUS_LABELS['waiting-for-input'],
      'needs-confirmation': DISPLAY_STATUS_LABELS['needs-confirmation'],
      error: DISPLAY_STATUS_LABELS.error,
      'start-failed': 'Could not start',
      starting: DISPLAY_STATUS_LABELS.starting,
    },
    untitled: 'Untitled conversation',
    show: 'Show {app}',
    hide: 'Hide {app}',
    pause: 'Pause notifications',
    quit: 'Quit {app}',
    tooltipNeedsYou: 'Needs you: {n}',
    tooltipRunning: 'Running: {n}',
    tooltipPaused: 'Notifications paused',
    badgeOne: '1 conversation needs you',
    badgeMany: '{n} conversations need you',
  },
  'zh-CN': {
    needsYou: '需要你处理（{n}）',
    running: '运行中（{n}）',
    andMore: '还有 {n} 个…',
    nothingActive: '没有活动的会话',
    row: '{title} — {status}',
    status: {
      'waiting-for-input': '等待输入',
      'needs-confirmation': '需要确认',
      error: '出错',
      'start-failed': '启动失败',
      starting: '启动中',
    },
    untitled: '未命名会话',
    show: '显示 {app}',
    hide: '隐藏 {app}',
    pause: '暂停通知',
    quit: '退出 {app}',
    tooltipNeedsYou: '需要你处理：{n}',
    tooltipRunning: '运行中：{n}',
    tooltipPaused: '通知已暂停',
    badgeOne: '1 个会话需要你处理',
    badgeMany: '{n} 个会话需要你处理',
  },
};

interface Row {
  key: ConversationKey;
  entry: StatusEntry;
  /** As shown: one line, truncated, "Untitled conversation" for an empty one. */
  title: string;
}

/** Most urgent first inside "Needs you": an agent blocked on approval waits on nothing else. */
const URGENCY: Readonly<Record<string, number>> = {
  'needs-confirmation': 0,
  'waiting-for-input': 1,
  error: 2,
};

/**
 * "Needs you" lists what `needsUser()` says (and the badge counts exactly those); "Running" lists what
 * `isActive()` says, so a conversation still starting is there too, marked as such: it is work in flight.
 */
export function trayModel(snapshot: StatusSnapshot, input: TrayInput): TrayModel {
  const strings = TRAY_STRINGS[input.locale];
  const rows: Row[] = [...snapshot].map(([key, entry]) => ({
    key,
    entry,
    title: displayTitle(entry.title, TITLE_MAX, strings.untitled),
  }));
  // By title (then key) rather than snapshot order, so rows do not jump about from one poll to the next.
  const byTitle = (a: Row, b: Row): number =>
    a.title.localeCompare(b.title, input.locale) || a.key.localeCompare(b.key);
  const urgency = (row: Row): number => URGENCY[row.entry.status] ?? 3;
  const needing = rows
    .filter((row) => needsUser(row.entry.status))
    .sort((a, b) => urgency(a) - urgency(b) || byTitle(a, b));
  const running = rows.filter((row) => isActive(row.entry.status)).sort(byTitle);

  const groups = [
    group('needs-you', strings.needsYou, needing, strings),
    group('running', strings.running, running, strings),
  ].filter((g) => g.length > 0);
  const items: TrayMenuItem[] = groups.flatMap((g, i) =>
    i === 0 ? g : [{ type: 'separator', id: `separator-${i}` } as const, ...g],
  );
  if (items.length === 0)
    items.push({ type: 'normal', id: 'nothing', label: strings.nothingActive, enabled: false, action: null });
  items.push(
    { type: 'separator', id: 'separator-window' },
    input.windowVisible
      ? normal('window', fill(strings.hide, { app: APP_NAME }), { type: 'hide-window' })
      : normal('window', fill(strings.show, { app: APP_NAME }), { type: 'show-window' }),
    {
      type: 'checkbox',
      id: 'pause',
      label: strings.pause,
      checked: input.notificationsPaused,
      action: { type: 'set-paused', paused: !input.notificationsPaused },
    },
    { type: 'separator', id: 'separator-quit' },
    normal('quit', fill(strings.quit, { app: APP_NAME }), { type: 'quit' }),
  );

  const tooltip = [APP_NAME];
  if (needing.length > 0) tooltip.push(fill(strings.tooltipNeedsYou, { n: needing.length }));
  if (running.length > 0) tooltip.push(fill(strings.tooltipRunning, { n: running.length }));
  if (input.notificationsPaused) tooltip.push(strings.tooltipPaused);

  const count = needing.length;
  const description =
    count === 0 ? '' : count === 1 ? strings.badgeOne : fill(strings.badgeMany, { n: count });
  return { items, tooltip: tooltip.join('\n'), badge: { count, description } };
}

/**
 * What a plain click on the tray icon does. Windows users expect it to bring the window back; macOS opens
 * the menu on click by itself, and Linux indicators report no clicks at all.
 */
export function trayClickAction(platform: DesktopPlatform): TrayAction | null {
  return platform === 'win32' ? { type: 'show-window' } : null;
}

function normal(id: string, label: string, action: TrayAction): TrayMenuItem {
  return { type: 'normal', id, label, enabled: true, action };
}

function group(id: string, header: string, rows: Row[], strings: TrayStrings): TrayMenuItem[] {
  if (rows.length === 0) return [];
  const items: TrayMenuItem[] = [
    { type: 'normal', id, label: fill(header, { n: rows.length }), enabled: false, action: null },
  ];
  for (const { key, entry, title } of rows.slice(0, GROUP_MAX)) {
    const status = rowStatus(entry);
    items.push(
      normal(
        `conversation:${key}`,
        status ? fill(strings.row, { title, status: strings.status[status] }) : title,
        {
          type: 'open-conversation',
          key,
          ref: { serverId: entry.serverId, id: entry.id, version: entry.version },
        },
      ),
    );
  }
  const rest = rows.length - GROUP_MAX;
  if (rest > 0)
    items.push(
      normal(`${id}-more`, fill(strings.andMore, { n: rest }), {
        type: 'open-list',
        keys: rows.map((row) => row.key),
      }),
    );
  return items;
}

/** Why a row is listed when its group does not say it all: "Needs you" covers three statuses. */
function rowStatus(entry: StatusEntry): StatusKey | null {
  if (entry.startFailed) return 'start-failed';
  switch (entry.status) {
    case 'waiting-for-input':
    case 'needs-confirmation':
    case 'error':
    case 'starting':
      return entry.status;
    default:
      return null; // a running row needs no word: its group says it
  }
}
