import { app, BrowserWindow, dialog, screen, session, shell } from 'electron';
import { homedir } from 'node:os';
import path from 'node:path';
import { APP_ID, APP_NAME, toDesktopPlatform } from '../shared/app-info';
import { type Language, resolveLanguage } from '../shared/settings';
import type { ConversationVersion } from '../shared/openhands-enums';
import { sameId } from './api/ids';
import { createBridgeHandlers } from './bridge/handlers';
import { forwardBridgeEvents } from './bridge/bridge-events';
import { createDispatch } from './bridge/dispatch';
import { createMainServices, type MainServices } from './compose';
import { installAppMenu, pressPageShortcut } from './electron/app-menu';
import { hardenSession, installWebContentsHardening } from './electron/hardening';
import { registerIpc, sendEvent } from './electron/ipc';
import {
  claimSingleInstance,
  installCloseToTray,
  installShutdown,
  registerProtocolClient,
  watchOpenUrl,
} from './electron/lifecycle';
import { appUrlFor, createMainWindow, currentWindowState } from './electron/main-window';
import { createNotifier, revealWindow } from './electron/notifier';
import { watchPowerEvents } from './electron/power-events';
import { createTray, type AppTray } from './electron/tray';
import { createElectronUpdater } from './electron/updater';
import { createFileLogger } from './file-logger';
import { trustSystemCertificates, useProxyResolver } from './network/environment';
import { externalLinkTarget, isAllowedNavigation } from './navigation-policy';
import {
  aboutPanelOptions,
  appMenuModel,
  HELP_URL,
  PAGE_SHORTCUTS,
  type MenuCommand,
} from './shell/app-menu';
import { CrashReloadPolicy } from './shell/crash-policy';
import { startupFailureText } from './shell/startup-failure';
import { deepLinkFromArgv, parseDeepLink, resolveDeepLink, type DeepLink } from './shell/deep-link';
import { trayIconFile } from './shell/icons';
import { loadWindowState, restoreWindowState, saveWindowState, type WindowState } from './shell/window-state';
import { keepRunningOnUnhandledRejection } from './unhandled-rejections';
import { resolveUserDataDir } from './user-data-dir';

// Composition root: Electron adapters in, services from compose.ts. Every decision worth testing lives in a
// pure module (shell/, navigation-policy.ts, notify/) or an adapter tested with electron mocked.

const platform = toDesktopPlatform(process.platform);
const dataDir = resolveUserDataDir({
  argv: process.argv,
  env: process.env,
  platform: process.platform,
  homedir: homedir(),
  cwd: process.cwd(),
});
app.setPath('userData', dataDir);
// The platform's log folder (macOS ~/Library/Logs/OpenHands Desktop, elsewhere <user data>/logs), worked out
// again now that the user-data folder is set.
app.setAppLogsPath();
const logger = createFileLogger(path.join(app.getPath('logs'), 'main.log'));
// First thing: a missed `.catch` anywhere below is logged, and the outbox and streams keep running.
keepRunningOnUnhandledRejection(logger);
// TLS trusts the OS certificate store too (a corporate proxy's CA is installed there).
logger.info(`network: ${trustSystemCertificates()} certificates from the system store trusted`);
if (process.platform === 'win32') app.setAppUserModelId(APP_ID);

// Built layout: out/main/index.js, out/preload/index.js, out/renderer/index.html; icons in build/ (packed too).
const windowOptions = {
  preloadPath: path.join(__dirname, '../preload/index.js'),
  rendererIndexHtml: path.join(__dirname, '../renderer/index.html'),
  devServerUrl: process.env.ELECTRON_RENDERER_URL,
};
const appUrl = appUrlFor(windowOptions);
const buildDir = path.join(__dirname, '../../build');

let mainWindow: BrowserWindow | null = null;
let services: MainServices | undefined;
let tray: AppTray | undefined;
let restoredState: WindowState | null = null;
const crashPolicy = new CrashReloadPolicy();
/** A deep link that arrived before the services were up (at launch, or macOS 'open-url' before 'ready'). */
let pendingLink: DeepLink | null = deepLinkFromArgv(process.argv);

