// What the user chose about notifications: one switch per kind and a global pause. The settings issue
// persists this object; here are only its schema, its defaults and what "paused" means at a given time.
import { z } from 'zod';

/**
 * The statuses a user can switch notifications for. A failed start is reported under 'error': to the
 * user both mean "this conversation broke", and one switch for it is easier to find than two.
 */
export const NOTIFY_TOGGLES = ['waiting-for-input', 'needs-confirmation', 'finished', 'error'] as const;
export type NotifyToggle = (typeof NOTIFY_TOGGLES)[number];

const on = z.boolean().default(true);

export const notificationSettingsSchema = z.object({
  // `prefault({})` runs the inner defaults, so a stored object that lacks a newer kind gets it switched on.
  kinds: z
    .object({
      'waiting-for-input': on,
      'needs-confirmation': on,
      finished: on,
      error: on,
    })
    .prefault({}),
  /** "Pause notifications": true until switched off, or until `pausedUntil` when that is set. */
  paused: z.boolean().default(false),
  /** ms since epoch; null = paused until switched off. Ignored while `paused` is false. */
  pausedUntil: z.number().int().nonnegative().nullable().default(null),
});

export type NotificationSettings = z.infer<typeof notificationSettingsSchema>;

const defaults = notificationSettingsSchema.parse({});
/** Everything on, nothing paused. Frozen (kinds too): callers copy it, never change it in place. */
export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = Object.freeze({
  ...defaults,
  kinds: Object.freeze(defaults.kinds),
});

/** Whether notifications are paused at `now` (from the injected clock, so a timed pause is testable). */
export function isPaused(settings: NotificationSettings, now: number): boolean {
  if (!settings.paused) return false;
  return settings.pausedUntil === null || now < settings.pausedUntil;
}
