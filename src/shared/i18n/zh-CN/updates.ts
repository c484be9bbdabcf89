import type { Mirror } from '../mirror';
import type { updates as en } from '../en/updates';

export const updates = {} satisfies Mirror<typeof en>;
