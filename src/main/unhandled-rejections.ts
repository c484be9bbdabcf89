// Both entry points (Electron's src/main/index.ts, browser mode's src/main/web/web-main.ts) install this once.
// Node's default for a rejected promise nobody handles is to end the process: for this app that is the
// outbox, every stream and (in browser mode) the page's only server gone over one missed `.catch`. The
// services are written so each failure is handled where it happens; one that slips through is a bug to log,
// not a reason to drop everything the user queued.
import type { Logger } from './logger';

type RejectionTarget = Pick<NodeJS.Process, 'on' | 'off'>;

/** Logs unexpected rejections and keeps the process running. Returns the uninstall. */
export function keepRunningOnUnhandledRejection(
  logger: Logger,
  target: RejectionTarget = process,
): () => void {
  const onRejection = (reason: unknown): void => {
    const text =
      reason instanceof Error
        ? `${reason.name}: ${reason.message}${reason.stack ? `\n${reason.stack}` : ''}`
        : String(reason);
    logger.error(`unhandled rejection (the app keeps running): ${text}`);
  };
  target.on('unhandledRejection', onRejection);
  return () => {
    target.off('unhandledRejection', onRejection);
  };
}
