import { describe, expect, it } from 'vitest';
import { resolveUserDataDir, type UserDataDirInput } from '../../src/main/user-data-dir';

const linuxHome = '/home/ada';
const macHome = '/Users/ada';
const winHome = 'C:\\Users\\ada';

type Row = [description: string, input: UserDataDirInput, expected: string];

const rows: Row[] = [
  // platform defaults
  [
    'Linux default',
    { argv: [], env: {}, platform: 'linux', homedir: linuxHome },
    '/home/ada/.config/OpenHands Desktop',
  ],
  [
    'Linux XDG_CONFIG_HOME',
    { argv: [], env: { XDG_CONFIG_HOME: '/xdg/conf/' }, platform: 'linux', homedir: linuxHome },
    '/xdg/conf/OpenHands Desktop',
  ],
  [
    'Linux relative XDG_CONFIG_HOME is ignored (XDG spec)',
    { argv: [], env: { XDG_CONFIG_HOME: 'conf' }, platform: 'linux', homedir: linuxHome },
    '/home/ada/.config/OpenHands Desktop',
  ],
  [
    'Linux empty XDG_CONFIG_HOME is ignored',
    { argv: [], env: { XDG_CONFIG_HOME: '' }, platform: 'linux', homedir: linuxHome },
    '/home/ada/.config/OpenHands Desktop',
  ],
  [
    'other Unix (freebsd) behaves like Linux',
    { argv: [], env: {}, platform: 'freebsd', homedir: linuxHome },
    '/home/ada/.config/OpenHands Desktop',
  ],
  [
    'macOS default',
    { argv: [], env: { XDG_CONFIG_HOME: '/ignored' }, platform: 'darwin', homedir: macHome },
    '/Users/ada/Library/Application Support/OpenHands Desktop',
  ],
  [
    'Windows %APPDATA%',
    { argv: [], env: { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, platform: 'win32', homedir: winHome },
    'C:\\Users\\ada\\AppData\\Roaming\\OpenHands Desktop',
  ],
  [
    'Windows without APPDATA',
    { argv: [], env: {}, platform: 'win32', homedir: winHome },
    'C:\\Users\\ada\\AppData\\Roaming\\OpenHands Desktop',
  ],
  // environment variable
  [
    'env OPENHANDS_DESKTOP_USER_DATA',
    { argv: [], env: { OPENHANDS_DESKTOP_USER_DATA: '/data/oh' }, platform: 'linux', homedir: linuxHome },
    '/data/oh',
  ],
  [
    'empty env value is ignored',
    { argv: [], env: { OPENHANDS_DESKTOP_USER_DATA: '' }, platform: 'darwin', homedir: macHome },
    '/Users/ada/Library/Application Support/OpenHands Desktop',
  ],
  [
    'relative env value resolves against cwd',
    {
      argv: [],
      env: { OPENHANDS_DESKTOP_USER_DATA: 'data' },
      platform: 'linux',
      homedir: linuxHome,
      cwd: '/work',
    },
    '/work/data',
  ],
  [
    'Windows env value',
    { argv: [], env: { OPENHANDS_DESKTOP_USER_DATA: 'D:\\oh' }, platform: 'win32', homedir: winHome },
    'D:\\oh',
  ],
  // command line beats env
  [
    '--user-data-dir <dir>',
    {
      argv: ['/usr/bin/openhands', '--user-data-dir', '/tmp/a'],
      env: { OPENHANDS_DESKTOP_USER_DATA: '/data/oh' },
      platform: 'linux',
      homedir: linuxHome,
    },
    '/tmp/a',
  ],
  [
    '--user-data-dir=<dir>',
    { argv: ['node', 'main.js', '--user-data-dir=/tmp/b/'], env: {}, platform: 'linux', homedir: linuxHome },
    '/tmp/b',
  ],
  [
    'the last flag wins',
    {
      argv: ['x', '--user-data-dir', '/tmp/a', '--user-data-dir=/tmp/c'],
      env: {},
      platform: 'linux',
      homedir: linuxHome,
    },
    '/tmp/c',
  ],
  [
    'relative flag value resolves against cwd',
    {
      argv: ['x', '--user-data-dir', '../d'],
      env: {},
      platform: 'linux',
      homedir: linuxHome,
      cwd: '/work/app',
    },
    '/work/d',
  ],
  [
    'relative flag value without cwd resolves against home',
    { argv: ['x', '--user-data-dir', 'd'], env: {}, platform: 'linux', homedir: linuxHome },
    '/home/ada/d',
  ],
  [
    'flag without a value falls back to env',
    {
      argv: ['x', '--user-data-dir'],
      env: { OPENHANDS_DESKTOP_USER_DATA: '/data/oh' },
      platform: 'linux',
      homedir: linuxHome,
    },
    '/data/oh',
  ],
  [
    'flag followed by another flag has no value',
    { argv: ['x', '--user-data-dir', '--verbose'], env: {}, platform: 'linux', homedir: linuxHome },
    '/home/ada/.config/OpenHands Desktop',
  ],
  [
    'empty --user-data-dir= is ignored',
    { argv: ['x', '--user-data-dir='], env: {}, platform: 'darwin', homedir: macHome },
    '/Users/ada/Library/Application Support/OpenHands Desktop',
  ],
  [
    'arguments after -- are not flags',
    { argv: ['x', '--', '--user-data-dir', '/tmp/a'], env: {}, platform: 'linux', homedir: linuxHome },
    '/home/ada/.config/OpenHands Desktop',
  ],
  [
    'Windows flag with a relative value',
    {
      argv: ['x', '--user-data-dir', 'oh-data'],
      env: {},
      platform: 'win32',
      homedir: winHome,
      cwd: 'D:\\apps',
    },
    'D:\\apps\\oh-data',
  ],
  [
    'a path with spaces',
    { argv: ['x', '--user-data-dir', '/Volumes/My Disk/OH'], env: {}, platform: 'darwin', homedir: macHome },
    '/Volumes/My Disk/OH',
  ],
];

describe('resolveUserDataDir', () => {
  it.each(rows)('%s', (_description, input, expected) => {
    expect(resolveUserDataDir(input)).toBe(expected);
  });
});
