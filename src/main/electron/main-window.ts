import { BrowserWindow } from 'electron';
import { pathToFileURL } from 'node:url';
import { APP_NAME } from '../../shared/app-info';
import { isAllowedNavigation } from '../navigation-policy';

export interface MainWindowOptions {
  /** Absolute path of the built preload bundle (out/preload/index.js). */
  preloadPath: string;
  /** Absolute path of the built renderer entry (out/renderer/index.html). */
  rendererIndexHtml: string;
  /** electron-vite's dev server URL during `electron-vite dev`; undefined otherwise. */
  devServerUrl: string | undefined;
}

/** The URL our own page is served from: the dev server, or the built index.html as a file URL. */
export function appUrlFor(options: Pick<MainWindowOptions, 'devServerUrl' | 'rendererIndexHtml'>): string {
  return options.devServerUrl ?? pathToFileURL(options.rendererIndexHtml).href;
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    title: APP_NAME,
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    show: false,
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
    },
  });

  const appUrl = appUrlFor(options);

  window.once('ready-to-show', () => window.show());
  window.webContents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(appUrl, url)) event.preventDefault();
  });
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));

  if (options.devServerUrl) {
    void window.loadURL(options.devServerUrl);
  } else {
    void window.loadFile(options.rendererIndexHtml);
  }
  return window;
}
