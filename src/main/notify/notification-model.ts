// Which notifications to show, decided from two status snapshots (architecture.md, "Background work in main",
// Notifier). Pure: no clock, no electron, no state. src/main/electron/notifier.ts only renders the result.
import type { ConversationRef } from '../../shared/conversations';
import type { ConversationKey, StatusEntry, StatusSnapshot } from '../../shared/live';
import type { DisplayStatus } from '../../shared/status';
import { isPaused, type NotificationSettings, type NotifyToggle } from '../../shared/notification-settings';

// --- locale helpers (shared with tray-model.ts) ---

export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

/** Replaces `{name}` placeholders; strings stay whole sentences so a translator can move the numbers. */
export function fill(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (match, name: string) => {
    const value = values[name];
    return value === undefined ? match : String(value);
  });
}

/**
 * A conversation title fit for one line of a notification or menu: agents write titles with line breaks
 * and runs of spaces, and some are empty. Cut by code points so CJK text and emoji are never split.
 */
export function displayTitle(title: string, max: number, untitled: string): string {
  const oneLine = title.replace(/\s+/g, ' ').trim();
  if (oneLine === '') return untitled;
  const chars = Array.from(oneLine);
  return chars.length <= max
    ? oneLine
    : `${chars
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
}

// --- kinds ---

/** What a notification is about, in the order a burst's notifications are shown (most urgent first). */
export const NOTIFY_KINDS = [
  'needs-confirmation',
  'waiting-for-input',
  'error',
  'start-failed',
  'finished',
] as const;
export type NotifyKind = (typeof NOTIFY_KINDS)[number];

const KIND_OF_STATUS: Partial<Record<DisplayStatus, NotifyKind>> = {
  'waiting-for-input': 'waiting-for-input',
  'needs-confirmation': 'needs-confirmation',
  finished: 'finished',
  error: 'error',
};

/** The settings switch that governs each kind (a failed start is an error to the user). */
export const KIND_TOGGLE: Readonly<Record<NotifyKind, NotifyToggle>> = {
  'needs-confirmation': 'needs-confirmation',
  'waiting-for-input': 'waiting-for-input',
  error: 'error',
  'start-failed': 'error',
  finished: 'finished',
};

/** The kind of notification a conversation in this state deserves, or null (running, paused, …). */
export function notifyKind(entry: StatusEntry): NotifyKind | null {
  if (entry.startFailed) return 'start-failed';
  return KIND_OF_STATUS[entry.status] ?? null;
}

/**
 * The state compared between snapshots. A failed start counts as plain 'error' here, so the poller learning
 * later that an error came from the start (or forgetting it) does not report the same failure twice.
 */
function changeState(entry: StatusEntry): DisplayStatus {
  return entry.startFailed ? 'error' : entry.status;
}

export interface Transition {
  key: ConversationKey;
  entry: StatusEntry;
  kind: NotifyKind;
}

/**
 * Conversations that moved into a notifiable state between the snapshots, in `next`'s order. Only a change
 * counts: a conversation first seen already finished (at launch, or added on another device) is old news.
 */
export function transitions(previous: StatusSnapshot, next: StatusSnapshot): Transition[] {
  const found: Transition[] = [];
  for (const [key, entry] of next) {
    const before = previous.get(key);
    if (!before || changeState(before) === changeState(entry)) continue;
    const kind = notifyKind(entry);
    if (kind) found.push({ key, entry, kind });
  }
  return found;
}

// --- strings ---

export interface NotificationStrings {
  /** Body of a notification about one conversation (its title is the conversation's title). */
  single: Record<NotifyKind, string>;
  /** Title of a coalesced notification; `{n}` ≥ 2. */
  many: Record<NotifyKind, string>;
  untitled: string;
  /** Between the names in a coalesced notification's body. */
  listSeparator: string;
  /** The body when there are more names than fit: `{list}` then `{n}` more. */
  andMore: string;
}

export const NOTIFICATION_STRINGS: Readonly<Record<Locale, NotificationStrings>> = {
  en: {
    single: {
      'needs-confirmation': 'Needs your confirmation to continue',
      'waiting-for-input': 'Waiting for your input',
      error: 'Stopped with an error',
      'start-failed': 'Could not start',
      finished: 'Finished',
    },
    many: {
      'needs-confirmation': '{n} conversations need your confirmation',
      'waiting-for-input': '{n} conversations are waiting for your input',
      error: '{n} conversations stopped with an error',
      'start-failed': '{n} conversations could not start',
      finished: '{n} conversations finished',
    },
    untitled: 'Untitled conversation',
    listSeparator: ', ',
    andMore: '{list} and {n} more',
  },
  'zh-CN': {
    single: {
      'needs-confirmation': '需要你确认后才能继续',
      'waiting-for-input': '正在等待你的输入',
      error: '因错误而停止',
      'start-failed': '启动失败',
      finished: '已完成',
    },
    many: {
      'needs-confirmation': '{n} 个会话需要你确认',
      'waiting-for-input': '{n} 个会话正在等待你的输入',
      error: '{n} 个会话因错误而停止',
      'start-failed': '{n} 个会话启动失败',
      finished: '{n} 个会话已完成',
    },
    untitled: '未命名会话',
    listSeparator: '、',
    andMore: '{list} 及另外 {n} 个',
  },
};

// --- the decision ---

export interface NotifyContext {
  settings: NotificationSettings;
  /** ms since epoch, from the injected clock (a timed pause ends by it). */
  now: number;
  /** Whether our window has the OS focus. */
  windowFocused: boolean;
  /** The conversation the window shows, or null (a list, settings, …). */
  onScreen: ConversationKey | null;
  locale: Locale;
}

export type NotificationTarget =
  | { type: 'conversation'; key: ConversationKey; ref: ConversationRef }
  /** A coalesced notification opens the list filtered to these. */
  | { type: 'list'; keys: ConversationKey[] };

export interface AppNotification {
  kind: NotifyKind;
  title: string;
  body: string;
  target: NotificationTarget;
}

const TITLE_MAX = 80;
const NAME_MAX = 40;
/** Names listed in a coalesced body before "and N more". */
const NAMES_SHOWN = 3;

/** The notifications for one snapshot change: at most one per kind, most urgent kind first. */
export function notificationsFor(
  previous: StatusSnapshot,
  next: StatusSnapshot,
  context: NotifyContext,
): AppNotification[] {
  if (isPaused(context.settings, context.now)) return [];
  const wanted = transitions(previous, next).filter(
    (t) =>
      context.settings.kinds[KIND_TOGGLE[t.kind]] &&
      // The user is already looking at it: a banner would only repeat the screen.
      !(context.windowFocused && t.key === context.onScreen),
  );
  const strings = NOTIFICATION_STRINGS[context.locale];
  const result: AppNotification[] = [];
  for (const kind of NOTIFY_KINDS) {
    const group = wanted.filter((t) => t.kind === kind);
    const first = group[0];
    if (!first) continue;
    result.push(group.length === 1 ? single(first, strings) : coalesced(kind, group, strings));
  }
  return result;
}

function single({ key, entry, kind }: Transition, strings: NotificationStrings): AppNotification {
  return {
    kind,
    title: displayTitle(entry.title, TITLE_MAX, strings.untitled),
    body: strings.single[kind],
    target: {
      type: 'conversation',
      key,
      ref: { serverId: entry.serverId, id: entry.id, version: entry.version },
    },
  };
}

function coalesced(kind: NotifyKind, group: Transition[], strings: NotificationStrings): AppNotification {
  const names = group
    .slice(0, NAMES_SHOWN)
    .map((t) => displayTitle(t.entry.title, NAME_MAX, strings.untitled))
    .join(strings.listSeparator);
  const rest = group.length - NAMES_SHOWN;
  return {
    kind,
    title: fill(strings.many[kind], { n: group.length }),
    body: rest > 0 ? fill(strings.andMore, { list: names, n: rest }) : names,
    target: { type: 'list', keys: group.map((t) => t.key) },
  };
}
