import { useShallow } from 'zustand/react/shallow';
import { useT } from '../i18n/i18n';
import { offlineServers, useServersStore } from '../stores/servers-store';

/** Shown while any server does not answer: says what happens to the user's actions. */
export function OfflineBanner() {
  const t = useT();
  const offline = useServersStore(useShallow((s) => offlineServers(s).map((server) => server.name)));
  const total = useServersStore((s) => s.servers.length);
  if (offline.length === 0) return null;
  return (
    <div className="offline-banner" role="alert">
      {offline.length === total
        ? t('common.offlineBannerAll')
        : t('common.offlineBanner', { servers: offline.join(', ') })}
    </div>
  );
}
