// The application menu as plain data: standard roles plus our commands. The adapter
// (src/main/electron/app-menu.ts) maps it onto Electron's Menu; what each command does is decided in index.ts.
import { APP_NAME, type DesktopPlatform } from '../../shared/app-info';

export type MenuCommand =
  'new-conversation' | 'show-conversations' | 'search' | 'settings' | 'help' | 'open-logs';

/** Electron's standard menu roles that we use (a subset of its MenuItemConstructorOptions['role']). */
export type MenuRole =
  | 'about'
  | 'services'
  | 'hide'
  | 'hideOthers'
  | 'unhide'
  | 'quit'
  | 'close'
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'pasteAndMatchStyle'
  | 'delete'
  | 'selectAll'
  | 'reload'
  | 'toggleDevTools'
  | 'resetZoom'
  | 'zoomIn'
  | 'zoomOut'
  | 'togglefullscreen'
  | 'minimize'
  | 'zoom'
  | 'front';
export type SubmenuRole = 'appMenu' | 'fileMenu' | 'editMenu' | 'viewMenu' | 'windowMenu' | 'help';

export type AppMenuItem =
  | { type: 'role'; role: MenuRole; accelerator?: string }
  | { type: 'separator' }
  | {
      type: 'command';
      id: MenuCommand;
      label: string;
      accelerator?: string;
      /**
       * false: the accelerator is only shown, the keystroke itself reaches the page, whose own shortcut
       * handler (src/renderer/use-shortcuts.ts) acts on it. Clicking the item sends that keystroke.
       */
      registerAccelerator: boolean;
    }
  | { type: 'submenu'; label?: string; role?: SubmenuRole; items: AppMenuItem[] };

const separator: AppMenuItem = { type: 'separator' };
const role = (name: MenuRole, accelerator?: string): AppMenuItem =>
  accelerator ? { type: 'role', role: name, accelerator } : { type: 'role', role: name };

/** Keys the renderer handles itself (use-shortcuts.ts): the menu shows them and sends them when clicked. */
export const PAGE_SHORTCUTS: Readonly<Record<'new-conversation' | 'search' | 'settings', string>> = {
  'new-conversation': 'n',
  search: 'k',
  settings: ',',
};

export function appMenuModel(options: { platform: DesktopPlatform; devTools: boolean }): AppMenuItem[] {
  const mac = options.platform === 'darwin';
  const settings: AppMenuItem = {
    type: 'command',
    id: 'settings',
    label: mac ? 'Settings…' : 'Settings',
    accelerator: 'CmdOrCtrl+,',
    registerAccelerator: false,
  };
  const menus: AppMenuItem[] = [];
  if (mac)
    menus.push({
      type: 'submenu',
      label: APP_NAME,
      role: 'appMenu',
      items: [
        role('about'),
        separator,
        settings,
        separator,
        role('services'),
        separator,
        role('hide'),
        role('hideOthers'),
        role('unhide'),
        separator,
        role('quit'),
      ],
    });
  menus.push({
    type: 'submenu',
    label: 'File',
    role: 'fileMenu',
    items: [
      {
        type: 'command',
        id: 'new-conversation',
        label: 'New Conversation',
        accelerator: 'CmdOrCtrl+N',
        registerAccelerator: false,
      },
      {
        type: 'command',
        id: 'show-conversations',
        label: 'All Conversations',
        accelerator: 'CmdOrCtrl+Shift+L',
        registerAccelerator: true,
      },
      {
        type: 'command',
        id: 'search',
        label: 'Search',
        accelerator: 'CmdOrCtrl+K',
        registerAccelerator: false,
      },
      separator,
      ...(mac ? [role('close')] : [settings, separator, role('quit')]),
    ],
  });
  menus.push({
    type: 'submenu',
    label: 'Edit',
    role: 'editMenu',
    items: [
      role('undo'),
      role('redo'),
      separator,
      role('cut'),
      role('copy'),
      role('paste'),
      ...(mac ? [role('pasteAndMatchStyle')] : []),
      role('delete'),
      role('selectAll'),
    ],
  });
  menus.push({
    type: 'submenu',
    label: 'View',
    role: 'viewMenu',
    items: [
      role('reload'),
      ...(options.devTools ? [role('toggleDevTools')] : []),
      separator,
      role('resetZoom'),
      role('zoomIn'),
      role('zoomOut'),
      separator,
      role('togglefullscreen'),
    ],
  });
  menus.push({
    type: 'submenu',
    label: 'Window',
    role: 'windowMenu',
    items: mac
      ? [role('minimize'), role('zoom'), separator, role('front')]
      : [role('minimize'), role('close')],
  });
  menus.push({
    type: 'submenu',
    label: 'Help',
    role: 'help',
    items: [
      { type: 'command', id: 'help', label: 'OpenHands Documentation', registerAccelerator: true },
      separator,
      // The main process's log file (file-logger.ts), for a bug report.
      { type: 'command', id: 'open-logs', label: 'Open Logs Folder', registerAccelerator: true },
      // macOS has About in the app menu; elsewhere it lives here (the panel: aboutPanelOptions below).
      ...(mac ? [] : [separator, role('about')]),
    ],
  });
  return menus;
}

/**
 * What the About panel shows (Electron's `app.setAboutPanelOptions`): the app's version and the versions of
 * what it runs on, which a bug report needs.
 */
export function aboutPanelOptions(versions: {
  app: string;
  electron: string;
  chrome: string;
  node: string;
}): { applicationName: string; applicationVersion: string; version: string; copyright: string } {
  return {
    applicationName: APP_NAME,
    applicationVersion: versions.app,
    version: `Electron ${versions.electron} · Chromium ${versions.chrome} · Node ${versions.node}`,
    copyright: 'Copyright © OpenHands Desktop contributors',
  };
}

/** Where "Help → OpenHands Documentation" goes (opened in the browser, through the external-link policy). */
export const HELP_URL = 'https://docs.all-hands.dev/';
