import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createTray, dotBitmap, escapeLabel, type TrayOptions } from '../../src/main/electron/tray';
import { MemoryLogger } from '../../src/main/logger';
import { trayModel, type TrayAction, type TrayModel } from '../../src/main/notify/tray-model';
import type { DesktopPlatform } from '../../src/shared/app-info';
import { entry, snapshot } from '../notify/fixtures';
import {
  app,
  existingImagePaths,
  FakeBrowserWindow,
  FakeTray,
  Menu,
  nativeImage,
  type FakeNativeImage,
  resetElectronFake,
  type FakeMenuItem,
} from './electron-fake';

vi.mock('electron', async () => (await import('./electron-fake')).electronFake);

const ICON = '/resources/tray.png';

function setup(platform: DesktopPlatform, extra: Partial<TrayOptions> = {}) {
  const actions: TrayAction[] = [];
  const window = new FakeBrowserWindow();
  const appTray = createTray({
    iconPath: ICON,
    platform,
    getWindow: () => window,
    onAction: (action) => actions.push(action),
    ...extra,
  });
  const tray = FakeTray.instances[0];
  if (!tray) throw new Error('no Tray was created');
  return { appTray, tray, window, actions };
}

/** The template handed to Menu.buildFromTemplate by the last render. */
function lastTemplate(): FakeMenuItem[] {
  const call = Menu.buildFromTemplate.mock.calls.at(-1);
  if (!call) throw new Error('no menu was built');
  return call[0];
}

function item(id: string): FakeMenuItem {
  const found = lastTemplate().find((i) => i.id === id);
  if (!found) throw new Error(`no menu item ${id}`);
  return found;
}

const BUSY = snapshot(
  entry('a1', 'needs-confirmation', { title: 'R&D notes' }),
  entry('b2', 'running', { title: 'Build' }),
);
const model = (windowVisible = true, notificationsPaused = false): TrayModel =>
  trayModel(BUSY, { windowVisible, notificationsPaused, locale: 'en' });

beforeEach(resetElectronFake);

describe('createTray: icon', () => {
  it('uses the icon file when it exists', () => {
    existingImagePaths.add(ICON);
    const logger = new MemoryLogger();
    const { tray } = setup('darwin', { logger });
    expect(nativeImage.createFromPath).toHaveBeenCalledWith(ICON);
    expect(tray.image.source).toBe(ICON);
    expect(tray.setTitle).not.toHaveBeenCalled();
    expect(logger.lines).toEqual([]);
  });

  it.each([
    ['darwin', [['OpenHands Desktop']]],
    ['linux', []],
    ['win32', []],
  ] as const)(
    'falls back to an empty image on %s, titled only where an empty item would vanish',
    (p, titles) => {
      const logger = new MemoryLogger();
      const { tray } = setup(p, { logger });
      expect(tray.image.isEmpty()).toBe(true);
      expect(tray.setTitle.mock.calls).toEqual(titles);
      expect(logger.lines).toEqual([`warn tray icon not found at ${ICON}; using an empty image`]);
    },
  );
});

