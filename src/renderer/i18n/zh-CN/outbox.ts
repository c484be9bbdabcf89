import type { outbox as en } from '../en/outbox';

export const outbox = {} satisfies Record<keyof typeof en, string>;
