// Minimal stand-ins for the parts of `electron` the adapters use. Tests run in plain Node, where
// `require('electron')` only yields the binary's path, so each adapter test does:
//   vi.mock('electron', async () => (await import('./electron-fake')).electronFake);
// and then inspects the fakes below. Nothing here imports electron (eslint.config.mjs).
import { EventEmitter } from 'node:events';
import http from 'node:http';
import { vi } from 'vitest';

export interface FakeMenuItem {
  id?: string;
  type?: string;
  label?: string;
  enabled?: boolean;
  checked?: boolean;
  click?: () => void;
}

export class FakeNativeImage {
  constructor(
    readonly source: string,
    private readonly empty: boolean,
  ) {}
  isEmpty(): boolean {
    return this.empty;
  }
}

/** Paths `nativeImage.createFromPath` can "read"; any other path gives an empty image, as in Electron. */
export const existingImagePaths = new Set<string>();

export const nativeImage = {
  createFromPath: vi.fn((path: string) => new FakeNativeImage(path, !existingImagePaths.has(path))),
  createFromBitmap: vi.fn(
    (_buffer: Buffer, options: { width: number; height: number }) =>
      new FakeNativeImage(`bitmap ${options.width}x${options.height}`, false),
  ),
  createEmpty: vi.fn(() => new FakeNativeImage('empty', true)),
};

export class FakeNotification extends EventEmitter {
  static supported = true;
  static readonly instances: FakeNotification[] = [];
  static isSupported(): boolean {
    return FakeNotification.supported;
  }
  shown = false;
  constructor(readonly options: { title: string; body: string; icon?: unknown }) {
    super();
    FakeNotification.instances.push(this);
  }
  show(): void {
    this.shown = true;
  }
}

export class FakeTray extends EventEmitter {
  static readonly instances: FakeTray[] = [];
  readonly setContextMenu = vi.fn((_menu: { template: FakeMenuItem[] }) => undefined);
  readonly setToolTip = vi.fn((_tooltip: string) => undefined);
  readonly setTitle = vi.fn((_title: string) => undefined);
  readonly destroy = vi.fn(() => undefined);
  constructor(readonly image: FakeNativeImage) {
    super();
    FakeTray.instances.push(this);
  }
}

export const Menu = {
  buildFromTemplate: vi.fn((template: FakeMenuItem[]) => ({ template })),
  setApplicationMenu: vi.fn((_menu: unknown) => undefined),
};

/** `app`: an EventEmitter (so tests can emit 'second-instance', 'before-quit', …) with spied methods. */
class FakeApp extends EventEmitter {
  singleInstanceLock = true;
  /** What the app says of itself (electron-updater reads these). */
  version = '0.1.0';
  isPackaged = false;
  appPath = '/nonexistent/app';
  readonly paths = new Map<string, string>();
  readonly getVersion = vi.fn(() => this.version);
  readonly getName = vi.fn(() => 'OpenHands Desktop');
  readonly getAppPath = vi.fn(() => this.appPath);
  readonly getPath = vi.fn((name: string) => this.paths.get(name) ?? `/nonexistent/${name}`);
  readonly whenReady = vi.fn(() => Promise.resolve());
  readonly relaunch = vi.fn(() => undefined);
  readonly setBadgeCount = vi.fn((_count: number) => true);
  readonly requestSingleInstanceLock = vi.fn(() => this.singleInstanceLock);
  readonly quit = vi.fn(() => undefined);
  readonly setAsDefaultProtocolClient = vi.fn((_protocol: string, _path?: string, _args?: string[]) => true);
}
export const app = new FakeApp();

/** An Electron-like event: `defaultPrevented` records preventDefault(). */
export class FakeEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export type WindowOpenHandler = (details: { url: string }) => { action: 'deny' | 'allow' };

