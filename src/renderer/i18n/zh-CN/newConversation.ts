import type { newConversation as en } from '../en/newConversation';

export const newConversation = {
  open: '新建会话',
} satisfies Record<keyof typeof en, string>;
