import type { conversation as en } from '../en/conversation';

export const conversation = {} satisfies Record<keyof typeof en, string>;
