// Above the list: the search box (focused by Ctrl/Cmd+K), the status filter and, with more than one
// server, the server filter.
import { useEffect, useId, useRef } from 'react';
import { DISPLAY_STATUSES, type DisplayStatus } from '../../../shared/status';
import { useT } from '../../i18n/i18n';
import type { ServerView } from '../../stores/servers-store';
import { useUiStore } from '../../stores/ui-store';
import { modKeyLabel } from './mod-key-label';

export function ListToolbar({ servers }: { servers: readonly ServerView[] }) {
  const t = useT();
  const search = useUiStore((s) => s.search);
  const status = useUiStore((s) => s.statusFilter);
  const server = useUiStore((s) => s.serverFilter);
  const focusRequest = useUiStore((s) => s.searchFocusRequest);
  const ui = useUiStore.getState();
  const statusId = useId();
  const serverId = useId();
  const searchRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (focusRequest === 0) return;
    searchRef.current?.focus();
    searchRef.current?.select();
  }, [focusRequest]);

  return (
    <div className="list-toolbar">
      <input
        ref={searchRef}
        type="search"
        className="list-search"
        aria-label={t('conversations.search')}
        placeholder={t('conversations.searchPlaceholder', { key: modKeyLabel() })}
        value={search}
        onChange={(e) => ui.setSearch(e.target.value)}
      />
      <div className="list-filters">
        <label htmlFor={statusId}>{t('conversations.statusFilter')}</label>
        <select
          id={statusId}
          value={status}
          onChange={(e) => ui.setStatusFilter(e.target.value as DisplayStatus | 'all')}
        >
          <option value="all">{t('conversations.filterAll')}</option>
          {DISPLAY_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`status.${s}`)}
            </option>
          ))}
        </select>
        {servers.length > 1 ? (
          <>
            <label htmlFor={serverId}>{t('conversations.serverFilter')}</label>
            <select id={serverId} value={server} onChange={(e) => ui.setServerFilter(e.target.value)}>
              <option value="all">{t('conversations.filterAll')}</option>
              {servers.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </>
        ) : null}
      </div>
    </div>
  );
}
