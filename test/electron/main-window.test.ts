import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createMainWindow, currentWindowState } from '../../src/main/electron/main-window';
import { MemoryLogger } from '../../src/main/logger';
import { CrashReloadPolicy } from '../../src/main/shell/crash-policy';
import { dialog, FakeBrowserWindow, resetElectronFake } from './electron-fake';

vi.mock('electron', async () => (await import('./electron-fake')).electronFake);

beforeEach(resetElectronFake);

const OPTIONS = {
  preloadPath: '/app/out/preload/index.js',
  rendererIndexHtml: '/app/out/renderer/index.html',
  devServerUrl: undefined,
};

function window(): FakeBrowserWindow {
  const w = FakeBrowserWindow.instances[0];
  if (!w) throw new Error('no window');
  return w;
}

describe('createMainWindow', () => {
  it('creates a locked-down, hidden window that shows once painted', () => {
    createMainWindow(OPTIONS);
    const w = window();
    expect(w.options).toMatchObject({ show: false, width: 1200, height: 800, minWidth: 720, minHeight: 480 });
    expect(w.options.webPreferences).toEqual({
      preload: OPTIONS.preloadPath,
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
      disableBlinkFeatures: 'Auxclick',
    });
    expect(w.calls).toEqual([]);
    w.emit('ready-to-show');
    expect(w.calls).toEqual(['show']);
    expect(w.loadFile).toHaveBeenCalledWith(OPTIONS.rendererIndexHtml);
  });

  it('loads the dev server in development', () => {
    createMainWindow({ ...OPTIONS, devServerUrl: 'http://localhost:5173/' });
    expect(window().loadURL).toHaveBeenCalledWith('http://localhost:5173/');
    expect(window().loadFile).not.toHaveBeenCalled();
  });

  it('opens with restored bounds, maximised when it was', () => {
    const state = { bounds: { x: 10, y: 40, width: 900, height: 700 }, maximized: true };
    createMainWindow({ ...OPTIONS, state });
    expect(window().options).toMatchObject(state.bounds);
    expect(window().maximize).toHaveBeenCalled();
  });

  it('reloads a crashed page up to the cap, logging each crash, then asks the user', async () => {
    const logger = new MemoryLogger();
    let now = 0;
    createMainWindow({
      ...OPTIONS,
      crashPolicy: new CrashReloadPolicy({ maxReloads: 2, windowMs: 60_000 }),
      now: () => now,
      logger,
    });
    const w = window();
    const gone = (reason: string): void => {
      w.webContents.emit('render-process-gone', {}, { reason, exitCode: 1 });
      now += 1_000;
    };
    gone('clean-exit');
    expect(w.webContents.reload).not.toHaveBeenCalled();
    gone('crashed');
    gone('oom');
    expect(w.webContents.reload).toHaveBeenCalledTimes(2);
    dialog.response = 1; // "Close Window"
    gone('crashed');
    await new Promise((r) => setImmediate(r));
    expect(w.webContents.reload).toHaveBeenCalledTimes(2);
    expect(dialog.showMessageBox).toHaveBeenCalledTimes(1);
    expect(w.close).toHaveBeenCalled();
    expect(logger.lines).toEqual([
      'error renderer process gone (reason crashed, exit code 1); reloading (1 of 2 within 60 s)',
      'error renderer process gone (reason oom, exit code 1); reloading (2 of 2 within 60 s)',
      'error renderer process gone (reason crashed, exit code 1); 2 reloads in the last 60 s, giving up',
    ]);
  });

  it('reloads after giving up when the user asks to', async () => {
    createMainWindow({ ...OPTIONS, crashPolicy: new CrashReloadPolicy({ maxReloads: 0 }) });
    const w = window();
    dialog.response = 0; // "Reload"
    w.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
    await new Promise((r) => setImmediate(r));
    expect(w.webContents.reload).toHaveBeenCalledTimes(1);
  });
});

describe('currentWindowState', () => {
  it('saves the normal (un-maximised) bounds', () => {
    const state = currentWindowState({
      getNormalBounds: () => ({ x: 1, y: 2, width: 800, height: 600 }),
      isMaximized: () => true,
    });
    expect(state).toEqual({ bounds: { x: 1, y: 2, width: 800, height: 600 }, maximized: true });
  });
});