function openMainWindow(): BrowserWindow {
  const window = createMainWindow({
    ...windowOptions,
    state: restoredState,
    crashPolicy,
    logger,
    ...(platform === 'linux' ? { icon: path.join(buildDir, 'icon.png') } : {}),
  });
  const report = (): void =>
    services?.live.setWindowState({ focused: window.isFocused(), visible: window.isVisible() });
  window.on('focus', report);
  window.on('blur', report);
  window.on('show', report);
  window.on('hide', report);
  installCloseToTray(window, () => ({
    quitting: shutdown?.quitting ?? false,
    closeToTray: services?.settings.get().closeToTray ?? false,
    trayAvailable: tray !== undefined,
  }));
  window.on('close', () => {
    restoredState = currentWindowState(window);
    void saveWindowState(dataDir, restoredState).catch((error: unknown) =>
      logger.warn(`could not save the window position: ${String(error)}`),
    );
  });
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  mainWindow = window;
  return window;
}

function showWindow(): BrowserWindow {
  const window = mainWindow ?? openMainWindow();
  revealWindow(window);
  return window;
}

/** Runs `send` once the page can hear it (a window just opened is still loading). */
function whenPageLoaded(window: BrowserWindow, send: () => void): void {
  if (window.webContents.isLoading()) window.webContents.once('did-finish-load', send);
  else send();
}

function knownVersion(serverId: string, id: string): ConversationVersion | undefined {
  return services?.poller.list().find((c) => c.serverId === serverId && sameId(c.id, id))?.version;
}

function openDeepLink(link: DeepLink | null): void {
  if (!link) return;
  if (!services) {
    pendingLink = link;
    return;
  }
  const window = showWindow();
  const request =
    link.type === 'list'
      ? ({ to: 'list' } as const)
      : ({ to: 'conversation', ref: resolveDeepLink(link, knownVersion) } as const);
  whenPageLoaded(window, () => sendEvent(window.webContents, 'navigate', request));
}

function runMenuCommand(command: MenuCommand): void {
  switch (command) {
    case 'help': {
      const target = externalLinkTarget(HELP_URL);
      if (target) void shell.openExternal(target);
      return;
    }
    case 'open-logs':
      void shell.openPath(path.dirname(logger.file)).then((problem) => {
        if (problem) logger.warn(`could not open the logs folder: ${problem}`);
      });
      return;
    case 'check-updates':
      // The window shows the answer (up to date, downloading, or why not).
      showWindow();
      void services?.updates.check(true);
      return;
    case 'show-conversations': {
      const window = showWindow();
      whenPageLoaded(window, () => sendEvent(window.webContents, 'navigate', { to: 'list' }));
      return;
    }
    default: {
      const window = showWindow();
      whenPageLoaded(window, () => pressPageShortcut(window.webContents, PAGE_SHORTCUTS[command], platform));
    }
  }
}

// A second launch hands over its argv (and deep link) and quits; this one comes to the front.
const primary = claimSingleInstance((argv) => {
  const link = deepLinkFromArgv(argv);
  if (link) openDeepLink(link);
  else if (services) showWindow();
});
let shutdown: ReturnType<typeof installShutdown> | undefined;

