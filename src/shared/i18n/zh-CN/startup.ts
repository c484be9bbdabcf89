import type { Mirror } from '../mirror';
import type { startup as en } from '../en/startup';

export const startup = {} satisfies Mirror<typeof en>;
