import type { Mirror } from '../mirror';
import type { menu as en } from '../en/menu';

export const menu = {} satisfies Mirror<typeof en>;
