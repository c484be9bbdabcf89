import { Dialog } from '../../components/Dialog';
import { useT } from '../../i18n/i18n';

export function ServersDialog({ onClose }: { onClose: () => void }) {
  const t = useT();
  return (
    <Dialog title={t('common.navServers')} onClose={onClose}>
      {null}
    </Dialog>
  );
}
