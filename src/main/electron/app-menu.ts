// Renders ../shell/app-menu.ts (plain data) as the application menu.
import { Menu, type MenuItemConstructorOptions, type WebContents } from 'electron';
import type { DesktopPlatform } from '../../shared/app-info';
import type { AppMenuItem, MenuCommand } from '../shell/app-menu';

export function menuTemplate(
  items: readonly AppMenuItem[],
  onCommand: (command: MenuCommand) => void,
): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    switch (item.type) {
      case 'separator':
        return { type: 'separator' };
      case 'role':
        return {
          role: item.role,
          ...(item.label ? { label: item.label } : {}),
          ...(item.accelerator ? { accelerator: item.accelerator } : {}),
        };
      case 'command':
        return {
          id: item.id,
          label: item.label,
          ...(item.accelerator ? { accelerator: item.accelerator } : {}),
          registerAccelerator: item.registerAccelerator,
          click: () => onCommand(item.id),
        };
      case 'submenu':
        return {
          ...(item.label ? { label: item.label } : {}),
          ...(item.role ? { role: item.role } : {}),
          submenu: menuTemplate(item.items, onCommand),
        };
    }
  });
}

export function installAppMenu(
  items: readonly AppMenuItem[],
  onCommand: (command: MenuCommand) => void,
): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(items, onCommand)));
}

/**
 * Sends the page the keystroke its own shortcut handler (src/renderer/use-shortcuts.ts) acts on: how a menu
 * click reaches a renderer-side command without a bridge channel of its own.
 */
export function pressPageShortcut(
  contents: Pick<WebContents, 'sendInputEvent'>,
  key: string,
  platform: DesktopPlatform,
): void {
  const modifiers: ('meta' | 'control')[] = [platform === 'darwin' ? 'meta' : 'control'];
  contents.sendInputEvent({ type: 'keyDown', keyCode: key, modifiers });
  contents.sendInputEvent({ type: 'keyUp', keyCode: key, modifiers });
}
