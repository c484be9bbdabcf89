import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  externalLinkTarget,
  isAllowedNavigation,
  isPermissionAllowed,
} from '../../src/main/navigation-policy';
import { aboutPanelOptions, appMenuModel, type AppMenuItem } from '../../src/main/shell/app-menu';
import { trayIconFile } from '../../src/main/shell/icons';

const APP = 'file:///opt/OpenHands%20Desktop/resources/app.asar/out/renderer/index.html';

describe('externalLinkTarget', () => {
  it.each([
    ['https://github.com/All-Hands-AI/OpenHands', 'https://github.com/All-Hands-AI/OpenHands'],
    ['http://localhost:3000/conversations/1', 'http://localhost:3000/conversations/1'],
    ['http://127.0.0.1:3000/', 'http://127.0.0.1:3000/'],
    ['http://127.1.2.3/', 'http://127.1.2.3/'],
    ['http://[::1]:3000/', 'http://[::1]:3000/'],
  ])('opens %s in the browser', (url, expected) => {
    expect(externalLinkTarget(url)).toBe(expected);
  });

  it.each([
    'http://example.com/',
    'http://localhost.evil.com/',
    'http://127.0.0.1.evil.com/',
    'https://user:secret@example.com/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'smb://server/share',
    'ms-msdt:/id PCWDiagnostic',
    'openhands-desktop://conversation/x/y',
    'not a url',
    `https://example.com/${'a'.repeat(3000)}`,
  ])('drops %s', (url) => {
    expect(externalLinkTarget(url)).toBeNull();
  });
});

describe('isPermissionAllowed', () => {
  it('grants notifications to our page only', () => {
    expect(isPermissionAllowed(APP, 'notifications', APP)).toBe(true);
    expect(isPermissionAllowed(APP, 'notifications', 'https://evil.example/')).toBe(false);
    expect(isPermissionAllowed('http://localhost:5173/', 'notifications', 'http://localhost:5173/x')).toBe(
      true,
    );
  });

  it.each([
    'media',
    'geolocation',
    'clipboard-read',
    'openExternal',
    'fullscreen',
    'display-capture',
    'unknown',
  ])('denies %s even to our page', (permission) => {
    expect(isPermissionAllowed(APP, permission, APP)).toBe(false);
  });
});

describe('isAllowedNavigation', () => {
  it('allows our own page only', () => {
    expect(isAllowedNavigation(APP, `${APP}#/conversations`)).toBe(true);
    expect(isAllowedNavigation(APP, 'file:///etc/passwd')).toBe(false);
    expect(isAllowedNavigation(APP, 'https://evil.example/')).toBe(false);
  });
});

describe('renderer CSP (src/renderer/index.html)', () => {
  const html = readFileSync(path.join(__dirname, '../../src/renderer/index.html'), 'utf8');
  const match = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
  const directives = new Map(
    (match?.[1] ?? '')
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...values]) => [name ?? '', values]),
  );

  it('exists and lets the page reach nothing but itself (it talks only to the bridge)', () => {
    expect(match).not.toBeNull();
    expect(directives.get('default-src')).toEqual(["'self'"]);
    // 'self' is the page's own origin (file:// in the app, the 127.0.0.1 server in browser mode).
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    for (const values of directives.values()) {
      expect(values.filter((v) => /^(https?:|wss?:|\*|'unsafe-eval'|'unsafe-inline')/.test(v))).toEqual([]);
    }
  });
});

function flatten(items: readonly AppMenuItem[]): AppMenuItem[] {
  return items.flatMap((item) => (item.type === 'submenu' ? [item, ...flatten(item.items)] : [item]));
}

