// The bar shown while conversations are selected: Stop or Delete them all (after a confirmation that says
// how many), or clear the selection. Each conversation gets its own outbox action, so each shows as queued
// on its own and is sent when its server answers.
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ConversationRef } from '../../../shared/conversations';
import { Dialog } from '../../components/Dialog';
import { bridge, errorMessage } from '../../bridge';
import { useT } from '../../i18n/i18n';
import { useConversationsStore } from '../../stores/conversations-store';
import { useUiStore } from '../../stores/ui-store';

type BulkKind = 'stop' | 'delete';

/** Queues one action per conversation; answers how many the bridge refused and the first reason. */
async function enqueueAll(
  kind: BulkKind,
  refs: ConversationRef[],
): Promise<{ failed: number; message: string | null }> {
  const results = await Promise.all(
    refs.map((ref) =>
      bridge()
        .outbox.enqueue({ kind, ref: { serverId: ref.serverId, id: ref.id, version: ref.version } })
        .catch((error: unknown) => ({
          ok: false as const,
          error: { code: 'bridge', message: errorMessage(error) },
        })),
    ),
  );
  const failures = results.flatMap((r) => (r.ok ? [] : [r.error.message]));
  return { failed: failures.length, message: failures[0] ?? null };
}

export function BulkActions() {
  const t = useT();
  const selected = useUiStore(useShallow((s) => [...s.selected]));
  const [asking, setAsking] = useState<BulkKind | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (selected.length === 0 && !error) return null;
  const count = selected.length;

  const confirm = async (kind: BulkKind): Promise<void> => {
    const byKey = useConversationsStore.getState().byKey;
    const refs = selected.flatMap((key) => {
      const c = byKey.get(key);
      return c ? [{ serverId: c.serverId, id: c.id, version: c.version }] : [];
    });
    setBusy(true);
    const outcome = await enqueueAll(kind, refs);
    setBusy(false);
    setAsking(null);
    const ui = useUiStore.getState();
    ui.setSelected(new Set());
    if (kind === 'delete' && ui.openKey && selected.includes(ui.openKey)) ui.openConversation(null);
    setError(
      outcome.failed > 0
        ? t('conversations.enqueueFailed', {
            failed: outcome.failed,
            count: refs.length,
            message: outcome.message ?? '',
          })
        : null,
    );
  };

  return (
    <>
      {count > 0 ? (
        <div className="bulk-bar" role="toolbar" aria-label={t('conversations.bulkBar')}>
          <span className="bulk-count" aria-live="polite">
            {t('conversations.selectedCount', { count })}
          </span>
          <button type="button" onClick={() => setAsking('stop')}>
            {t('conversations.bulkStop')}
          </button>
          <button type="button" className="danger" onClick={() => setAsking('delete')}>
            {t('conversations.bulkDelete')}
          </button>
          <button type="button" onClick={() => useUiStore.getState().setSelected(new Set())}>
            {t('conversations.clearSelection')}
          </button>
        </div>
      ) : null}
      {error ? (
        <p className="error-text bulk-error" role="alert">
          {error}
        </p>
      ) : null}
      {asking ? (
        <Dialog
          title={
            asking === 'stop'
              ? count === 1
                ? t('conversations.confirmStopTitleOne')
                : t('conversations.confirmStopTitle', { count })
              : count === 1
                ? t('conversations.confirmDeleteTitleOne')
                : t('conversations.confirmDeleteTitle', { count })
          }
          onClose={() => setAsking(null)}
          footer={
            <>
              <button type="button" onClick={() => setAsking(null)}>
                {t('conversations.keep')}
              </button>
              <button
                type="button"
                className={asking === 'delete' ? 'primary danger-fill' : 'primary'}
                disabled={busy}
                onClick={() => void confirm(asking)}
              >
                {asking === 'stop' ? t('conversations.confirmStop') : t('conversations.confirmDelete')}
              </button>
            </>
          }
        >
          <p>
            {asking === 'stop' ? t('conversations.confirmStopBody') : t('conversations.confirmDeleteBody')}
          </p>
        </Dialog>
      ) : null}
    </>
  );
}
