// The app's life as a desktop citizen: one instance, deep links, close-to-tray, a quit that flushes first.
// The decisions are in ../shell/ (pure); this file only wires them to Electron's app and window events.
import { app, type BrowserWindow } from 'electron';
import { APP_PROTOCOL } from '../../shared/app-info';
import { closeHidesToTray, ShutdownCoordinator, type ShutdownOptions } from '../shell/shutdown';

/**
 * Takes the single-instance lock. false: another instance has it (this process should quit at once; the
 * other one gets 'second-instance' with our argv, which carries a deep link on Windows and Linux).
 */
export function claimSingleInstance(onSecondInstance: (argv: string[]) => void): boolean {
  if (!app.requestSingleInstanceLock()) return false;
  app.on('second-instance', (_event, argv) => onSecondInstance(argv));
  return true;
}

/**
 * macOS hands deep links over as 'open-url' (possibly before 'ready': register at startup). Windows and Linux
 * pass them as an argument instead (see claimSingleInstance and process.argv).
 */
export function watchOpenUrl(onUrl: (url: string) => void): void {
  app.on('open-url', (event, url) => {
    event.preventDefault();
    onUrl(url);
  });
}

/**
 * Makes the OS send `openhands-desktop://` links here. Packaged builds are registered by their installer
 * (electron-builder `protocols`); this covers a moved app and dev runs (`electron . <script>` needs its args).
 */
export function registerProtocolClient(argv: readonly string[], defaultApp: boolean): boolean {
  if (defaultApp) {
    const script = argv[1];
    if (script === undefined) return false;
    return app.setAsDefaultProtocolClient(APP_PROTOCOL, process.execPath, [script]);
  }
  return app.setAsDefaultProtocolClient(APP_PROTOCOL);
}

/** Holds the first quit until `close` finished (or timed out), then quits for real. */
export function installShutdown(options: Omit<ShutdownOptions, 'quit'>): ShutdownCoordinator {
  const coordinator = new ShutdownCoordinator({ ...options, quit: () => app.quit() });
  app.on('before-quit', (event) => {
    if (coordinator.beforeQuit()) event.preventDefault();
  });
  return coordinator;
}

/** Closing the window hides it instead while "keep running in the tray" is on (and we are not quitting). */
export function installCloseToTray(
  window: Pick<BrowserWindow, 'on' | 'hide'>,
  state: () => { quitting: boolean; closeToTray: boolean; trayAvailable: boolean },
): void {
  window.on('close', (event) => {
    if (!closeHidesToTray(state())) return;
    event.preventDefault();
    window.hide();
  });
}
