// Uploading dropped or picked files to the conversation's workspace: main plans the upload (turns the files
// into paths, skips what it cannot send, says whether it is big enough to ask first), then queues one outbox
// item per file, whose progress shows with the conversation's queued actions.
import { useState } from 'react';
import type { UploadPlanView } from '../../../shared/bridge/contract';
import type { ConversationRef } from '../../../shared/conversations';
import { bridge, errorMessage } from '../../bridge';

export interface Uploads {
  /** Planning or starting right now. */
  busy: boolean;
  error: string | null;
  /** Files main would not upload, with why. */
  skipped: UploadPlanView['skipped'];
  /** A plan waiting for the user to confirm it. */
  pending: UploadPlanView | null;
  upload: (files: readonly File[]) => Promise<void>;
  confirm: () => Promise<void>;
  cancel: () => void;
  dismiss: () => void;
}

export function useUploads(ref: ConversationRef): Uploads {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [skipped, setSkipped] = useState<UploadPlanView['skipped']>([]);
  const [pending, setPending] = useState<UploadPlanView | null>(null);

  const start = async (plan: UploadPlanView): Promise<void> => {
    setBusy(true);
    try {
      const result = await bridge().uploads.start({ planId: plan.planId });
      if (!result.ok) setError(result.error.message);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const upload = async (files: readonly File[]): Promise<void> => {
    if (files.length === 0) return;
    setBusy(true);
    setError(null);
    setSkipped([]);
    setPending(null);
    let plan: UploadPlanView;
    try {
      const result = await bridge().uploads.plan({ ref, files });
      if (!result.ok) {
        setError(result.error.message);
        return;
      }
      plan = result.data;
    } catch (e) {
      setError(errorMessage(e));
      return;
    } finally {
      setBusy(false);
    }
    setSkipped(plan.skipped);
    if (plan.count === 0) return;
    if (plan.needsConfirmation) setPending(plan);
    else await start(plan);
  };

  return {
    busy,
    error,
    skipped,
    pending,
    upload,
    async confirm() {
      const plan = pending;
      setPending(null);
      if (plan) await start(plan);
    },
    cancel: () => setPending(null),
    dismiss() {
      setError(null);
      setSkipped([]);
    },
  };
}
