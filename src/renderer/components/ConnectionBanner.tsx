import { useT } from '../i18n/i18n';
import { useConnectionStore } from '../stores/connection-store';

/**
 * Browser mode only: main stopped (or stopped answering) while the page stays open. Without this the page
 * showed its last state as if all were well, and nothing it did had any effect.
 */
export function ConnectionBanner() {
  const t = useT();
  const state = useConnectionStore((s) => s.state);
  if (state !== 'lost' && state !== 'not-answering') return null;
  return (
    <div className="connection-banner" role="alert">
      <strong>{t(state === 'lost' ? 'common.disconnected' : 'common.notAnswering')}</strong>{' '}
      {t('common.disconnectedDetail')}
    </div>
  );
}
