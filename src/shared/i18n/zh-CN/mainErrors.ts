import type { Mirror } from '../mirror';
import type { mainErrors as en } from '../en/mainErrors';

export const mainErrors = {} satisfies Mirror<typeof en>;
