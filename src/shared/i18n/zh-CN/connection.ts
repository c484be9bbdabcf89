import type { Mirror } from '../mirror';
import type { connection as en } from '../en/connection';

export const connection = {} satisfies Mirror<typeof en>;
