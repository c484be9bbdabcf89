// One outbox action → one OpenHandsServer call. Kept apart from the queue engine so the mapping is easy to
// read and to test; the engine decides when, how often and whether to call these.
import { createHash } from 'node:crypto';
import type { ConversationRef, StartProgress } from '../../shared/conversations';
import type { OutboxAction } from '../../shared/outbox';
import type { OpenHandsServer } from '../api/openhands-server';
import { t } from '../i18n';

/** The streamed upload pipeline (src/main/uploads/), injected so the outbox does not depend on it. */
export type UploadRunner = (
  server: OpenHandsServer,
  ref: ConversationRef,
  spec: { localPath: string; remotePath: string; size: number; mtimeMs: number },
  options: { signal: AbortSignal; onProgress: (bytes: number, total: number) => void },
) => Promise<void>;

export interface ExecuteContext {
  server: OpenHandsServer;
  signal: AbortSignal;
  upload: UploadRunner;
  onProgress: (bytes: number, total: number) => void;
  /** A create's start task, step by step. */
  onStartProgress: (progress: StartProgress) => void;
}

/** What an action produced that the outbox reports (a create's new conversation). */
export type ExecuteResult = { created: ConversationRef } | undefined;

/**
 * The id a create asks a bare agent server to use, the same on every attempt (derived from the item's
 * temporary id), so a resend after an unknown outcome finds the conversation instead of making another.
 * Formatted as a version-4 UUID, which is what the server takes.
 */
export function createdId(serverId: string, tempId: string): string {
  const hex = createHash('sha256').update(`${serverId}/${tempId}`).digest('hex');
  const variant = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Whether sending the action twice does the same as sending it once. Only these are resent after an
 * unknown outcome without checking first.
 */
export function isIdempotent(kind: OutboxAction['kind']): boolean {
  return kind !== 'send' && kind !== 'create';
}

export async function execute(action: OutboxAction, ctx: ExecuteContext): Promise<ExecuteResult> {
  const { server, signal } = ctx;
  switch (action.kind) {
    case 'create':
      return {
        created: await server.createConversation(
          { ...action.request, conversationId: createdId(action.serverId, action.tempId) },
          ctx.onStartProgress,
          signal,
        ),
      };
    case 'send':
      await server.sendMessage(action.ref, action.text, signal);
      return undefined;
    case 'pause-agent':
      await server.pauseAgent(action.ref, signal);
      return undefined;
    case 'resume-agent':
      await server.resumeAgent(action.ref, signal);
      return undefined;
    case 'pause-sandbox':
      await server.pauseSandbox(action.ref, signal);
      return undefined;
    case 'stop':
      await server.stop(action.ref, signal);
      return undefined;
    case 'resume-sandbox':
      await server.resumeSandbox(action.ref, signal);
      return undefined;
    case 'rename':
      await server.rename(action.ref, action.title, signal);
      return undefined;
    case 'delete':
      await server.delete(action.ref, signal);
      return undefined;
    case 'confirm':
      await server.respondToConfirmation(action.ref, action.accept, action.reason, signal);
      return undefined;
    case 'upload':
      await ctx.upload(
        server,
        action.ref,
        {
          localPath: action.localPath,
          remotePath: action.remotePath,
          size: action.size,
          mtimeMs: action.mtimeMs,
        },
        { signal, onProgress: ctx.onProgress },
      );
      return undefined;
  }
}

/** What the action carries, for the UI (OutboxItemView.detail); cut to a length a row can show. */
export function actionDetail(action: OutboxAction): string | null {
  const cut = (s: string): string => (s.length > 500 ? `${s.slice(0, 499)}…` : s);
  switch (action.kind) {
    case 'create':
      return action.request.initialMessage ? cut(action.request.initialMessage) : null;
    case 'send':
      return cut(action.text);
    case 'rename':
      return action.title;
    case 'upload':
      return action.remotePath;
    default:
      return null;
  }
}

/**
 * One line for the UI, in the app's language. Titles and message texts are the user's own; cut to keep rows
 * short.
 */
export function summarize(action: OutboxAction): string {
  const cut = (s: string): string => (s.length > 80 ? `${s.slice(0, 79)}…` : s);
  switch (action.kind) {
    case 'create':
      return action.request.initialMessage
        ? t('mainErrors.summaryCreateWith', { text: cut(action.request.initialMessage) })
        : t('mainErrors.summaryCreate');
    case 'send':
      return t('mainErrors.summarySend', { text: cut(action.text) });
    case 'pause-agent':
      return t('mainErrors.summaryPauseAgent');
    case 'resume-agent':
      return t('mainErrors.summaryResumeAgent');
    case 'pause-sandbox':
      return t('mainErrors.summaryPauseSandbox');
    case 'resume-sandbox':
      return t('mainErrors.summaryResumeSandbox');
    case 'stop':
      return t('mainErrors.summaryStop');
    case 'rename':
      return t('mainErrors.summaryRename', { title: cut(action.title) });
    case 'delete':
      return t('mainErrors.summaryDelete');
    case 'confirm':
      return t(action.accept ? 'mainErrors.summaryAccept' : 'mainErrors.summaryReject');
    case 'upload':
      return t('mainErrors.summaryUpload', { path: cut(action.remotePath) });
  }
}
