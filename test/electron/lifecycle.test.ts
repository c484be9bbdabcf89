import { beforeEach, describe, expect, it, vi } from 'vitest';
import { installAppMenu, menuTemplate, pressPageShortcut } from '../../src/main/electron/app-menu';
import {
  claimSingleInstance,
  installCloseToTray,
  installShutdown,
  registerProtocolClient,
  watchOpenUrl,
} from '../../src/main/electron/lifecycle';
import { appMenuModel, type MenuCommand } from '../../src/main/shell/app-menu';
import { app, FakeBrowserWindow, FakeEvent, FakeWebContents, Menu, resetElectronFake } from './electron-fake';

vi.mock('electron', async () => (await import('./electron-fake')).electronFake);

beforeEach(resetElectronFake);

const LINK =
  'openhands-desktop://conversation/0123456789abcdef0123456789abcdef/aaaaaaaabbbbccccddddeeeeeeeeeeee';

describe('single instance', () => {
  it('the first instance keeps the lock and hears later launches with their argv', () => {
    const launches: string[][] = [];
    expect(claimSingleInstance((argv) => launches.push(argv))).toBe(true);
    app.emit('second-instance', new FakeEvent(), ['/app', LINK], '/home');
    expect(launches).toEqual([['/app', LINK]]);
  });

  it('a second instance learns it lost and listens to nothing', () => {
    app.singleInstanceLock = false;
    expect(claimSingleInstance(() => undefined)).toBe(false);
    expect(app.listenerCount('second-instance')).toBe(0);
  });
});

describe('deep links', () => {
  it("takes macOS 'open-url' events, preventing the default", () => {
    const urls: string[] = [];
    watchOpenUrl((url) => urls.push(url));
    const event = new FakeEvent();
    app.emit('open-url', event, LINK);
    expect(event.defaultPrevented).toBe(true);
    expect(urls).toEqual([LINK]);
  });

  it('registers the protocol, passing the script path in development', () => {
    registerProtocolClient(['/usr/bin/electron', '/src/app'], true);
    expect(app.setAsDefaultProtocolClient).toHaveBeenLastCalledWith('openhands-desktop', process.execPath, [
      '/src/app',
    ]);
    registerProtocolClient(['/opt/app/openhands-desktop'], false);
    expect(app.setAsDefaultProtocolClient).toHaveBeenLastCalledWith('openhands-desktop');
  });
});

describe('clean shutdown', () => {
  it('prevents the first quit, closes the services, then quits for real', async () => {
    let finish = (): void => undefined;
    const closing = new Promise<void>((resolve) => (finish = resolve));
    const close = vi.fn(() => closing);
    installShutdown({ close });
    const first = new FakeEvent();
    app.emit('before-quit', first);
    expect(first.defaultPrevented).toBe(true);
    expect(close).toHaveBeenCalledTimes(1);
    expect(app.quit).not.toHaveBeenCalled();
    finish();
    await new Promise((r) => setImmediate(r));
    expect(app.quit).toHaveBeenCalledTimes(1);
    const second = new FakeEvent();
    app.emit('before-quit', second);
    expect(second.defaultPrevented).toBe(false);
    expect(close).toHaveBeenCalledTimes(1);
  });
});

describe('close to tray', () => {
  function setup(state: { quitting: boolean; closeToTray: boolean; trayAvailable: boolean }) {
    const window = new FakeBrowserWindow();
    installCloseToTray(window as unknown as Parameters<typeof installCloseToTray>[0], () => state);
    const event = new FakeEvent();
    window.emit('close', event);
    return { window, event };
  }

  it('hides instead of closing while the setting is on', () => {
    const { window, event } = setup({ quitting: false, closeToTray: true, trayAvailable: true });
    expect(event.defaultPrevented).toBe(true);
    expect(window.hide).toHaveBeenCalled();
  });

  it('closes for real when the setting is off or the app is quitting', () => {
    for (const state of [
      { quitting: false, closeToTray: false, trayAvailable: true },
      { quitting: true, closeToTray: true, trayAvailable: true },
    ]) {
      const { window, event } = setup(state);
      expect(event.defaultPrevented).toBe(false);
      expect(window.hide).not.toHaveBeenCalled();
    }
  });
});

describe('application menu', () => {
  it('installs the model with roles, accelerators and command clicks', () => {
    const commands: MenuCommand[] = [];
    installAppMenu(appMenuModel({ platform: 'linux', devTools: false }), (c) => commands.push(c));
    expect(Menu.setApplicationMenu).toHaveBeenCalledTimes(1);
    const template = menuTemplate(appMenuModel({ platform: 'linux', devTools: false }), (c) =>
      commands.push(c),
    );
    const file = template[0]?.submenu;
    if (!Array.isArray(file)) throw new Error('no File menu');
    expect(template[0]).toMatchObject({ label: 'File', role: 'fileMenu' });
    expect(file[0]).toMatchObject({
      id: 'new-conversation',
      label: 'New Conversation',
      accelerator: 'CmdOrCtrl+N',
      registerAccelerator: false,
    });
    expect(file.at(-1)).toEqual({ role: 'quit' });
    const click = (i: number): void => {
      const fn = file[i]?.click as (() => void) | undefined;
      fn?.();
    };
    click(0);
    click(1);
    expect(commands).toEqual(['new-conversation', 'show-conversations']);
  });

  it('sends the page the keystroke its own shortcut handler knows (Cmd on macOS, Ctrl elsewhere)', () => {
    const contents = new FakeWebContents();
    const target = contents as unknown as Parameters<typeof pressPageShortcut>[0];
    pressPageShortcut(target, 'n', 'darwin');
    pressPageShortcut(target, ',', 'win32');
    expect(contents.sendInputEvent.mock.calls.map(([e]) => e)).toEqual([
      { type: 'keyDown', keyCode: 'n', modifiers: ['meta'] },
      { type: 'keyUp', keyCode: 'n', modifiers: ['meta'] },
      { type: 'keyDown', keyCode: ',', modifiers: ['control'] },
      { type: 'keyUp', keyCode: ',', modifiers: ['control'] },
    ]);
  });
});
