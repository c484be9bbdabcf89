// English strings, one file per area of the UI (each screen owns its file). zh-CN mirrors every key.
import { common } from './common';
import { conversation } from './conversation';
import { conversations } from './conversations';
import { newConversation } from './newConversation';
import { outbox } from './outbox';
import { servers } from './servers';
import { settings } from './settings';
import { status } from './status';

export const en = { common, status, servers, conversations, newConversation, conversation, outbox, settings };
