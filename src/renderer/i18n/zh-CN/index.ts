// 简体中文: the same keys as ../en (each area file checks its keys against the English one).
import type { en } from '../en';
import { common } from './common';
import { conversation } from './conversation';
import { conversations } from './conversations';
import { newConversation } from './newConversation';
import { outbox } from './outbox';
import { servers } from './servers';
import { settings } from './settings';
import { status } from './status';

export const zhCN = {
  common,
  status,
  servers,
  conversations,
  newConversation,
  conversation,
  outbox,
  settings,
} satisfies { [A in keyof typeof en]: Record<keyof (typeof en)[A], string> };
