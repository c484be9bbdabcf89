// The upload controls: the "Upload files" picker, what main skipped or refused, the confirmation for large
// uploads, and the overlay shown while files are dragged over the conversation.
import { useId } from 'react';
import { Dialog } from '../../components/Dialog';
import { useT } from '../../i18n/i18n';
import { formatSize } from './format-size';
import type { Uploads } from './use-uploads';

export function UploadButton({ uploads }: { uploads: Uploads }) {
  const t = useT();
  const id = useId();
  return (
    <label className="upload-button" htmlFor={id}>
      {t('conversation.uploadFiles')}
      <input
        id={id}
        type="file"
        multiple
        className="visually-hidden"
        disabled={uploads.busy}
        onChange={(event) => {
          const files = [...(event.target.files ?? [])];
          // Cleared so picking the same file again fires a change.
          event.target.value = '';
          void uploads.upload(files);
        }}
      />
    </label>
  );
}

export function UploadNotices({ uploads }: { uploads: Uploads }) {
  const t = useT();
  const { busy, error, skipped } = uploads;
  if (!busy && !error && skipped.length === 0) return null;
  return (
    <div className="upload-notices">
      {busy ? (
        <p role="status" className="muted">
          {t('conversation.preparingUpload')}
        </p>
      ) : null}
      {error ? (
        <p role="alert" className="error-text">
          {t('conversation.uploadFailed', { message: error })}
        </p>
      ) : null}
      {skipped.length > 0 ? (
        <div role="status" className="upload-skipped">
          <span>{t('conversation.skippedHeading')}</span>
          <ul>
            {skipped.map((s) => (
              <li key={s.path}>{t('conversation.skippedItem', { path: s.path, reason: s.reason })}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {error || skipped.length > 0 ? (
        <button type="button" className="link-button" onClick={uploads.dismiss}>
          {t('conversation.dismiss')}
        </button>
      ) : null}
    </div>
  );
}

export function UploadConfirmDialog({ uploads }: { uploads: Uploads }) {
  const t = useT();
  const plan = uploads.pending;
  if (!plan) return null;
  const params = { count: plan.count, size: formatSize(plan.totalBytes), dir: plan.targetDir };
  const question =
    plan.count === 1
      ? t('conversation.uploadConfirmOne', params)
      : t('conversation.uploadConfirmMany', params);
  return (
    <Dialog
      title={question}
      onClose={uploads.cancel}
      footer={
        <>
          <button type="button" onClick={uploads.cancel}>
            {t('conversation.cancel')}
          </button>
          <button type="button" className="primary" onClick={() => void uploads.confirm()}>
            {t('conversation.uploadStart')}
          </button>
        </>
      }
    >
      <p className="muted">{t('conversation.uploadConfirmNote')}</p>
    </Dialog>
  );
}

/** Where dropped files go: the workspace, or (agent server) its folder, named, and whose disk that is. */
export function DropOverlay({ target }: { target: { dir: string; server: string; local: boolean } | null }) {
  const t = useT();
  return (
    <div className="drop-overlay" aria-hidden="true">
      <p>
        {target
          ? t('conversation.dropFilesTo', { dir: target.dir, server: target.server })
          : t('conversation.dropFiles')}
      </p>
      {target?.local ? <p className="muted">{t('conversation.dropLocalDisk')}</p> : null}
    </div>
  );
}
