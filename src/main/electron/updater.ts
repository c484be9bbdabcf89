// The Electron edge of updates: electron-updater, which reads the feed written into the build by
// electron-builder's `publish` setting (resources/app-update.yml: GitHub releases by default, or a generic URL),
// downloads through Electron's network stack (system proxy and certificates) and checks the file's sha512
// against the feed before it counts as downloaded. UpdateService decides when to check and when to restart.
import { type AppUpdater, autoUpdater } from 'electron-updater';
import type { Logger } from '../logger';
import type { Updater } from '../updates/update-service';

export interface ElectronUpdaterOptions {
  logger: Logger;
  /**
   * Reads `dev-app-update.yml` from the app folder even when the app is not packaged (tests point it at a
   * feed on loopback; developers can try an update that way).
   */
  devFeed?: boolean;
  /** Default: electron-updater's own pick for this platform and package (NSIS, DMG/zip, AppImage, deb, rpm). */
  updater?: AppUpdater;
}

export function createElectronUpdater(options: ElectronUpdaterOptions): Updater {
  const updater = options.updater ?? autoUpdater;
  updater.logger = options.logger;
  updater.forceDevUpdateConfig = options.devFeed ?? false;
  // Download as soon as one is found, and install when the user quits anyway; restart only when asked.
  updater.autoDownload = true;
  updater.autoInstallOnAppQuit = true;
  return {
    active: () => updater.isUpdaterActive(),
    check: async () => {
      const result = await updater.checkForUpdates();
      // A failed download is reported through the `error` event; its promise must not go unhandled too.
      result?.downloadPromise?.catch(() => undefined);
    },
    install: () => updater.quitAndInstall(),
    subscribe: (listeners) => {
      updater.on('checking-for-update', () => listeners.checking());
      updater.on('update-available', (info) => listeners.available(info.version));
      updater.on('update-not-available', () => listeners.notAvailable());
      updater.on('download-progress', (info) => listeners.progress(info.percent));
      updater.on('update-downloaded', (info) => listeners.downloaded(info.version));
      updater.on('error', (error) => listeners.error(error));
    },
  };
}
