import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ConversationRef } from '../../shared/conversations';
import { ApiError } from '../api/errors';
import type { OpenHandsServer } from '../api/openhands-server';
import { t } from '../i18n';

/** A file to upload, as it was when it was queued (the outbox stores this; nothing is read ahead). */
export interface UploadSpec {
  localPath: string;
  /** Absolute, sanitised sandbox path (see upload-plan.ts). */
  remotePath: string;
  size: number;
  mtimeMs: number;
}

export type UploadRunner = (
  server: OpenHandsServer,
  ref: ConversationRef,
  spec: UploadSpec,
  options: { signal: AbortSignal; onProgress: (bytes: number, total: number) => void },
) => Promise<void>;

/** Same file as when queued: same size and the same modification time (to the millisecond). */
function unchanged(spec: UploadSpec, size: number, mtimeMs: number): boolean {
  return size === spec.size && Math.abs(mtimeMs - spec.mtimeMs) < 1;
}

/**
 * Uploads one queued file: checks it is still the file that was queued, then streams it through
 * `OpenHandsServer.upload` (V1 agent server with route-form detection, or the legacy V0 route).
 */
export const runUpload: UploadRunner = async (server, ref, spec, { signal, onProgress }) => {
  const name = basename(spec.localPath);
  if (signal.aborted) throw new ApiError('aborted', t('mainErrors.uploadCancelled', { name }));
  const info = await stat(spec.localPath).catch((error: unknown) => {
    throw new ApiError(
      'bad-request',
      t('mainErrors.uploadUnreadable', {
        name,
        detail: (error as { code?: string }).code ?? (error as Error).message,
      }),
      { cause: error },
    );
  });
  if (!info.isFile()) throw new ApiError('bad-request', t('mainErrors.uploadNotAFile', { name }));
  if (!unchanged(spec, info.size, info.mtimeMs))
    throw new ApiError('bad-request', t('mainErrors.uploadChanged', { name }));
  await server.upload(ref, spec.localPath, spec.remotePath, {
    signal,
    onProgress: (p) => onProgress(p.bytes, p.totalBytes),
  });
};
