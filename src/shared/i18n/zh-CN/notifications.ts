import type { Mirror } from '../mirror';
import type { notifications as en } from '../en/notifications';

export const notifications = {} satisfies Mirror<typeof en>;
