import type { Mirror } from '../mirror';
import type { tray as en } from '../en/tray';

export const tray = {} satisfies Mirror<typeof en>;
