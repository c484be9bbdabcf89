import { BrowserWindow, dialog } from 'electron';
import { pathToFileURL } from 'node:url';
import { APP_NAME } from '../../shared/app-info';
import type { Logger } from '../logger';
import type { CrashReloadPolicy } from '../shell/crash-policy';
import { DEFAULT_SIZE, MIN_SIZE, type WindowState } from '../shell/window-state';

export interface MainWindowOptions {
  /** Absolute path of the built preload bundle (out/preload/index.js). */
  preloadPath: string;
  /** Absolute path of the built renderer entry (out/renderer/index.html). */
  rendererIndexHtml: string;
  /** electron-vite's dev server URL during `electron-vite dev`; undefined otherwise. */
  devServerUrl: string | undefined;
  /** Restored size and position (already checked against the connected displays); null: default placement. */
  state?: WindowState | null;
  /** Reload-after-crash cap; without one a crashed page stays blank. */
  crashPolicy?: CrashReloadPolicy;
  now?: () => number;
  logger?: Logger;
  /** Window icon (Linux; Windows and macOS use the packaged app's icon). */
  icon?: string;
}

/** The URL our own page is served from: the dev server, or the built index.html as a file URL. */
export function appUrlFor(options: Pick<MainWindowOptions, 'devServerUrl' | 'rendererIndexHtml'>): string {
  return options.devServerUrl ?? pathToFileURL(options.rendererIndexHtml).href;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const bounds = options.state?.bounds;
  const window = new BrowserWindow({
    title: APP_NAME,
    ...(bounds ?? DEFAULT_SIZE),
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    backgroundColor: '#111827',
    ...(options.icon ? { icon: options.icon } : {}),
    // The page is treated as an untrusted web page whose only way out is the narrow bridge in the preload.
    // Kept inline (not built by a helper) so Electronegativity's static checks can see every value.
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      // Middle-click would otherwise open links in a new window.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  if (options.state?.maximized) window.maximize();

  // Shown once painted: no white flash, no half-drawn window.
  window.once('ready-to-show', () => window.show());

  const policy = options.crashPolicy;
  window.webContents.on('render-process-gone', (_event, details) => {
    if (!policy) return;
    const decision = policy.decide(details, (options.now ?? Date.now)());
    if (decision.action === 'ignore') return;
    options.logger?.error(decision.report);
    if (decision.action === 'reload') {
      window.webContents.reload();
      return;
    }
    void dialog
      .showMessageBox(window, {
        type: 'error',
        title: APP_NAME,
        message: `${APP_NAME} keeps crashing.`,
        detail: 'The window stopped working several times in a row. Your queued actions are kept.',
        buttons: ['Reload', 'Close Window'],
        defaultId: 0,
        cancelId: 1,
      })
      .then(({ response }) => {
        if (response === 0 && !window.isDestroyed()) {
          policy.reset();
          window.webContents.reload();
        } else if (!window.isDestroyed()) window.close();
      });
  });
  window.on('unresponsive', () => options.logger?.warn('the window stopped responding'));

  if (options.devServerUrl) {
    void window.loadURL(options.devServerUrl);
  } else {
    void window.loadFile(options.rendererIndexHtml);
  }
  return window;
}

/** The state to save: the un-maximised bounds, so a restored maximised window un-maximises to them. */
export function currentWindowState(
  window: Pick<BrowserWindow, 'getNormalBounds' | 'isMaximized'>,
): WindowState {
  return { bounds: window.getNormalBounds(), maximized: window.isMaximized() };
}