describe('appMenuModel', () => {
  it('has the macOS app menu with the standard roles, and our commands with their shortcuts', () => {
    const menu = appMenuModel({ platform: 'darwin', devTools: false });
    expect(menu.map((m) => (m.type === 'submenu' ? m.role : m.type))).toEqual([
      'appMenu',
      'fileMenu',
      'editMenu',
      'viewMenu',
      'windowMenu',
      'help',
    ]);
    const all = flatten(menu);
    const roles = all.flatMap((i) => (i.type === 'role' ? [i.role] : []));
    expect(roles).toEqual(
      expect.arrayContaining([
        'about',
        'hide',
        'quit',
        'close',
        'undo',
        'copy',
        'paste',
        'selectAll',
        'minimize',
        'zoom',
      ]),
    );
    expect(roles).not.toContain('toggleDevTools');
    const commands = all.flatMap((i) =>
      i.type === 'command' ? [[i.id, i.accelerator, i.registerAccelerator]] : [],
    );
    expect(commands).toEqual([
      ['settings', 'CmdOrCtrl+,', false],
      ['new-conversation', 'CmdOrCtrl+N', false],
      ['show-conversations', 'CmdOrCtrl+Shift+L', true],
      ['search', 'CmdOrCtrl+K', false],
      ['help', undefined, true],
      ['open-logs', undefined, true],
      ['check-updates', undefined, true],
    ]);
  });

  it('has About in the Help menu on Windows and Linux, with the versions a bug report needs', () => {
    for (const platform of ['win32', 'linux'] as const) {
      const help = appMenuModel({ platform, devTools: false }).find(
        (m) => m.type === 'submenu' && m.role === 'help',
      );
      const items = help?.type === 'submenu' ? help.items : [];
      expect(items.at(-1)).toEqual({ type: 'role', role: 'about' });
    }
    const mac = appMenuModel({ platform: 'darwin', devTools: false });
    const macAbout = flatten(mac).filter((i) => i.type === 'role' && i.role === 'about');
    expect(macAbout).toHaveLength(1);
    expect(
      aboutPanelOptions({ app: '0.1.0', electron: '45.5.0', chrome: '148.0.1', node: '24.11.1' }),
    ).toEqual({
      applicationName: 'OpenHands Desktop',
      applicationVersion: '0.1.0',
      version: 'Electron 45.5.0 · Chromium 148.0.1 · Node 24.11.1',
      copyright: 'Copyright © OpenHands Desktop contributors',
    });
  });

  it('speaks the app’s language: every menu, command and standard item is labelled in Chinese', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const menu = appMenuModel({ platform, devTools: true, locale: 'zh-CN' });
      const labels = menu.flatMap((m) => (m.type === 'submenu' && m.role !== 'appMenu' ? [m.label] : []));
      expect(labels).toEqual(['文件', '编辑', '视图', '窗口', '帮助']);
      for (const item of flatten(menu)) {
        if (item.type === 'separator' || item.type === 'submenu') continue;
        // Chinese text (CJK) in every label: nothing left in English.
        expect(item.label, JSON.stringify(item)).toMatch(/[\u4e00-\u9fff]/);
      }
    }
    const file = appMenuModel({ platform: 'linux', devTools: false, locale: 'zh-CN' })[0];
    const fileItems = file?.type === 'submenu' ? flatten(file.items) : [];
    expect(fileItems.flatMap((i) => (i.type === 'command' ? [i.label] : []))).toEqual([
      '新建会话',
      '所有会话',
      '搜索',
      '设置',
    ]);
    // English stays as Electron names its standard items (no labels of ours).
    const en = flatten(appMenuModel({ platform: 'linux', devTools: false, locale: 'en' }));
    expect(en.filter((i) => i.type === 'role' && i.label !== undefined)).toEqual([]);
  });

  it('puts Settings and Quit in the File menu elsewhere, and dev tools only in development', () => {
    const menu = appMenuModel({ platform: 'win32', devTools: true });
    expect(menu[0]?.type === 'submenu' && menu[0].role).toBe('fileMenu');
    const file = menu[0]?.type === 'submenu' ? flatten(menu[0].items) : [];
    expect(file.some((i) => i.type === 'command' && i.id === 'settings')).toBe(true);
    expect(file.some((i) => i.type === 'role' && i.role === 'quit')).toBe(true);
    expect(flatten(menu).some((i) => i.type === 'role' && i.role === 'toggleDevTools')).toBe(true);
  });
});

describe('trayIconFile', () => {
  it('uses a template image on macOS, an .ico on Windows and a PNG on Linux, all generated in build/', () => {
    expect(trayIconFile('darwin')).toBe('trayTemplate.png');
    expect(trayIconFile('win32')).toBe('tray.ico');
    expect(trayIconFile('linux')).toBe('tray.png');
    for (const platform of ['darwin', 'win32', 'linux'] as const)
      expect(() => readFileSync(path.join(__dirname, '../../build', trayIconFile(platform)))).not.toThrow();
  });
});
