// The tray's menu, tooltip and badge as plain data, built from a status snapshot (architecture.md, Notifier).
// Pure: src/main/electron/tray.ts turns this into Tray + Menu calls and makes no choices of its own.
import { APP_NAME, type DesktopPlatform } from '../../shared/app-info';
import type { ConversationRef } from '../../shared/conversations';
import type { ConversationKey, StatusEntry, StatusSnapshot } from '../../shared/live';
import { type MessageKey, type Translate, translator, type UiLanguage } from '../../shared/i18n/translator';
import { isActive, needsUser } from '../../shared/status';
import { displayTitle } from './notification-model';

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
  locale: UiLanguage;
}

/** Rows per group before "and N more…": a tray menu taller than the screen is no use. */
export const GROUP_MAX = 10;
const TITLE_MAX = 48;

type StatusKey = 'waiting-for-input' | 'needs-confirmation' | 'error' | 'start-failed' | 'starting';

/** A row's status word: the app's status labels, and the tray's own for a start that failed. */
const STATUS_TEXT: Readonly<Record<StatusKey, MessageKey>> = {
  'waiting-for-input': 'status.waiting-for-input',
  'needs-confirmation': 'status.needs-confirmation',
  error: 'status.error',
  'start-failed': 'tray.startFailed',
  starting: 'status.starting',
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
  const t = translator(input.locale);
  const rows: Row[] = [...snapshot].map(([key, entry]) => ({
    key,
    entry,
    title: displayTitle(entry.title, TITLE_MAX, t('tray.untitled')),
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
    group('needs-you', 'tray.needsYou', needing, t),
    group('running', 'tray.running', running, t),
  ].filter((g) => g.length > 0);
  const items: TrayMenuItem[] = groups.flatMap((g, i) =>
    i === 0 ? g : [{ type: 'separator', id: `separator-${i}` } as const, ...g],
  );
  if (items.length === 0)
    items.push({
      type: 'normal',
      id: 'nothing',
      label: t('tray.nothingActive'),
      enabled: false,
      action: null,
    });
  items.push(
    { type: 'separator', id: 'separator-window' },
    input.windowVisible
      ? normal('window', t('tray.hide', { app: APP_NAME }), { type: 'hide-window' })
      : normal('window', t('tray.show', { app: APP_NAME }), { type: 'show-window' }),
    {
      type: 'checkbox',
      id: 'pause',
      label: t('tray.pause'),
      checked: input.notificationsPaused,
      action: { type: 'set-paused', paused: !input.notificationsPaused },
    },
    { type: 'separator', id: 'separator-quit' },
    normal('quit', t('tray.quit', { app: APP_NAME }), { type: 'quit' }),
  );

  const tooltip = [APP_NAME];
  if (needing.length > 0) tooltip.push(t('tray.tooltipNeedsYou', { n: needing.length }));
  if (running.length > 0) tooltip.push(t('tray.tooltipRunning', { n: running.length }));
  if (input.notificationsPaused) tooltip.push(t('tray.tooltipPaused'));

  const count = needing.length;
  const description = count === 0 ? '' : t('tray.badge', { count });
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

function group(id: string, header: MessageKey, rows: Row[], t: Translate): TrayMenuItem[] {
  if (rows.length === 0) return [];
  const items: TrayMenuItem[] = [
    { type: 'normal', id, label: t(header, { n: rows.length }), enabled: false, action: null },
  ];
  for (const { key, entry, title } of rows.slice(0, GROUP_MAX)) {
    const status = rowStatus(entry);
    items.push(
      normal(
        `conversation:${key}`,
        status ? t('tray.row', { title, status: t(STATUS_TEXT[status]) }) : title,
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
      normal(`${id}-more`, t('tray.andMore', { n: rest }), {
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