if (!primary) {
  app.quit();
} else {
  watchOpenUrl((url) => openDeepLink(parseDeepLink(url)));
  if (app.isPackaged || process.defaultApp) registerProtocolClient(process.argv, process.defaultApp ?? false);
  // Every page, ours or any other, is locked down as it is created.
  installWebContentsHardening(app, {
    appUrl,
    openExternal: (url) => shell.openExternal(url),
    logger,
  });
  void app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      // Never a tray icon with nothing behind it: say what failed, then quit.
      logger.error(
        `start-up failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      const text = startupFailureText(error, {
        dataDir,
        logFile: logger.file,
        language: resolveLanguage('system', app.getLocale()),
      });
      dialog.showErrorBox(text.title, text.body);
      app.exit(1);
    });
}

async function start(): Promise<void> {
  hardenSession(session.defaultSession, { appUrl, logger });
  // Requests and agent sockets follow the system's proxy settings (PAC included), as Chromium resolves them.
  useProxyResolver((url) => session.defaultSession.resolveProxy(url));
  // In the system's language until the settings are read (below), then in the app's.
  const menuIn = (language: Language): void =>
    installAppMenu(
      appMenuModel({
        platform,
        devTools: !app.isPackaged,
        locale: resolveLanguage(language, app.getLocale()),
      }),
      runMenuCommand,
    );
  menuIn('system');
  app.setAboutPanelOptions(
    aboutPanelOptions({
      app: app.getVersion(),
      electron: process.versions.electron,
      chrome: process.versions.chrome,
      node: process.versions.node,
    }),
  );
  restoredState = restoreWindowState(
    await loadWindowState(dataDir),
    screen.getAllDisplays().map((display) => display.workArea),
  );
  const power = watchPowerEvents({ logger });
  const notifier = createNotifier({
    showWindow,
    openConversation: (ref) => {
      const window = showWindow();
      sendEvent(window.webContents, 'navigate', { to: 'conversation', ref });
    },
    openList: () => {
      const window = showWindow();
      sendEvent(window.webContents, 'navigate', { to: 'list' });
    },
    logger,
  });
  const appTray = createTray({
    iconPath: path.join(buildDir, trayIconFile(platform)),
    platform,
    getWindow: () => mainWindow,
    logger,
    onAction: (action) => {
      if (action.type === 'quit') app.quit();
      else if (action.type === 'hide-window') mainWindow?.hide();
      else if (action.type === 'set-paused')
        void services?.setNotificationSettings({
          ...services.live.notificationSettings,
          paused: action.paused,
        });
      else if (action.type === 'open-conversation') {
        const window = showWindow();
        whenPageLoaded(window, () =>
          sendEvent(window.webContents, 'navigate', { to: 'conversation', ref: action.ref }),
        );
      } else if (action.type === 'open-list') {
        const window = showWindow();
        whenPageLoaded(window, () => sendEvent(window.webContents, 'navigate', { to: 'list' }));
      } else showWindow();
    },
  });
  tray = appTray;
  services = await createMainServices({
    dataDir,
    logger,
    systemLocale: app.getLocale(),
    // Active in a packaged build with a feed (electron-builder's `publish`); OPENHANDS_DEV_UPDATE_FEED=1 reads
    // dev-app-update.yml from the app folder instead, to try an update from a build run from source.
    updater: createElectronUpdater({ logger, devFeed: process.env.OPENHANDS_DEV_UPDATE_FEED === '1' }),
    adapters: {
      notify: (n) => notifier.show(n),
      renderTray: (m) => appTray.render(m),
      forward: (changes) => sendEvent(mainWindow?.webContents, 'statusChanges', changes),
      system: power.events,
    },
  });
  const running = services;
  menuIn(running.settings.get().language);
  let menuLanguage = running.settings.get().language;
  running.settings.onChange((next) => {
    if (next.language === menuLanguage) return;
    menuLanguage = next.language;
    menuIn(next.language);
  });
  shutdown = installShutdown({
    close: async () => {
      if (mainWindow && !mainWindow.isDestroyed())
        await saveWindowState(dataDir, currentWindowState(mainWindow)).catch(() => undefined);
      power.dispose();
      appTray.destroy();
      await running.close();
    },
    report: (message) => logger.warn(message),
  });
  forwardBridgeEvents(running, (name, payload) => sendEvent(mainWindow?.webContents, name, payload));
  // Handlers are registered before the page exists, so its first calls are answered.
  registerIpc(
    createDispatch(
      createBridgeHandlers(running, {
        name: APP_NAME,
        version: app.getVersion(),
        platform: process.platform,
      }),
      logger,
    ),
    (frameUrl) => isAllowedNavigation(appUrl, frameUrl),
  );
  openMainWindow();
  const link = pendingLink;
  pendingLink = null;
  openDeepLink(link);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openMainWindow();
    else showWindow();
  });
}

// Reached only when the window really closed ("keep running in the tray" off, or no tray): quit, except on
// macOS where apps stay in the Dock.
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
