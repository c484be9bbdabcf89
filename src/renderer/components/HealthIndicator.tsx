import { useServersStore } from '../stores/servers-store';
import { useT } from '../i18n/i18n';

/** A server's Online / Offline state: a `status` element whose text is the state (tests find it by that). */
export function HealthIndicator({ serverId }: { serverId: string }) {
  const t = useT();
  const health = useServersStore((s) => s.health[serverId]);
  const state = health?.state ?? 'unknown';
  const label =
    state === 'online'
      ? t('common.online')
      : state === 'offline'
        ? t('common.offline')
        : t('common.unknownHealth');
  return (
    <span role="status" className={`health health-${state}`} title={health?.problem?.message ?? undefined}>
      {label}
    </span>
  );
}