describe('createTray: menu', () => {
  it('renders every model item as a template item with its label, type, enabled and checked', () => {
    const { appTray, tray } = setup('linux');
    const m = model();
    appTray.render(m);
    expect(tray.setContextMenu).toHaveBeenCalledWith({ template: lastTemplate() });
    expect(
      lastTemplate().map(({ id, type, label, enabled, checked }) => ({ id, type, label, enabled, checked })),
    ).toEqual([
      { id: 'needs-you', type: 'normal', label: 'Needs you (1)', enabled: false, checked: undefined },
      {
        id: 'conversation:local/a1',
        type: 'normal',
        label: 'R&&D notes — Needs confirmation',
        enabled: true,
        checked: undefined,
      },
      { id: 'separator-1', type: 'separator', label: undefined, enabled: undefined, checked: undefined },
      { id: 'running', type: 'normal', label: 'Running (1)', enabled: false, checked: undefined },
      { id: 'conversation:local/b2', type: 'normal', label: 'Build', enabled: true, checked: undefined },
      { id: 'separator-window', type: 'separator', label: undefined, enabled: undefined, checked: undefined },
      { id: 'window', type: 'normal', label: 'Hide OpenHands Desktop', enabled: true, checked: undefined },
      { id: 'pause', type: 'checkbox', label: 'Pause notifications', enabled: undefined, checked: false },
      { id: 'separator-quit', type: 'separator', label: undefined, enabled: undefined, checked: undefined },
      { id: 'quit', type: 'normal', label: 'Quit OpenHands Desktop', enabled: true, checked: undefined },
    ]);
    expect(lastTemplate().length).toBe(m.items.length);
  });

  it('wires each click to the model action, and headers to nothing', () => {
    const { appTray, actions } = setup('linux');
    appTray.render(model(false, true));
    expect(item('needs-you').click).toBeUndefined();
    expect(item('pause').checked).toBe(true);
    for (const id of ['conversation:local/a1', 'window', 'pause', 'quit']) item(id).click?.();
    expect(actions).toEqual([
      { type: 'open-conversation', key: 'local/a1', ref: { serverId: 'local', id: 'a1', version: 'V1' } },
      { type: 'show-window' },
      { type: 'set-paused', paused: false },
      { type: 'quit' },
    ]);
  });

  it('rebuilds the menu only when its items change', () => {
    const { appTray, tray } = setup('linux');
    appTray.render(model());
    appTray.render(model());
    expect(Menu.buildFromTemplate).toHaveBeenCalledTimes(1);
    expect(tray.setToolTip).toHaveBeenCalledTimes(2);
    appTray.render(model(false));
    expect(Menu.buildFromTemplate).toHaveBeenCalledTimes(2);
    expect(item('window').label).toBe('Show OpenHands Desktop');
  });

  it('sets the tooltip', () => {
    const { appTray, tray } = setup('linux');
    appTray.render(model(true, true));
    expect(tray.setToolTip).toHaveBeenLastCalledWith(
      'OpenHands Desktop\nNeeds you: 1\nRunning: 1\nNotifications paused',
    );
  });

  it('escapes ampersands, which menus would read as mnemonics', () => {
    expect(escapeLabel('R&D & QA')).toBe('R&&D && QA');
    expect(escapeLabel('plain')).toBe('plain');
  });

  it('destroys the tray', () => {
    const { appTray, tray } = setup('linux');
    appTray.destroy();
    expect(tray.destroy).toHaveBeenCalledTimes(1);
  });
});

describe('createTray: clicking the icon', () => {
  it.each([
    ['win32', [{ type: 'show-window' }]],
    ['darwin', []],
    ['linux', []],
  ] as const)('%s → %j', (platform, expected) => {
    const { tray, actions } = setup(platform);
    tray.emit('click');
    expect(actions).toEqual(expected);
  });
});

describe('createTray: badge', () => {
  const needing = (count: number): TrayModel =>
    trayModel(snapshot(...Array.from({ length: count }, (_, i) => entry(`n${i}`, 'waiting-for-input'))), {
      windowVisible: true,
      notificationsPaused: false,
      locale: 'en',
    });

  it.each(['darwin', 'linux', 'other'] as const)('%s: app.setBadgeCount with the count', (platform) => {
    const { appTray, window } = setup(platform);
    appTray.render(needing(3));
    appTray.render(needing(0));
    expect(app.setBadgeCount.mock.calls).toEqual([[3], [0]]);
    expect(window.setOverlayIcon).not.toHaveBeenCalled();
  });

  it('win32: a generated overlay on the taskbar button, removed at zero', () => {
    const { appTray, window } = setup('win32');
    appTray.render(needing(2));
    appTray.render(needing(1));
    appTray.render(needing(0));
    expect(app.setBadgeCount).not.toHaveBeenCalled();
    expect(nativeImage.createFromBitmap).toHaveBeenCalledTimes(1);
    expect(nativeImage.createFromBitmap.mock.calls[0]?.[1]).toEqual({ width: 16, height: 16 });
    const calls = window.setOverlayIcon.mock.calls.map(([image, text]) => [
      (image as FakeNativeImage | null)?.source ?? null,
      text,
    ]);
    expect(calls).toEqual([
      ['bitmap 16x16', '2 conversations need you'],
      ['bitmap 16x16', '1 conversation needs you'],
      [null, ''],
    ]);
  });

  it('win32: skips the overlay while there is no window', () => {
    const { appTray } = setup('win32', { getWindow: () => null });
    expect(() => appTray.render(needing(2))).not.toThrow();
    expect(app.setBadgeCount).not.toHaveBeenCalled();
  });

  it('draws the overlay as an opaque red dot on a transparent square (BGRA)', () => {
    const size = 16;
    const pixels = dotBitmap(size);
    const at = (x: number, y: number) => [...pixels.subarray((y * size + x) * 4, (y * size + x) * 4 + 4)];
    expect(pixels.length).toBe(size * size * 4);
    expect(at(8, 8)).toEqual([0x30, 0x3b, 0xe5, 0xff]);
    expect(at(0, 0)).toEqual([0, 0, 0, 0]);
    expect(at(15, 15)).toEqual([0, 0, 0, 0]);
  });
});
