import { useShallow } from 'zustand/react/shallow';
import { relativeTime, useLanguage, useT } from '../i18n/i18n';
import { offlineServers, useServersStore } from '../stores/servers-store';

/**
 * Shown while any server does not answer: says what happens to the user's actions, and how old the cached
 * state on screen is (the oldest "last heard from" among the offline servers, kept by main's local cache).
 */
export function OfflineBanner() {
  const t = useT();
  const language = useLanguage();
  const offline = useServersStore(useShallow((s) => offlineServers(s).map((server) => server.name)));
  const total = useServersStore((s) => s.servers.length);
  const lastSync = useServersStore((s) => {
    const times = offlineServers(s).flatMap((server) => s.health[server.id]?.lastOkAt ?? []);
    return times.length > 0 ? Math.min(...times) : null;
  });
  if (offline.length === 0) return null;
  return (
    <div className="offline-banner" role="alert">
      {offline.length === total
        ? t('common.offlineBannerAll')
        : t('common.offlineBanner', { servers: offline.join(', ') })}
      {lastSync !== null ? ` ${t('common.lastSynced', { when: relativeTime(language, lastSync) })}` : null}
    </div>
  );
}
