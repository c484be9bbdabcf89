// One row of the conversation list: a checkbox for multi-select, the title (a button that opens it), its
// server, status and last activity. Rows are absolutely placed by the virtualiser (fixed height).
import { type CSSProperties, memo } from 'react';
import type { TrackedConversation } from '../../../shared/live';
import type { OutboxItemView } from '../../../shared/outbox';
import { StatusBadge } from '../../components/StatusBadge';
import { relativeTime, type Translate, type UiLanguage } from '../../i18n/i18n';

export const ROW_HEIGHT = 56;

interface Placement {
  index: number;
  setSize: number;
  start: number;
}

const placed = ({ start }: Placement): CSSProperties => ({
  position: 'absolute',
  top: 0,
  left: 0,
  width: '100%',
  height: ROW_HEIGHT,
  transform: `translateY(${start}px)`,
});

export interface ConversationRowProps extends Placement {
  t: Translate;
  language: UiLanguage;
  conversationKey: string;
  conversation: TrackedConversation;
  serverName: string;
  isOpen: boolean;
  isSelected: boolean;
  /** Re-renders relative times when the minute turns. */
  now: number;
  onOpen: (key: string) => void;
  onToggle: (key: string) => void;
}

export const ConversationRow = memo(function ConversationRow(props: ConversationRowProps) {
  const { t, conversation: c, conversationKey: key } = props;
  const title = c.title.trim() || t('conversations.untitled');
  return (
    <div
      role="listitem"
      aria-setsize={props.setSize}
      aria-posinset={props.index + 1}
      data-index={props.index}
      className={`conversation-row${props.isOpen ? ' is-open' : ''}${props.isSelected ? ' is-selected' : ''}`}
      style={placed(props)}
      onClick={(event) => {
        // A click anywhere on the row opens it, except on the checkbox (which selects).
        if (!(event.target as HTMLElement).closest('input')) props.onOpen(key);
      }}
    >
      <input
        type="checkbox"
        className="conversation-select"
        aria-label={t('conversations.select', { title })}
        checked={props.isSelected}
        onChange={() => props.onToggle(key)}
      />
      <div className="conversation-main">
        <div className="conversation-line">
          <button
            type="button"
            className="conversation-title"
            data-row-focus=""
            aria-current={props.isOpen ? 'true' : undefined}
            title={title}
          >
            {title}
          </button>
          <span className="conversation-time">
            {relativeTime(props.language, c.updatedAt || c.createdAt, props.now)}
          </span>
        </div>
        <div className="conversation-line conversation-meta">
          <span className="conversation-server">{props.serverName}</span>
          <StatusBadge status={c.status} />
        </div>
      </div>
    </div>
  );
});

const FAILED_STATES = new Set(['failed', 'at-limit', 'uncertain']);

/** A create that went wrong: shown (and filtered) as Error, not as Starting. */
export function createFailed(item: OutboxItemView): boolean {
  return FAILED_STATES.has(item.state) || item.start?.status === 'ERROR';
}

/** A create still in the outbox: shown above the conversations until the server has made it. */
export function StartingRow(
  props: Placement & { t: Translate; item: OutboxItemView; serverName: string; onShow: () => void },
) {
  const { t, item } = props;
  const failed = createFailed(item);
  const label = failed ? t('status.error') : t('conversations.starting');
  return (
    <div
      role="listitem"
      aria-setsize={props.setSize}
      aria-posinset={props.index + 1}
      data-index={props.index}
      className={`conversation-row is-starting${failed ? ' is-failed' : ''}`}
      style={placed(props)}
    >
      <span className="conversation-select" aria-hidden="true" />
      <div className="conversation-main">
        <div className="conversation-line">
          <button type="button" className="conversation-title" data-row-focus="" onClick={props.onShow}>
            {item.detail?.trim() || t('conversations.untitled')}
          </button>
        </div>
        <div className="conversation-line conversation-meta">
          <span className="conversation-server">{props.serverName}</span>
          <span className={`status-badge ${failed ? 'status-error' : 'status-starting'}`}>{label}</span>
        </div>
      </div>
    </div>
  );
}
