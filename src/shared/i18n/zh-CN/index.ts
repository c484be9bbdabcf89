// 简体中文: the same keys as ../en (each area file checks its keys against the English one).
import { apiErrors } from './apiErrors';
import { common } from './common';
import { connection } from './connection';
import { conversation } from './conversation';
import { conversations } from './conversations';
import { mainErrors } from './mainErrors';
import { menu } from './menu';
import { newConversation } from './newConversation';
import { notifications } from './notifications';
import { outbox } from './outbox';
import { serverErrors } from './serverErrors';
import { servers } from './servers';
import { settings } from './settings';
import { startup } from './startup';
import { status } from './status';
import { storage } from './storage';
import { tray } from './tray';
import { updates } from './updates';

export const zhCN = {
  common,
  status,
  servers,
  conversations,
  newConversation,
  conversation,
  outbox,
  settings,
  menu,
  tray,
  notifications,
  startup,
  storage,
  apiErrors,
  serverErrors,
  mainErrors,
  connection,
  updates,
};
