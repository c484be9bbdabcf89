import { Dialog } from '../../components/Dialog';
import { useT } from '../../i18n/i18n';

export function SettingsDialog({ onClose }: { onClose: () => void }) {
  const t = useT();
  return (
    <Dialog title={t('common.navSettings')} onClose={onClose}>
      {null}
    </Dialog>
  );
}
