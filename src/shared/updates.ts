// What the app knows about its own updates, as the renderer shows it. Main owns the checks (on start, then daily)
// and the download; the page only shows this and asks for a check or a restart.
import { z } from 'zod';

/** Why this copy of the app cannot update itself: browser mode, a build run from source, or no feed in the build. */
export const UPDATE_UNAVAILABLE_REASONS = ['browser', 'not-packaged', 'unsupported'] as const;

export const updateStateSchema = z.discriminatedUnion('phase', [
  z.object({ phase: z.literal('unavailable'), reason: z.enum(UPDATE_UNAVAILABLE_REASONS) }),
  /** Up to date as of `checkedAt` (or never checked yet). `manual`: the user asked, so the page says so. */
  z.object({ phase: z.literal('idle'), checkedAt: z.number().nullable(), manual: z.boolean() }),
  z.object({ phase: z.literal('checking'), manual: z.boolean() }),
  z.object({ phase: z.literal('downloading'), version: z.string(), percent: z.number().min(0).max(100) }),
  /**
   * Downloaded and verified: "Update ready — restart". `waitingForOutbox`: the user chose Restart while an
   * action was being sent; the restart happens once nothing is sending.
   */
  z.object({ phase: z.literal('ready'), version: z.string(), waitingForOutbox: z.boolean() }),
  z.object({ phase: z.literal('error'), message: z.string(), manual: z.boolean() }),
]);
export type UpdateState = z.output<typeof updateStateSchema>;
