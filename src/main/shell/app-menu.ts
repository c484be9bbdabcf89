// The application menu as plain data: standard roles plus our commands. The adapter
// (src/main/electron/app-menu.ts) maps it onto Electron's Menu; what each command does is decided in index.ts.
import { APP_NAME, type DesktopPlatform } from '../../shared/app-info';
import { type MessageKey, translator, type UiLanguage } from '../../shared/i18n/translator';

export type MenuCommand =
  'new-conversation' | 'show-conversations' | 'search' | 'settings' | 'help' | 'open-logs' | 'check-updates';

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
  | { type: 'role'; role: MenuRole; label?: string; accelerator?: string }
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
/**
 * Labels for Electron's role items: Electron names them in English only, so the other languages label them
 * (the `menu` catalogs); English leaves them '' and so keeps Electron's own names.
 */
const ROLE_TEXT: Readonly<Record<MenuRole, MessageKey>> = {
  about: 'menu.roleAbout',
  services: 'menu.roleServices',
  hide: 'menu.roleHide',
  hideOthers: 'menu.roleHideOthers',
  unhide: 'menu.roleUnhide',
  quit: 'menu.roleQuit',
  close: 'menu.roleClose',
  undo: 'menu.roleUndo',
  redo: 'menu.roleRedo',
  cut: 'menu.roleCut',
  copy: 'menu.roleCopy',
  paste: 'menu.rolePaste',
  pasteAndMatchStyle: 'menu.rolePasteAndMatchStyle',
  delete: 'menu.roleDelete',
  selectAll: 'menu.roleSelectAll',
  reload: 'menu.roleReload',
  toggleDevTools: 'menu.roleToggleDevTools',
  resetZoom: 'menu.roleResetZoom',
  zoomIn: 'menu.roleZoomIn',
  zoomOut: 'menu.roleZoomOut',
  togglefullscreen: 'menu.roleToggleFullscreen',
  minimize: 'menu.roleMinimize',
  zoom: 'menu.roleZoom',
  front: 'menu.roleFront',
};

/** Keys the renderer handles itself (use-shortcuts.ts): the menu shows them and sends them when clicked. */
export const PAGE_SHORTCUTS: Readonly<Record<'new-conversation' | 'search' | 'settings', string>> = {
  'new-conversation': 'n',
  search: 'k',
  settings: ',',
};

export function appMenuModel(options: {
  platform: DesktopPlatform;
  devTools: boolean;
  /** The app's language (English when absent). */
  locale?: UiLanguage;
}): AppMenuItem[] {
  const mac = options.platform === 'darwin';
  const t = translator(options.locale ?? 'en');
  const role = (name: MenuRole, accelerator?: string): AppMenuItem => {
    // English's '' means "no label of ours": Electron's own name shows.
    const label = t(ROLE_TEXT[name], { app: APP_NAME });
    return {
      type: 'role',
      role: name,
      ...(label ? { label } : {}),
      ...(accelerator ? { accelerator } : {}),
    };
  };
  const settings: AppMenuItem = {
    type: 'command',
    id: 'settings',
    label: mac ? t('menu.settingsMac') : t('menu.settings'),
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
    label: t('menu.file'),
    role: 'fileMenu',
    items: [
      {
        type: 'command',
        id: 'new-conversation',
        label: t('menu.newConversation'),
        accelerator: 'CmdOrCtrl+N',
        registerAccelerator: false,
      },
      {
        type: 'command',
        id: 'show-conversations',
        label: t('menu.allConversations'),
        accelerator: 'CmdOrCtrl+Shift+L',
        registerAccelerator: true,
      },
      {
        type: 'command',
        id: 'search',
        label: t('menu.search'),
        accelerator: 'CmdOrCtrl+K',
        registerAccelerator: false,
      },
      separator,
      ...(mac ? [role('close')] : [settings, separator, role('quit')]),
    ],
  });
  menus.push({
    type: 'submenu',
    label: t('menu.edit'),
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
    label: t('menu.view'),
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
    label: t('menu.window'),
    role: 'windowMenu',
    items: mac
      ? [role('minimize'), role('zoom'), separator, role('front')]
      : [role('minimize'), role('close')],
  });
  menus.push({
    type: 'submenu',
    label: t('menu.help'),
    role: 'help',
    items: [
      { type: 'command', id: 'help', label: t('menu.documentation'), registerAccelerator: true },
      separator,
      // The main process's log file (file-logger.ts), for a bug report.
      { type: 'command', id: 'open-logs', label: t('menu.openLogs'), registerAccelerator: true },
      // The answer shows in the window's update banner (UpdateService, UpdateBanner).
      { type: 'command', id: 'check-updates', label: t('menu.checkUpdates'), registerAccelerator: true },
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
