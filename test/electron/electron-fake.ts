// Minimal stand-ins for the parts of `electron` the adapters use. Tests run in plain Node, where
// `require('electron')` only yields the binary's path, so each adapter test does:
//   vi.mock('electron', async () => (await import('./electron-fake')).electronFake);
// and then inspects the fakes below. Nothing here imports electron (eslint.config.mjs).
import { EventEmitter } from 'node:events';
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
};

export const app = {
  setBadgeCount: vi.fn((_count: number) => true),
};

export class FakeBrowserWindow {
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

export const net = {
  isOnline: vi.fn(() => true),
};

export const electronFake = {
  app,
  BrowserWindow: FakeBrowserWindow,
  Menu,
  nativeImage,
  net,
  Notification: FakeNotification,
  powerMonitor,
  Tray: FakeTray,
};

/** Back to a fresh electron: call in beforeEach. */
export function resetElectronFake(): void {
  vi.clearAllMocks();
  existingImagePaths.clear();
  FakeNotification.supported = true;
  FakeNotification.instances.length = 0;
  FakeTray.instances.length = 0;
  powerMonitor.removeAllListeners();
  net.isOnline.mockImplementation(() => true);
}
