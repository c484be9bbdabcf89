import { app, BrowserWindow } from 'electron';
import path from 'node:path';
import { APP_ID } from '../shared/app-info';
import { createMainWindow } from './electron/main-window';

// Composition root: later issues wire services (api client, accounts, poller, …) and their adapters here.

function openMainWindow(): void {
  createMainWindow({
    // Built layout: out/main/index.js, out/preload/index.js, out/renderer/index.html.
    preloadPath: path.join(__dirname, '../preload/index.js'),
    rendererIndexHtml: path.join(__dirname, '../renderer/index.html'),
    devServerUrl: process.env.ELECTRON_RENDERER_URL,
  });
}

if (process.platform === 'win32') app.setAppUserModelId(APP_ID);

void app.whenReady().then(() => {
  openMainWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openMainWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
