import type { servers as en } from '../en/servers';

export const servers = {} satisfies Record<keyof typeof en, string>;
