// The conversation's events as a virtualised log: rows differ in height, so each is measured as it renders
// (`measureElement`) and only the ones near the viewport are in the DOM, even for 20,000 events.
// The list is anchored to its end: it opens at the newest event, follows new ones while the reader is at the
// bottom (otherwise offers "New events ↓"), and keeps the reader's place when earlier events are prepended.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useT } from '../../i18n/i18n';
import type { TimelineItem } from '../../../shared/timeline';
import { useTimelineStore } from '../../stores/timeline-store';
import { TimelineRow, estimateItemHeight } from './TimelineRow';

/** How close to the bottom (px) still counts as "at the bottom". */
const BOTTOM_SLACK = 48;
/** How close to the top (px) asks for earlier events. */
const TOP_SLACK = 200;
/** How often a legacy (V0) conversation's events are read again. */
const V0_REFRESH_MS = 3000;

/** Asks for earlier events when there are some and none are on their way (the store ignores repeats). */
function loadOlderIfAny(): void {
  const state = useTimelineStore.getState();
  if (state.hasEarlier && !state.loadingOlder && !state.loading) void state.loadOlder();
}

const NO_ITEMS: TimelineItem[] = [];

export function Timeline({ conversationKey }: { conversationKey: string }) {
  const t = useT();
  // Until the store has switched to this conversation (its first render comes before the effect that opens
  // it), what it holds belongs to the previous one: show it as loading.
  const mine = useTimelineStore((s) => s.key === conversationKey);
  const items = useTimelineStore((s) => (s.key === conversationKey ? s.items : NO_ITEMS));
  const hasEarlier = useTimelineStore((s) => mine && s.hasEarlier);
  const loading = useTimelineStore((s) => !mine || s.loading);
  const loadingOlder = useTimelineStore((s) => mine && s.loadingOlder);
  const error = useTimelineStore((s) => (mine ? s.error : null));
  const polled = useTimelineStore((s) => mine && s.live === 'unsupported');
  // A legacy (V0) conversation has no agent socket: its events are read again every few seconds while shown,
  // as its header says ("Updates every few seconds").
  useEffect(() => {
    if (!polled) return;
    const timer = setInterval(() => void useTimelineStore.getState().refresh(), V0_REFRESH_MS);
    return () => clearInterval(timer);
  }, [polled]);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [showNew, setShowNew] = useState(false);
  // Kept here by id, not in the rows: a row scrolled out of view unmounts and would forget.
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());

  // Stable per `items`: a new function each render makes the virtualiser re-estimate every item (20,000 on
  // a long timeline) on every scroll frame.
  const estimateSize = useCallback(
    (index: number) => {
      const item = items[index];
      return item ? estimateItemHeight(item) : 60;
    },
    [items],
  );
  const getItemKey = useCallback((index: number) => items[index]?.id ?? index, [items]);
  // The app is not built with the React Compiler; the virtualizer re-renders this component itself.
  // eslint-disable-next-line react-hooks/incompatible-library -- see above
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize,
    getItemKey,
    overscan: 6,
    anchorTo: 'end',
    followOnAppend: true,
    scrollEndThreshold: BOTTOM_SLACK,
    onChange: (instance) => {
      if (instance.isAtEnd(BOTTOM_SLACK)) setShowNew(false);
    },
  });

  // Events appended while the reader is further up: say so instead of moving the view under them. Read from
  // the store's change, before React renders it, so "at the bottom" is judged on the layout the reader saw.
  useEffect(
    () =>
      useTimelineStore.subscribe((state, prev) => {
        if (state.items === prev.items || state.key !== prev.key || prev.items.length === 0) return;
        const last = state.items.at(-1)?.id;
        if (last !== undefined && last !== prev.items.at(-1)?.id && !virtualizer.isAtEnd(BOTTOM_SLACK))
          setShowNew(true);
      }),
    [virtualizer],
  );

  // Open at the newest event once the first page is in.
  const hasItems = items.length > 0;
  useLayoutEffect(() => {
    if (hasItems) virtualizer.scrollToEnd();
  }, [hasItems, virtualizer]);

  // A short timeline cannot be scrolled to its top: fetch earlier events until it fills the view.
  useEffect(() => {
    const height = scrollRef.current?.clientHeight ?? 0;
    if (hasItems && hasEarlier && height > 0 && virtualizer.getTotalSize() < height) loadOlderIfAny();
  }, [items, hasItems, hasEarlier, virtualizer]);

  const toggle = useCallback((id: string) => {
    setExpanded((prev) => {
      const next = new Set(prev);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  }, []);

  const jumpToEnd = (): void => {
    virtualizer.scrollToEnd();
    setShowNew(false);
  };

  const empty = items.length === 0;
  return (
    <div className="tl">
      {loadingOlder ? (
        <p className="tl-older muted" role="status">
          {t('conversation.loadingOlder')}
        </p>
      ) : null}
      {error && !empty ? (
        <div className="tl-error-bar" role="alert">
          <span>{t('conversation.timelineError', { message: error })}</span>
          <button type="button" onClick={() => void useTimelineStore.getState().reload()}>
            {t('conversation.tryAgain')}
          </button>
        </div>
      ) : null}
      <div
        ref={scrollRef}
        className="tl-scroll"
        role="log"
        aria-label={t('conversation.timeline')}
        aria-busy={loading}
        tabIndex={0}
        onScroll={(event) => {
          if (event.currentTarget.scrollTop < TOP_SLACK) loadOlderIfAny();
        }}
      >
        {empty ? (
          loading ? (
            <p className="tl-state muted" role="status">
              {t('conversation.loadingEvents')}
            </p>
          ) : error ? (
            <div className="tl-state" role="alert">
              <p className="error-text">{t('conversation.timelineError', { message: error })}</p>
              <button type="button" onClick={() => void useTimelineStore.getState().reload()}>
                {t('conversation.tryAgain')}
              </button>
            </div>
          ) : (
            <p className="tl-state muted">{t('conversation.noEvents')}</p>
          )
        ) : null}
        <div className="tl-sizer" style={{ height: virtualizer.getTotalSize() }}>
          {virtualizer.getVirtualItems().map((row) => {
            const item = items[row.index];
            if (!item) return null;
            return (
              <div
                key={row.key}
                ref={virtualizer.measureElement}
                data-index={row.index}
                className="tl-row"
                style={{ transform: `translateY(${row.start}px)` }}
              >
                <TimelineRow item={item} expanded={expanded.has(item.id)} onToggle={toggle} />
              </div>
            );
          })}
        </div>
      </div>
      {showNew ? (
        <button type="button" className="tl-new primary" onClick={jumpToEnd}>
          {t('conversation.newEvents')}
        </button>
      ) : null}
    </div>
  );
}
