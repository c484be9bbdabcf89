// The application menu as plain data: standard roles plus our commands. The adapter
// (src/main/electron/app-menu.ts) maps it onto Electron's Menu; what each command does is decided in index.ts.
import { APP_NAME, type DesktopPlatform } from '../../shared/app-info';
import type { Locale } from '../notify/notification-model';

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
/** Menu text per language: Electron names role items in English only, so they get labels here too. */
const MENU_STRINGS = {
  en: {
    file: 'File',
    edit: 'Edit',
    view: 'View',
    window: 'Window',
    help: 'Help',
    settingsMac: 'Settings…',
    settings: 'Settings',
    newConversation: 'New Conversation',
    allConversations: 'All Conversations',
    search: 'Search',
    documentation: 'OpenHands Documentation',
    openLogs: 'Open Logs Folder',
    roles: {} as Partial<Record<MenuRole, string>>,
  },
  'zh-CN': {
    file: '文件',
    edit: '编辑',
    view: '视图',
    window: '窗口',
    help: '帮助',
    settingsMac: '设置…',
    settings: '设置',
    newConversation: '新建会话',
    allConversations: '所有会话',
    search: '搜索',
    documentation: 'OpenHands 文档',
    openLogs: '打开日志文件夹',
    roles: {
      about: `关于 ${APP_NAME}`,
      services: '服务',
      hide: `隐藏 ${APP_NAME}`,
      hideOthers: '隐藏其他',
      unhide: '全部显示',
      quit: '退出',
      close: '关闭窗口',
      undo: '撤销',
      redo: '重做',
      cut: '剪切',
      copy: '复制',
      paste: '粘贴',
      pasteAndMatchStyle: '粘贴并匹配样式',
      delete: '删除',
      selectAll: '全选',
      reload: '重新加载',
      toggleDevTools: '开发者工具',
      resetZoom: '实际大小',
      zoomIn: '放大',
      zoomOut: '缩小',
      togglefullscreen: '全屏',
      minimize: '最小化',
      zoom: '缩放',
      front: '全部置于顶层',
    } as Partial<Record<MenuRole, string>>,
  },
} as const;

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
  locale?: Locale;
}): AppMenuItem[] {
  const mac = options.platform === 'darwin';
  const t = MENU_STRINGS[options.locale ?? 'en'];
  const role = (name: MenuRole, accelerator?: string): AppMenuItem => {
    const label = t.roles[name];
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
    label: mac ? t.settingsMac : t.settings,
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
    label: t.file,
    role: 'fileMenu',
    items: [
      {
        type: 'command',
        id: 'new-conversation',
        label: t.newConversation,
        accelerator: 'CmdOrCtrl+N',
        registerAccelerator: false,
      },
      {
        type: 'command',
        id: 'show-conversations',
        label: t.allConversations,
        accelerator: 'CmdOrCtrl+Shift+L',
        registerAccelerator: true,
      },
      {
        type: 'command',
        id: 'search',
        label: t.search,
        accelerator: 'CmdOrCtrl+K',
        registerAccelerator: false,
      },
      separator,
      ...(mac ? [role('close')] : [settings, separator, role('quit')]),
    ],
  });
  menus.push({
    type: 'submenu',
    label: t.edit,
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
    label: t.view,
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
    label: t.window,
    role: 'windowMenu',
    items: mac
      ? [role('minimize'), role('zoom'), separator, role('front')]
      : [role('minimize'), role('close')],
  });
  menus.push({
    type: 'submenu',
    label: t.help,
    role: 'help',
    items: [
      { type: 'command', id: 'help', label: t.documentation, registerAccelerator: true },
      separator,
      // The main process's log file (file-logger.ts), for a bug report.
      { type: 'command', id: 'open-logs', label: t.openLogs, registerAccelerator: true },
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
