import type { Mirror } from '../mirror';
import type { serverErrors as en } from '../en/serverErrors';

export const serverErrors = {} satisfies Mirror<typeof en>;