export class FakeWebContents extends EventEmitter {
  url = '';
  loading = false;
  destroyed = false;
  windowOpenHandler: WindowOpenHandler | undefined;
  readonly send = vi.fn((_channel: string, _payload: unknown) => undefined);
  readonly reload = vi.fn(() => undefined);
  readonly sendInputEvent = vi.fn(
    (_event: { type: string; keyCode: string; modifiers?: string[] }) => undefined,
  );
  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }
  getURL(): string {
    return this.url;
  }
  isLoading(): boolean {
    return this.loading;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static readonly instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  readonly loadURL = vi.fn((_url: string) => Promise.resolve());
  readonly loadFile = vi.fn((_file: string) => Promise.resolve());
  readonly maximize = vi.fn(() => undefined);
  readonly hide = vi.fn(() => undefined);
  readonly close = vi.fn(() => undefined);
  destroyed = false;
  constructor(readonly options: Record<string, unknown> = {}) {
    super();
    FakeBrowserWindow.instances.push(this);
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  minimized = false;
  readonly calls: string[] = [];
  /** `unknown`: the adapter passes it a real NativeImage type, which here is a FakeNativeImage or null. */
  readonly setOverlayIcon = vi.fn((_image: unknown, _description: string) => undefined);
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.calls.push('restore');
    this.minimized = false;
  }
  show(): void {
    this.calls.push('show');
  }
  focus(): void {
    this.calls.push('focus');
  }
}

export const powerMonitor = new EventEmitter();

/**
 * `net.request` is Node's own HTTP client here: same wire, so code that downloads through Electron's network
 * stack (electron-updater) really talks to a loopback server in tests. Electron-only options are dropped.
 */
export const net = {
  isOnline: vi.fn(() => true),
  request: vi.fn((options: http.RequestOptions & { session?: unknown; redirect?: string }) => {
    const { session: _session, redirect: _redirect, ...nodeOptions } = options;
    return http.request(nodeOptions);
  }),
};

export const session = {
  fromPartition: vi.fn((_partition: string, _options?: unknown) => new FakeSession()),
};

/** Electron's own (Squirrel) autoUpdater: electron-updater only emits `before-quit-for-update` on it. */
export const autoUpdater = new EventEmitter();

export const shell = {
  openExternal: vi.fn((_url: string) => Promise.resolve()),
};

export const dialog = {
  /** Which button the "user" picks (0: Reload, 1: Close Window). */
  response: 0,
  showMessageBox: vi.fn((_window: unknown, _options: { buttons: string[] }) =>
    Promise.resolve({ response: dialog.response, checkboxChecked: false }),
  ),
};

type PermissionRequestHandler = (
  contents: FakeWebContents,
  permission: string,
  callback: (granted: boolean) => void,
  details: { requestingUrl: string },
) => void;
type PermissionCheckHandler = (
  contents: FakeWebContents | null,
  permission: string,
  origin: string,
  details: { requestingUrl?: string },
) => boolean;

export class FakeSession {
  requestHandler: PermissionRequestHandler | undefined;
  checkHandler: PermissionCheckHandler | undefined;
  deviceHandler: ((details: unknown) => boolean) | undefined;
  setPermissionRequestHandler(handler: PermissionRequestHandler): void {
    this.requestHandler = handler;
  }
  setPermissionCheckHandler(handler: PermissionCheckHandler): void {
    this.checkHandler = handler;
  }
  setDevicePermissionHandler(handler: (details: unknown) => boolean): void {
    this.deviceHandler = handler;
  }
}

export const electronFake = {
  app,
  autoUpdater,
  BrowserWindow: FakeBrowserWindow,
  Menu,
  nativeImage,
  net,
  Notification: FakeNotification,
  powerMonitor,
  Tray: FakeTray,
  shell,
  dialog,
  session,
};

/** Back to a fresh electron: call in beforeEach. */
export function resetElectronFake(): void {
  vi.clearAllMocks();
  existingImagePaths.clear();
  FakeNotification.supported = true;
  FakeNotification.instances.length = 0;
  FakeTray.instances.length = 0;
  FakeBrowserWindow.instances.length = 0;
  app.removeAllListeners();
  app.singleInstanceLock = true;
  app.version = '0.1.0';
  app.isPackaged = false;
  app.appPath = '/nonexistent/app';
  app.paths.clear();
  autoUpdater.removeAllListeners();
  dialog.response = 0;
  powerMonitor.removeAllListeners();
  net.isOnline.mockImplementation(() => true);
}
