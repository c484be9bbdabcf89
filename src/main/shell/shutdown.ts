// Quitting cleanly: the first 'before-quit' is held until the services have flushed the outbox and closed
// their sockets (bounded by a timeout, so a hung socket cannot keep the app alive), then the quit goes on.

export type QuitPhase = 'running' | 'closing' | 'closed';

export interface ShutdownOptions {
  /** Flushes and closes everything (MainServices.close and the adapters' own disposal). */
  close: () => Promise<void>;
  /** Quits again once closing is done (app.quit()). */
  quit: () => void;
  /** Longest wait for `close` before quitting anyway. */
  timeoutMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  report?: (message: string) => void;
}

export class ShutdownCoordinator {
  private phase: QuitPhase = 'running';

  constructor(private readonly options: ShutdownOptions) {}

  get quitting(): boolean {
    return this.phase !== 'running';
  }

  /**
   * Call from 'before-quit'. Returns true when the quit must be prevented (preventDefault) because closing
   * has only begun; false once closing is done and the app may really quit.
   */
  beforeQuit(): boolean {
    if (this.phase === 'closed') return false;
    if (this.phase === 'closing') return true; // a second Cmd+Q while flushing: keep waiting
    this.phase = 'closing';
    void this.closeThenQuit();
    return true;
  }

  private async closeThenQuit(): Promise<void> {
    const { timeoutMs = 5_000, report } = this.options;
    const setTimer = this.options.setTimer ?? ((fn, ms) => setTimeout(fn, ms).unref());
    let timedOut = false;
    const timeout = new Promise<void>((resolve) =>
      setTimer(() => {
        timedOut = true;
        resolve();
      }, timeoutMs),
    );
    try {
      await Promise.race([this.options.close(), timeout]);
      if (timedOut) report?.(`shutdown: closing took longer than ${timeoutMs} ms; quitting anyway`);
    } catch (error) {
      report?.(
        `shutdown: closing failed (${error instanceof Error ? error.message : String(error)}); quitting`,
      );
    }
    this.phase = 'closed';
    this.options.quit();
  }
}

/** Whether closing the window should hide it to the tray instead (the "keep running in the tray" setting). */
export function closeHidesToTray(options: {
  quitting: boolean;
  closeToTray: boolean;
  trayAvailable: boolean;
}): boolean {
  return !options.quitting && options.closeToTray && options.trayAvailable;
}
