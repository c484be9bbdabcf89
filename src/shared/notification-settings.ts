// What the user chose about notifications: one switch per kind and a global pause; its defaults and what
// "paused" means at a given time. Its zod schema is in settings-schema.ts (kept out of the renderer).

/**
 * The statuses a user can switch notifications for. A failed start is reported under 'error': to the
 * user both mean "this conversation broke", and one switch for it is easier to find than two.
 */
export const NOTIFY_TOGGLES = ['waiting-for-input', 'needs-confirmation', 'finished', 'error'] as const;
export type NotifyToggle = (typeof NOTIFY_TOGGLES)[number];

export interface NotificationSettings {
  kinds: Record<NotifyToggle, boolean>;
  /** "Pause notifications": true until switched off, or until `pausedUntil` when that is set. */
  paused: boolean;
  /** ms since epoch; null = paused until switched off. Ignored while `paused` is false. */
  pausedUntil: number | null;
}

/** Everything on, nothing paused. Frozen (kinds too): callers copy it, never change it in place. */
export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = Object.freeze({
  kinds: Object.freeze({
    'waiting-for-input': true,
    'needs-confirmation': true,
    finished: true,
    error: true,
  }),
  paused: false,
  pausedUntil: null,
});

/** Whether notifications are paused at `now` (from the injected clock, so a timed pause is testable). */
export function isPaused(settings: NotificationSettings, now: number): boolean {
  if (!settings.paused) return false;
  return settings.pausedUntil === null || now < settings.pausedUntil;
}
