// Renders notification-model.ts decisions as native notifications. Thin on purpose: which notifications to
// show, and their words, were decided in the pure model; here they are only shown and their clicks routed.
import { Notification, type BrowserWindow, type NativeImage } from 'electron';
import type { ConversationRef } from '../../shared/conversations';
import type { ConversationKey } from '../../shared/live';
import type { Logger } from '../logger';
import type { AppNotification, NotificationTarget } from '../notify/notification-model';

export interface NotifierOptions {
  /** Brings the main window to the front (see `revealWindow`), creating it if the shell has none. */
  showWindow(): void;
  openConversation(ref: ConversationRef): void;
  /** Opens the conversation list filtered to these (a coalesced notification's click). */
  openList(keys: ConversationKey[]): void;
  /** Linux shows this beside the text; Windows and macOS use the app's own icon whatever we pass. */
  icon?: NativeImage | string;
  logger?: Logger;
}

export interface Notifier {
  show(notifications: readonly AppNotification[]): void;
}

/**
 * Notifications we still hold. A Notification object that gets garbage-collected loses its click handler
 * while the OS still shows it, so each is kept until clicked. Not released on 'close': on Windows that fires
 * when the banner times out into the Action Center, where it can still be clicked. Hence a cap instead.
 */
const RETAINED_MAX = 32;

export function createNotifier(options: NotifierOptions): Notifier {
  const retained = new Set<Notification>();
  let warnedUnsupported = false;

  const open = (target: NotificationTarget): void => {
    options.showWindow();
    if (target.type === 'conversation') options.openConversation(target.ref);
    else options.openList(target.keys);
  };

  return {
    show(notifications) {
      if (notifications.length === 0) return;
      if (!Notification.isSupported()) {
        // e.g. a Linux desktop without a notification daemon: the tray badge still tells the story.
        if (!warnedUnsupported) options.logger?.warn('native notifications are not supported here');
        warnedUnsupported = true;
        return;
      }
      for (const notification of notifications) {
        const native = new Notification({
          title: notification.title,
          body: notification.body,
          ...(options.icon === undefined ? {} : { icon: options.icon }),
        });
        const release = (): void => {
          retained.delete(native);
        };
        native.on('click', () => {
          release();
          open(notification.target);
        });
        native.on('failed', (_event, error) => {
          release();
          options.logger?.warn(`a notification could not be shown: ${error}`);
        });
        retained.add(native);
        if (retained.size > RETAINED_MAX) {
          const oldest = retained.values().next().value;
          if (oldest) retained.delete(oldest);
        }
        native.show();
      }
    },
  };
}

/** Shows, un-minimises and focuses a window: what "clicking a notification focuses the window" means. */
export function revealWindow(
  window: Pick<BrowserWindow, 'isMinimized' | 'restore' | 'show' | 'focus'>,
): void {
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
