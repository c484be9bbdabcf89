// One timeline item, drawn by kind: chat messages (the user's and the agent's look different), tool actions
// (name, command in monospace, the agent's thought), their output (long output folds), errors and the rest.
import { memo } from 'react';
import type { TimelineItem } from '../../../shared/timeline';
import { type Translate, type UiLanguage, useLanguage, useT } from '../../i18n/i18n';

/** Outputs longer than this fold to their first lines until the user asks for more. */
export const COLLAPSED_LINES = 12;

/** Lines in `text`, counting no further than `max` (a 20,000-character output need not be read to the end). */
function lineCount(text: string, max = Infinity): number {
  let count = 1;
  for (let i = text.indexOf('\n'); i !== -1 && count < max; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

/** A rough height before the row is measured, so the scrollbar starts close to right. */
const estimates = new WeakMap<TimelineItem, number>();

/** Items never change once received, so each is measured in text once (and lines are counted up to a cap). */
export function estimateItemHeight(item: TimelineItem): number {
  const known = estimates.get(item);
  if (known !== undefined) return known;
  const cap = item.kind === 'observation' ? COLLAPSED_LINES : 40;
  const lines = Math.min(lineCount(item.text, cap), cap);
  const extra = item.kind === 'action' && item.thought ? 20 : 0;
  const estimate = 44 + lines * 18 + extra;
  estimates.set(item, estimate);
  return estimate;
}

/** Time of day from the server's timestamp (V1 writes it without an offset: read as UTC, as elsewhere). */
function timeOfDay(timestamp: string, language: UiLanguage): string {
  const iso = /Z$|[+-]\d\d:\d\d$/.test(timestamp) ? timestamp : `${timestamp}Z`;
  const ms = Date.parse(iso);
  return Number.isFinite(ms)
    ? new Date(ms).toLocaleTimeString(language, { hour: '2-digit', minute: '2-digit' })
    : '';
}

function Output({
  text,
  expanded,
  onToggle,
  t,
}: {
  text: string;
  expanded: boolean;
  onToggle: () => void;
  t: Translate;
}) {
  const lines = text.split('\n');
  const foldable = lines.length > COLLAPSED_LINES;
  const shown = foldable && !expanded ? lines.slice(0, COLLAPSED_LINES).join('\n') : text;
  return (
    <>
      <pre className="tl-output">{shown}</pre>
      {foldable ? (
        <div className="tl-fold">
          {!expanded ? (
            <span className="muted">
              {t('conversation.moreLines', { count: lines.length - COLLAPSED_LINES })}
            </span>
          ) : null}
          <button type="button" className="link-button" aria-expanded={expanded} onClick={onToggle}>
            {expanded ? t('conversation.showLess') : t('conversation.showMore')}
          </button>
        </div>
      ) : null}
    </>
  );
}

function Body({
  item,
  expanded,
  onToggle,
  t,
}: {
  item: TimelineItem;
  expanded: boolean;
  onToggle: () => void;
  t: Translate;
}) {
  switch (item.kind) {
    case 'message':
      return <div className="tl-text">{item.text}</div>;
    case 'action':
      return (
        <>
          {item.thought ? <p className="tl-thought muted">{item.thought}</p> : null}
          {item.text ? <pre className="tl-command">{item.text}</pre> : null}
        </>
      );
    case 'observation':
    case 'tool-call':
      return item.text ? <Output text={item.text} expanded={expanded} onToggle={onToggle} t={t} /> : null;
    default:
      return item.text ? <div className="tl-text">{item.text}</div> : null;
  }
}

const TOOL_STATUSES = ['pending', 'in_progress', 'completed', 'failed'] as const;
const HOOK_STATUSES = ['ok', 'blocked', 'failed'] as const;

/** A tool call's or hook's state in words; a state this build does not know is shown as sent. */
function StatusBadge({ item, status, t }: { item: TimelineItem; status: string; t: Translate }) {
  let text = status;
  if (item.kind === 'tool-call' && (TOOL_STATUSES as readonly string[]).includes(status))
    text = t(`conversation.toolStatus_${status as (typeof TOOL_STATUSES)[number]}`);
  if (item.kind === 'hook' && (HOOK_STATUSES as readonly string[]).includes(status))
    text = t(`conversation.hookStatus_${status as (typeof HOOK_STATUSES)[number]}`);
  return <span className={`tl-status tl-status-${status.replace(/[^a-z_]/g, '')}`}>{text}</span>;
}

function heading(item: TimelineItem, t: Translate): string {
  switch (item.kind) {
    case 'message':
      return item.source === 'user'
        ? t('conversation.fromUser')
        : item.source === 'agent'
          ? t('conversation.fromAgent')
          : item.title || item.source;
    case 'observation':
      return item.title || t('conversation.output');
    case 'error':
      return item.title || t('conversation.errorTitle');
    case 'rejection':
      return item.title || t('conversation.rejected');
    case 'pause':
      return item.title || t('conversation.paused');
    case 'interrupt':
      return t('conversation.interrupted');
    case 'tool-call':
      return item.title || t('conversation.toolCall');
    case 'hook':
      return `${t('conversation.hook')}: ${item.title}`;
    default:
      return item.title || item.kind;
  }
}

export interface TimelineRowProps {
  item: TimelineItem;
  expanded: boolean;
  onToggle: (id: string) => void;
}

export const TimelineRow = memo(function TimelineRow({ item, expanded, onToggle }: TimelineRowProps) {
  const t = useT();
  const language = useLanguage();
  const from = item.source === 'user' ? 'user' : item.source === 'agent' ? 'agent' : 'other';
  return (
    <article className={`tl-item tl-${item.kind} tl-from-${from}`}>
      <header className="tl-head">
        <span className="tl-title">{heading(item, t)}</span>
        {item.kind === 'action' && item.risk ? (
          <span className={`tl-risk tl-risk-${item.risk.toLowerCase()}`}>
            {t('conversation.risk', { risk: item.risk })}
          </span>
        ) : null}
        {item.status ? <StatusBadge item={item} status={item.status} t={t} /> : null}
        <time className="tl-time muted" dateTime={item.timestamp}>
          {timeOfDay(item.timestamp, language)}
        </time>
      </header>
      <Body item={item} expanded={expanded} onToggle={() => onToggle(item.id)} t={t} />
      {item.truncated ? <p className="tl-truncated muted">{t('conversation.truncated')}</p> : null}
    </article>
  );
});
