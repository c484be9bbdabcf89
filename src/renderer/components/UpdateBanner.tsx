import { useT } from '../i18n/i18n';
import { useAppStore } from '../stores/app-store';
import { useUpdateStore } from '../stores/update-store';
import type { UpdateState } from '../../shared/updates';

/** Whether the banner has something to say: a ready update always; the rest only after the user's own check. */
function shown(state: UpdateState | null, dismissed: boolean): state is UpdateState {
  if (!state) return false;
  if (state.phase === 'ready' || state.phase === 'downloading') return true;
  if (state.phase === 'checking') return state.manual;
  if (state.phase === 'idle' || state.phase === 'error') return state.manual && !dismissed;
  return false;
}

/**
 * "Update ready — restart", and the answer to Help → Check for Updates. Never in the way: a background check
 * that found nothing, or failed, says nothing; the app restarts only when the user presses Restart.
 */
export function UpdateBanner() {
  const t = useT();
  const { state, dismissed, restart, dismiss } = useUpdateStore();
  const version = useAppStore((s) => s.info?.version ?? '');
  if (!shown(state, dismissed)) return null;
  let text: string;
  if (state.phase === 'ready')
    text = state.waitingForOutbox
      ? t('updates.waitingForOutbox')
      : t('updates.ready', { version: state.version });
  else if (state.phase === 'downloading')
    text = t('updates.downloading', { version: state.version, percent: Math.round(state.percent) });
  else if (state.phase === 'checking') text = t('updates.checking');
  else if (state.phase === 'error') text = state.message;
  else text = t('updates.upToDate', { version });
  const closable = state.phase === 'idle' || state.phase === 'error';
  return (
    <section className="update-banner" role="status" aria-label={t('updates.region')}>
      <span>{text}</span>
      {state.phase === 'ready' && !state.waitingForOutbox ? (
        <button type="button" onClick={() => void restart()}>
          {t('updates.restart')}
        </button>
      ) : null}
      {closable ? (
        <button type="button" onClick={dismiss}>
          {t('updates.dismiss')}
        </button>
      ) : null}
    </section>
  );
}
