// The left pane: every conversation main tracks, across servers, newest first. Main already pages through
// each server's whole conversation list (its poller discovers every page) and pushes the result, so this
// list shows everything it holds: there is no page fetch here. Rows are virtualised (fixed height), so
// 10,000 conversations keep a few dozen rows in the DOM.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useLanguage, useT } from '../../i18n/i18n';
import { useConversationsStore } from '../../stores/conversations-store';
import { useOutboxStore } from '../../stores/outbox-store';
import { useServersStore } from '../../stores/servers-store';
import { useUiStore } from '../../stores/ui-store';
import { BulkActions } from './BulkActions';
import { ConversationRow, createFailed, ROW_HEIGHT, StartingRow } from './ConversationRow';
import { ListToolbar } from './ListToolbar';
import { useVisibleConversations } from './visible-conversations';
import './conversation-list.css';

const OVERSCAN = 10;

/** Re-renders once a minute, so "3 min ago" stays true while the list sits still. */
function useMinuteClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

const rowHeight = (): number => ROW_HEIGHT;

export function ConversationList() {
  const language = useLanguage();
  // One stable translator per language, so memoised rows skip re-rendering when nothing of theirs changed.
  const t = useT();
  const now = useMinuteClock();
  const servers = useServersStore((s) => s.servers);
  const serversLoaded = useServersStore((s) => s.loaded);
  const loaded = useConversationsStore((s) => s.loaded);
  const loadError = useConversationsStore((s) => s.error);
  const byKey = useConversationsStore((s) => s.byKey);
  const search = useUiStore((s) => s.search);
  const statusFilter = useUiStore((s) => s.statusFilter);
  const serverFilter = useUiStore((s) => s.serverFilter);
  const openKey = useUiStore((s) => s.openKey);
  const selected = useUiStore((s) => s.selected);

  // A filter on a server that is gone (or the only one, whose filter is hidden) shows everything.
  const server = servers.length > 1 && servers.some((s) => s.id === serverFilter) ? serverFilter : 'all';
  const { all, shown } = useVisibleConversations({ query: search, status: statusFilter, server });
  const creates = useOutboxStore(
    useShallow((s) => Object.values(s.items).filter((i) => i.kind === 'create' && i.state !== 'done')),
  );
  const starting = useMemo(
    () =>
      creates
        .filter(
          (i) =>
            (server === 'all' || i.serverId === server) &&
            (statusFilter === 'all' || statusFilter === (createFailed(i) ? 'error' : 'starting')),
        )
        .sort((a, b) => b.enqueuedAt - a.enqueuedAt),
    [creates, server, statusFilter],
  );
  const serverNames = useMemo(() => new Map(servers.map((s) => [s.id, s.name])), [servers]);

  // Selected keys whose conversation vanished (deleted, server removed) leave the selection.
  useEffect(() => {
    const current = useUiStore.getState().selected;
    const kept = [...current].filter((key) => byKey.has(key));
    if (kept.length !== current.size) useUiStore.getState().setSelected(new Set(kept));
  }, [byKey, selected]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const count = starting.length + shown.length;
  // Stable between renders with the same rows: a new key function makes the virtualiser redo every row.
  const getItemKey = useCallback(
    (index: number) =>
      index < starting.length
        ? `create:${starting[index]?.id}`
        : (shown[index - starting.length]?.key ?? index),
    [starting, shown],
  );
  // The virtualiser's functions are used here only, never passed to memoised children (rows get plain values).
  // eslint-disable-next-line react-hooks/incompatible-library -- see above
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: rowHeight,
    overscan: OVERSCAN,
    getItemKey,
  });

  const open = useCallback((key: string) => useUiStore.getState().openConversation(key), []);
  const toggle = useCallback((key: string) => {
    const next = new Set(useUiStore.getState().selected);
    if (!next.delete(key)) next.add(key);
    useUiStore.getState().setSelected(next);
  }, []);
  const showPending = useCallback(() => useUiStore.getState().showDialog('pending-actions'), []);

  // Up/Down move between rows, keeping focus on the same kind of control (title or checkbox).
  const pendingFocus = useRef<{ index: number; checkbox: boolean } | null>(null);
  const focusRow = useCallback((index: number, checkbox: boolean): boolean => {
    const row = scrollRef.current?.querySelector(`[data-index="${index}"]`);
    const target = row?.querySelector<HTMLElement>(checkbox ? 'input[type="checkbox"]' : '[data-row-focus]');
    target?.focus();
    return Boolean(target);
  }, []);
  useEffect(() => {
    const wanted = pendingFocus.current;
    if (wanted && focusRow(wanted.index, wanted.checkbox)) pendingFocus.current = null;
  });
  const onKeyDown = (event: React.KeyboardEvent<HTMLDivElement>): void => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const target = event.target as HTMLElement;
    const row = target.closest<HTMLElement>('[data-index]');
    if (!row) return;
    const next = Number(row.dataset.index) + (event.key === 'ArrowDown' ? 1 : -1);
    if (next < 0 || next >= count) return;
    event.preventDefault();
    const checkbox = target instanceof HTMLInputElement && target.type === 'checkbox';
    virtualizer.scrollToIndex(next);
    if (!focusRow(next, checkbox)) pendingFocus.current = { index: next, checkbox };
  };

  const format = useMemo(() => new Intl.NumberFormat(language), [language]);
  const countLine =
    shown.length !== all.length
      ? t('conversations.countFiltered', {
          shown: format.format(shown.length),
          total: format.format(all.length),
        })
      : all.length === 1
        ? t('conversations.countOne')
        : t('conversations.count', { count: format.format(all.length) });

  const empty = ((): React.ReactNode => {
    if (count > 0) return null;
    if (serversLoaded && servers.length === 0)
      return (
        <div className="list-empty">
          <p>{t('conversations.noServers')}</p>
          <button
            type="button"
            className="primary"
            onClick={() => useUiStore.getState().showDialog('servers')}
          >
            {t('conversations.setUpServer')}
          </button>
        </div>
      );
    if (loadError && all.length === 0)
      return (
        <div className="list-empty" role="alert">
          <p className="error-text">{t('conversations.loadFailed', { message: loadError })}</p>
          <button type="button" onClick={() => void useConversationsStore.getState().load()}>
            {t('conversations.reload')}
          </button>
        </div>
      );
    if (!loaded) return <p className="list-empty muted">{t('common.loading')}</p>;
    if (all.length === 0)
      return (
        <div className="list-empty">
          <p>{t('conversations.noConversations')}</p>
          <p className="muted">{t('conversations.noConversationsHint')}</p>
        </div>
      );
    return (
      <div className="list-empty">
        <p>{t('conversations.noMatch')}</p>
        <button
          type="button"
          onClick={() => {
            const ui = useUiStore.getState();
            ui.setSearch('');
            ui.setStatusFilter('all');
            ui.setServerFilter('all');
          }}
        >
          {t('conversations.clearFilters')}
        </button>
      </div>
    );
  })();

  return (
    <section className="conversation-list" aria-label={t('common.navConversations')}>
      <ListToolbar servers={servers} />
      <BulkActions />
      {loaded && all.length > 0 ? (
        <p className="list-count muted" aria-live="polite">
          {countLine}
        </p>
      ) : null}
      <div ref={scrollRef} className="list-scroll" onKeyDown={onKeyDown}>
        <div
          role="list"
          aria-label={t('conversations.list')}
          className="list-rows"
          style={{ height: virtualizer.getTotalSize(), position: 'relative' }}
        >
          {virtualizer.getVirtualItems().map((row) => {
            const placement = { index: row.index, setSize: count, start: row.start };
            if (row.index < starting.length) {
              const item = starting[row.index];
              if (!item) return null;
              return (
                <StartingRow
                  key={row.key}
                  {...placement}
                  t={t}
                  item={item}
                  serverName={serverNames.get(item.serverId) ?? item.serverId}
                  onShow={showPending}
                />
              );
            }
            const entry = shown[row.index - starting.length];
            if (!entry) return null;
            return (
              <ConversationRow
                language={language}
                key={row.key}
                {...placement}
                t={t}
                conversationKey={entry.key}
                conversation={entry.conversation}
                serverName={serverNames.get(entry.conversation.serverId) ?? entry.conversation.serverId}
                isOpen={entry.key === openKey}
                isSelected={selected.has(entry.key)}
                now={now}
                onOpen={open}
                onToggle={toggle}
              />
            );
          })}
        </div>
        {empty}
      </div>
    </section>
  );
}
