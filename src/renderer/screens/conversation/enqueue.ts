// Queues an action in main's outbox and says what went wrong, if anything, as a sentence for the screen.
// The UI shows the queued item (from outbox events) until main reports it done; it never assumes success.
import type { OpenHandsBridge } from '../../../shared/bridge/contract';
import { bridge } from '../../bridge';

export type PageAction = Parameters<OpenHandsBridge['outbox']['enqueue']>[0];

/** Null when the action was queued, else the reason it was not. */
export async function enqueueAction(action: PageAction): Promise<string | null> {
  try {
    const result = await bridge().outbox.enqueue(action);
    return result.ok ? null : result.error.message;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
