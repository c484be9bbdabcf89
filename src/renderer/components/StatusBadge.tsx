import type { DisplayStatus } from '../../shared/status';
import { useT } from '../i18n/i18n';

/** A conversation's status as a coloured label (colour is never the only signal: the text says it). */
export function StatusBadge({ status }: { status: DisplayStatus }) {
  const t = useT();
  return <span className={`status-badge status-${status}`}>{t(`status.${status}`)}</span>;
}
