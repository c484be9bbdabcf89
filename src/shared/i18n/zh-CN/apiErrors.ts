import type { Mirror } from '../mirror';
import type { apiErrors as en } from '../en/apiErrors';

export const apiErrors = {} satisfies Mirror<typeof en>;
