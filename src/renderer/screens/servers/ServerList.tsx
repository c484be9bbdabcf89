// One row per server: name, address, Cloud, self-hosted or agent server, the Cloud organisation it acts in, where its key
// is kept (never the key), and whether it answers. A key lost with the last session gets a prompt to enter it
// again.
import { HealthIndicator } from '../../components/HealthIndicator';
import { useT } from '../../i18n/i18n';
import type { ServerView } from '../../stores/servers-store';
import { KIND_LABEL } from './ServerForm';

export function ServerList({
  servers,
  onEdit,
}: {
  servers: ServerView[];
  onEdit: (id: string, focusKey: boolean) => void;
}) {
  const t = useT();
  return (
    <ul className="server-list" aria-label={t('servers.listLabel')}>
      {servers.map((server) => {
        const keyText = server.sessionKeyLost
          ? null
          : server.keyStorage === 'keychain'
            ? t('servers.keyKeychain')
            : server.keyStorage === 'session'
              ? t('servers.keySession')
              : t('servers.keyNone');
        return (
          <li key={server.id} className="server-row" aria-label={server.name}>
            <div className="server-row-main">
              <div className="server-row-title">
                <span className="server-name">{server.name}</span>
                <HealthIndicator serverId={server.id} />
              </div>
              <span className="server-url">{server.baseUrl}</span>
              <span className="server-meta muted">
                {t(KIND_LABEL[server.kind])}
                {server.orgName ? ` · ${t('servers.orgInRow', { name: server.orgName })}` : null}
                {keyText ? ` · ${keyText}` : null}
              </span>
              {server.sessionKeyLost ? (
                <p className="server-warning">
                  {t('servers.keyLost')}{' '}
                  <button
                    type="button"
                    aria-label={t('servers.reenterKeyFor', { name: server.name })}
                    onClick={() => onEdit(server.id, true)}
                  >
                    {t('servers.reenterKey')}
                  </button>
                </p>
              ) : null}
            </div>
            <button
              type="button"
              aria-label={t('servers.editServer', { name: server.name })}
              onClick={() => onEdit(server.id, false)}
            >
              {t('servers.edit')}
            </button>
          </li>
        );
      })}
    </ul>
  );
}
