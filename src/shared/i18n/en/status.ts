import { DISPLAY_STATUS_LABELS, type DisplayStatus } from '../../../shared/status';

/** The English status labels are the shared ones (src/shared/status.ts), so the two never drift. */
export const status = { ...DISPLAY_STATUS_LABELS } satisfies Record<DisplayStatus, string>;
