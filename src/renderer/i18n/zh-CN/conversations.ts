import type { conversations as en } from '../en/conversations';

export const conversations = {
  pickOne: '从列表中选择一个会话，或新建一个。',
} satisfies Record<keyof typeof en, string>;
