import type { ConversationRef } from '../../shared/conversations';
import { conversationKey, type StatusChangeSet, type StatusSnapshot } from '../../shared/live';
import { type Clock, systemClock } from '../clock';
import type { UiLanguage as Locale } from '../../shared/i18n/translator';
import { type AppNotification, notificationsFor } from '../notify/notification-model';
import {
  DEFAULT_NOTIFICATION_SETTINGS,
  isPaused,
  type NotificationSettings,
} from '../../shared/notification-settings';
import { type TrayModel, trayModel } from '../notify/tray-model';
import type { SystemEvents } from '../system-events';
import type { StatusPoller } from './status-poller';
import type { StreamManager } from './stream-manager';

export interface LiveStatusDeps {
  poller: StatusPoller;
  /** Live sockets for the conversation on screen and some running ones; optional (e.g. tests of the poller path). */
  streams?: Pick<StreamManager, 'focus' | 'watchRunning' | 'onResume' | 'onStatus'>;
  system: SystemEvents;
  clock?: Clock;
  /** Renders notifications (Electron adapter, or a list in browser mode / tests). */
  notify: (notifications: AppNotification[]) => void;
  renderTray: (model: TrayModel) => void;
  /** Forwards each change set to the renderer (one bridge message per set). */
  forward: (changes: StatusChangeSet) => void;
}

/**
 * Puts live status together: poller change sets and socket statuses become one snapshot; each change is
 * forwarded as is, turned into notifications (previous vs next snapshot) and a tray model; sleep, wake,
 * focus and network return steer the poller and the sockets. No Electron here: adapters are injected.
 */
export class LiveStatusService {
  private previous: StatusSnapshot = new Map();
  private settings: NotificationSettings = DEFAULT_NOTIFICATION_SETTINGS;
  private locale: Locale = 'en';
  private windowFocused = true;
  private windowVisible = true;
  private onScreen: ConversationRef | null = null;
  private readonly unsubscribe: (() => void)[] = [];
  private pauseTimer: NodeJS.Timeout | undefined;
  private readonly clock: Clock;

  constructor(private readonly deps: LiveStatusDeps) {
    this.clock = deps.clock ?? systemClock;
  }

  start(): void {
    const { poller, streams, system } = this.deps;
    // Whatever is known already counts as seen: no notifications for the state the app starts in.
    this.previous = poller.snapshot();
    this.unsubscribe.push(
      poller.onChange((changes) => this.onChanges(changes)),
      system.onSuspend(() => poller.suspend()),
      system.onResume(() => {
        poller.resume();
        streams?.onResume();
      }),
      system.onOnline(() => {
        poller.refreshNow();
        streams?.onResume();
      }),
    );
    if (streams)
      this.unsubscribe.push(streams.onStatus((key, status) => poller.applyLiveStatus(key, status)));
    poller.start();
    this.renderTray();
  }

  stop(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    this.deps.poller.stop();
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
  }

  /** The window gained or lost focus, or was shown or hidden. Focus brings an immediate refresh. */
  setWindowState(state: { focused: boolean; visible: boolean }): void {
    const gainedFocus = state.focused && !this.windowFocused;
    this.windowFocused = state.focused;
    if (state.visible !== this.windowVisible) {
      this.windowVisible = state.visible;
      this.renderTray();
    }
    if (gainedFocus) this.deps.poller.refreshNow();
  }

  /** The conversation on screen: polled fast, streamed live, and silent for notifications while focused. */
  setOnScreen(ref: ConversationRef | null): void {
    this.onScreen = ref;
    this.deps.poller.setOnScreen(ref ? conversationKey(ref) : null);
    this.deps.streams?.focus(ref && ref.version === 'V1' ? ref : null);
  }

  get notificationSettings(): NotificationSettings {
    return this.settings;
  }

  setNotificationSettings(settings: NotificationSettings): void {
    this.settings = settings;
    this.renderTray();
    this.armPauseTimer();
  }

  setLocale(locale: Locale): void {
    this.locale = locale;
    this.renderTray();
  }

  private onChanges(changes: StatusChangeSet): void {
    const next = this.deps.poller.snapshot();
    const notifications = notificationsFor(this.previous, next, {
      settings: this.settings,
      now: this.clock.now(),
      windowFocused: this.windowFocused,
      onScreen: this.onScreen ? conversationKey(this.onScreen) : null,
      locale: this.locale,
    });
    this.previous = next;
    this.deps.forward(changes);
    if (notifications.length > 0) this.deps.notify(notifications);
    this.renderTray(next);
    this.watchRunning(next);
  }

  /** Running V1 conversations get live sockets (the manager caps how many). */
  private watchRunning(snapshot: StatusSnapshot): void {
    if (!this.deps.streams) return;
    const running = [...snapshot.values()]
      .filter((e) => e.version === 'V1' && (e.status === 'running' || e.status === 'starting'))
      .map((e) => ({ serverId: e.serverId, id: e.id, version: e.version }));
    this.deps.streams.watchRunning(running);
  }

  private renderTray(snapshot: StatusSnapshot = this.deps.poller.snapshot()): void {
    this.deps.renderTray(
      trayModel(snapshot, {
        windowVisible: this.windowVisible,
        notificationsPaused: isPaused(this.settings, this.clock.now()),
        locale: this.locale,
      }),
    );
  }

  /** A timed pause ends on its own: the tray's checkbox must follow. */
  private armPauseTimer(): void {
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    this.pauseTimer = undefined;
    const until = this.settings.pausedUntil;
    if (!this.settings.paused || until === null || until === undefined) return;
    const wait = until - this.clock.now();
    if (wait > 0) this.pauseTimer = setTimeout(() => this.renderTray(), Math.min(wait + 10, 2 ** 31 - 1));
  }
}
