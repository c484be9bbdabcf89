import { app, BrowserWindow } from 'electron';
import { homedir } from 'node:os';
import path from 'node:path';
import { APP_ID, APP_NAME, toDesktopPlatform } from '../shared/app-info';
import { createBridgeHandlers } from './bridge/handlers';
import { forwardBridgeEvents } from './bridge/bridge-events';
import { createDispatch } from './bridge/dispatch';
import { createMainServices, type MainServices } from './compose';
import { registerIpc, sendEvent } from './electron/ipc';
import { appUrlFor, createMainWindow } from './electron/main-window';
import { isAllowedNavigation } from './navigation-policy';
import { createNotifier, revealWindow } from './electron/notifier';
import { watchPowerEvents } from './electron/power-events';
import { createTray } from './electron/tray';
import { consoleLogger } from './logger';
import { resolveUserDataDir } from './user-data-dir';

// Composition root: Electron adapters in, services from compose.ts. The bridge (IPC) and the shell's
// lifecycle (single instance, close-to-tray, menus) arrive with their own issues.

const dataDir = resolveUserDataDir({
  argv: process.argv,
  env: process.env,
  platform: process.platform,
  homedir: homedir(),
  cwd: process.cwd(),
});
app.setPath('userData', dataDir);
if (process.platform === 'win32') app.setAppUserModelId(APP_ID);

let mainWindow: BrowserWindow | null = null;
let services: MainServices | undefined;

// Built layout: out/main/index.js, out/preload/index.js, out/renderer/index.html.
const windowOptions = {
  preloadPath: path.join(__dirname, '../preload/index.js'),
  rendererIndexHtml: path.join(__dirname, '../renderer/index.html'),
  devServerUrl: process.env.ELECTRON_RENDERER_URL,
};
const appUrl = appUrlFor(windowOptions);

function openMainWindow(): BrowserWindow {
  const window = createMainWindow(windowOptions);
  const report = (): void =>
    services?.live.setWindowState({ focused: window.isFocused(), visible: window.isVisible() });
  window.on('focus', report);
  window.on('blur', report);
  window.on('show', report);
  window.on('hide', report);
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

void app.whenReady().then(async () => {
  const power = watchPowerEvents({ logger: consoleLogger });
  const notifier = createNotifier({
    showWindow,
    openConversation: (ref) => {
      showWindow();
      sendEvent(mainWindow?.webContents, 'navigate', { to: 'conversation', ref });
    },
    openList: () => {
      showWindow();
      sendEvent(mainWindow?.webContents, 'navigate', { to: 'list' });
    },
    logger: consoleLogger,
  });
  const tray = createTray({
    iconPath: path.join(__dirname, '../../build/tray.png'),
    platform: toDesktopPlatform(process.platform),
    getWindow: () => mainWindow,
    logger: consoleLogger,
    onAction: (action) => {
      if (action.type === 'quit') app.quit();
      else if (action.type === 'hide-window') mainWindow?.hide();
      else if (action.type === 'set-paused')
        void services?.setNotificationSettings({
          ...services.live.notificationSettings,
          paused: action.paused,
        });
      else showWindow();
    },
  });
  services = await createMainServices({
    dataDir,
    systemLocale: app.getLocale(),
    adapters: {
      notify: (n) => notifier.show(n),
      renderTray: (m) => tray.render(m),
      forward: (changes) => sendEvent(mainWindow?.webContents, 'statusChanges', changes),
      system: power.events,
    },
  });
  forwardBridgeEvents(services, (name, payload) => sendEvent(mainWindow?.webContents, name, payload));
  // Handlers are registered before the page exists, so its first calls are answered.
  registerIpc(
    createDispatch(
      createBridgeHandlers(services, {
        name: APP_NAME,
        version: app.getVersion(),
        platform: process.platform,
      }),
      consoleLogger,
    ),
    (frameUrl) => isAllowedNavigation(appUrl, frameUrl),
  );
  openMainWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openMainWindow();
  });
  app.on('before-quit', () => {
    power.dispose();
    tray.destroy();
    void services?.close();
  });
});

// With "keep running in the tray" on (the default), closing the window leaves the app polling and notifying.
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin' && !(services?.settings.get().closeToTray ?? false)) app.quit();
});
