// Which notifications to show, decided from two status snapshots (architecture.md, "Background work in main",
// Notifier). Pure: no clock, no electron, no state. src/main/electron/notifier.ts only renders the result.
import type { ConversationRef } from '../../shared/conversations';
import type { ConversationKey, StatusEntry, StatusSnapshot } from '../../shared/live';
import type { DisplayStatus } from '../../shared/status';
import { type MessageKey, type Translate, translator, type UiLanguage } from '../../shared/i18n/translator';
import { isPaused, type NotificationSettings, type NotifyToggle } from '../../shared/notification-settings';

// --- titles (shared with tray-model.ts) ---

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

// --- strings (src/shared/i18n/*/notifications.ts) ---

/** Body of a notification about one conversation (its title is the conversation's title). */
const SINGLE_TEXT: Readonly<Record<NotifyKind, MessageKey>> = {
  'needs-confirmation': 'notifications.needsConfirmation',
  'waiting-for-input': 'notifications.waitingForInput',
  error: 'notifications.error',
  'start-failed': 'notifications.startFailed',
  finished: 'notifications.finished',
};

/** Title of a coalesced notification, a plural by `count` (always 2 or more). */
const MANY_TEXT: Readonly<Record<NotifyKind, MessageKey>> = {
  'needs-confirmation': 'notifications.manyNeedsConfirmation',
  'waiting-for-input': 'notifications.manyWaitingForInput',
  error: 'notifications.manyError',
  'start-failed': 'notifications.manyStartFailed',
  finished: 'notifications.manyFinished',
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
  locale: UiLanguage;
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
  const t = translator(context.locale);
  const result: AppNotification[] = [];
  for (const kind of NOTIFY_KINDS) {
    const group = wanted.filter((t) => t.kind === kind);
    const first = group[0];
    if (!first) continue;
    result.push(group.length === 1 ? single(first, t) : coalesced(kind, group, t));
  }
  return result;
}

function single({ key, entry, kind }: Transition, t: Translate): AppNotification {
  return {
    kind,
    title: displayTitle(entry.title, TITLE_MAX, t('notifications.untitled')),
    body: t(SINGLE_TEXT[kind]),
    target: {
      type: 'conversation',
      key,
      ref: { serverId: entry.serverId, id: entry.id, version: entry.version },
    },
  };
}

function coalesced(kind: NotifyKind, group: Transition[], t: Translate): AppNotification {
  const names = group
    .slice(0, NAMES_SHOWN)
    .map((shown) => displayTitle(shown.entry.title, NAME_MAX, t('notifications.untitled')))
    .join(t('notifications.listSeparator'));
  const rest = group.length - NAMES_SHOWN;
  return {
    kind,
    title: t(MANY_TEXT[kind], { count: group.length }),
    body: rest > 0 ? t('notifications.andMore', { list: names, n: rest }) : names,
    target: { type: 'list', keys: group.map((shown) => shown.key) },
  };
}
