// English strings, one file per area: each screen of the renderer, and each part of main that speaks to the user
// (menus, tray, notifications, errors, Test connection, updates). zh-CN mirrors every key.
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

export const en = {
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
