import { useT } from '../i18n/i18n';
import { useAppStore } from '../stores/app-store';

/**
 * The app's data folder could not be written when it started (a read-only disk, permissions, a full disk):
 * what is saved is shown, but nothing new can be queued or kept until it can be written again.
 */
export function StorageBanner() {
  const t = useT();
  const storage = useAppStore((s) => s.info?.storage ?? null);
  if (!storage) return null;
  return (
    <div className="connection-banner" role="alert">
      {t(storage.kind === 'disk-full' ? 'common.storageDiskFull' : 'common.storageReadOnly')}
    </div>
  );
}
