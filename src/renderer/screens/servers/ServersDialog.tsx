// The Servers dialog: the list of servers (where each key is kept, whether each answers) and, in its
// place, the form to add or edit one.
import { useEffect, useRef, useState } from 'react';
import { Dialog } from '../../components/Dialog';
import { useT } from '../../i18n/i18n';
import { useServersStore } from '../../stores/servers-store';
import { ServerForm } from './ServerForm';
import { ServerList } from './ServerList';
import './servers.css';

type View = { to: 'list' } | { to: 'add' } | { to: 'edit'; id: string; focusKey: boolean };

export function ServersDialog({ onClose }: { onClose: () => void }) {
  const t = useT();
  const [view, setView] = useState<View>({ to: 'list' });
  const servers = useServersStore((s) => s.servers);
  const loaded = useServersStore((s) => s.loaded);
  const error = useServersStore((s) => s.error);
  const editing = view.to === 'edit' ? servers.find((s) => s.id === view.id) : undefined;

  // Back from the form, focus returns to "Add server" instead of getting lost on the removed form.
  const addRef = useRef<HTMLButtonElement>(null);
  const returning = useRef(false);
  useEffect(() => {
    if (view.to === 'list' && returning.current) addRef.current?.focus();
    returning.current = view.to !== 'list';
  }, [view]);

  const toList = (): void => setView({ to: 'list' });
  const addButton = (
    <button ref={addRef} type="button" className="primary" onClick={() => setView({ to: 'add' })}>
      {t('servers.addServer')}
    </button>
  );

  let body;
  if (view.to === 'add') body = <ServerForm onDone={toList} />;
  else if (view.to === 'edit' && editing)
    body = <ServerForm key={editing.id} server={editing} focusKey={view.focusKey} onDone={toList} />;
  else if (!loaded) body = <p className="muted">{t('common.loading')}</p>;
  else if (servers.length === 0)
    body = (
      <div className="servers-empty">
        <h3>{t('servers.emptyTitle')}</h3>
        <p>{t('servers.emptyBody')}</p>
        {addButton}
      </div>
    );
  else
    body = (
      <>
        <ServerList servers={servers} onEdit={(id, focusKey) => setView({ to: 'edit', id, focusKey })} />
        <div className="servers-actions">{addButton}</div>
      </>
    );

  return (
    <Dialog title={t('common.navServers')} onClose={onClose} wide>
      {error ? (
        <p className="error-text" role="alert">
          {t('servers.loadError', { message: error })}
        </p>
      ) : null}
      {body}
    </Dialog>
  );
}
