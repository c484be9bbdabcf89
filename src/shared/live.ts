// Live state shared by the poller, the event streams, the notifier and the tray (and, via the bridge, the UI).
import type { ConversationRef, ConversationSummary } from './conversations';
import type { DisplayStatus } from './status';

/** One key per conversation across servers: `${serverId}/${id}` (V1 ids in lower-case hex). */
export type ConversationKey = string;

export function conversationKey(ref: Pick<ConversationRef, 'serverId' | 'id'>): ConversationKey {
  return `${ref.serverId}/${ref.id.replace(/-/g, '').toLowerCase()}`;
}

/** A tracked conversation as main knows it now: its summary plus the unified display status. */
export interface TrackedConversation extends ConversationSummary {
  status: DisplayStatus;
}

/** What a status snapshot keeps per conversation (all the notifier and tray need). */
export type StatusEntry = Pick<TrackedConversation, 'serverId' | 'id' | 'version' | 'title' | 'status'> & {
  /** The conversation failed while being created (its start task ended in ERROR). */
  startFailed?: boolean;
};

export type StatusSnapshot = ReadonlyMap<ConversationKey, StatusEntry>;

/** One tick's worth of changes, coalesced: only what changed, sent to the renderer as one message. */
export interface StatusChangeSet {
  /** Conversations that are new or whose summary/status changed. */
  changed: TrackedConversation[];
  /** Conversations that disappeared (deleted on the server, or their server was removed). */
  removed: ConversationKey[];
  /** When the change set was made (ms since epoch, from the injected clock). */
  at: number;
}
