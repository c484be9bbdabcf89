// Renders tray-model.ts: the tray icon's menu, its tooltip and the badge count. Every label and every
// choice comes from the pure model; this file only maps it onto Tray, Menu and the platform's badge API.
import {
  app,
  Menu,
  nativeImage,
  Tray,
  type BrowserWindow,
  type MenuItemConstructorOptions,
  type NativeImage,
} from 'electron';
import { APP_NAME, type DesktopPlatform } from '../../shared/app-info';
import type { Logger } from '../logger';
import { trayClickAction, type TrayAction, type TrayMenuItem, type TrayModel } from '../notify/tray-model';

export interface TrayOptions {
  /** The tray icon; when the file is absent an empty image is used (real icons come with a later issue). */
  iconPath: string;
  platform: DesktopPlatform;
  /** The window whose taskbar button carries the count on Windows; null while there is none. */
  getWindow(): Pick<BrowserWindow, 'setOverlayIcon'> | null;
  onAction: (action: TrayAction) => void;
  logger?: Logger;
}

export interface AppTray {
  render(model: TrayModel): void;
  destroy(): void;
}

export function createTray(options: TrayOptions): AppTray {
  // createFromPath gives an empty image for a missing or unreadable file instead of throwing.
  const icon = nativeImage.createFromPath(options.iconPath);
  const tray = new Tray(icon);
  if (icon.isEmpty()) {
    options.logger?.warn(`tray icon not found at ${options.iconPath}; using an empty image`);
    // A macOS status item with no image and no title is zero pixels wide: give the menu something to hang on.
    if (options.platform === 'darwin') tray.setTitle(APP_NAME);
  }
  const click = trayClickAction(options.platform);
  if (click) tray.on('click', () => options.onAction(click));

  let lastItems: string | null = null;
  let overlay: NativeImage | null = null;

  return {
    render(model) {
      // Rebuilding an unchanged menu on every poll makes some Linux indicators flicker and closes an open
      // menu elsewhere, so only a changed menu is rebuilt. Tooltip and badge are cheap and always set.
      const items = JSON.stringify(model.items);
      if (items !== lastItems) {
        tray.setContextMenu(Menu.buildFromTemplate(menuTemplate(model.items, options.onAction)));
        lastItems = items;
      }
      tray.setToolTip(model.tooltip);
      const { count, description } = model.badge;
      if (options.platform === 'win32') {
        // Windows has no app badge: an overlay on the taskbar button is its equivalent.
        overlay ??= nativeImage.createFromBitmap(dotBitmap(OVERLAY_SIZE), {
          width: OVERLAY_SIZE,
          height: OVERLAY_SIZE,
        });
        options.getWindow()?.setOverlayIcon(count > 0 ? overlay : null, description);
      } else {
        // macOS: the Dock badge; Linux: the launcher count where the desktop supports one (else a no-op).
        app.setBadgeCount(count);
      }
    },
    destroy() {
      tray.destroy();
    },
  };
}

export function menuTemplate(
  items: readonly TrayMenuItem[],
  onAction: (action: TrayAction) => void,
): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    switch (item.type) {
      case 'separator':
        return { id: item.id, type: 'separator' };
      case 'checkbox':
        return {
          id: item.id,
          type: 'checkbox',
          label: escapeLabel(item.label),
          checked: item.checked,
          click: () => onAction(item.action),
        };
      case 'normal': {
        const action = item.action;
        return {
          id: item.id,
          type: 'normal',
          label: escapeLabel(item.label),
          enabled: item.enabled,
          ...(action ? { click: () => onAction(action) } : {}),
        };
      }
    }
  });
}

/** Menus read a single '&' as a mnemonic marker and drop it; '&&' shows one. Titles like "R&D" need it. */
export function escapeLabel(label: string): string {
  return label.replace(/&/g, '&&');
}

const OVERLAY_SIZE = 16;

/** A filled red dot as raw BGRA pixels (what nativeImage.createFromBitmap reads): the "needs you" overlay. */
export function dotBitmap(size: number): Buffer {
  const pixels = Buffer.alloc(size * size * 4); // transparent
  const radius = size / 2;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const dx = x + 0.5 - radius;
      const dy = y + 0.5 - radius;
      if (dx * dx + dy * dy > radius * radius) continue;
      pixels.set([0x30, 0x3b, 0xe5, 0xff], (y * size + x) * 4); // B, G, R, A: #e53b30
    }
  return pixels;
}
