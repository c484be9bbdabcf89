// A create's start task in words: the known V1 start statuses are translated, a status from a newer server
// is shown as it came.
import type { OutboxItemView } from '../../../shared/outbox';
import { START_TASK_STATUSES } from '../../../shared/openhands-enums';
import type { MessageKey, Translate } from '../../i18n/i18n';

const KNOWN: ReadonlySet<string> = new Set(START_TASK_STATUSES);

export function stepWords(t: Translate, status: string): string {
  return KNOWN.has(status) ? t(`newConversation.step${status}` as MessageKey) : status;
}

/** The create went wrong and waits for the user to Retry or Cancel. */
export function startFailed(item: OutboxItemView): boolean {
  return (
    item.state === 'failed' ||
    item.state === 'at-limit' ||
    item.state === 'uncertain' ||
    item.start?.status === 'ERROR'
  );
}
