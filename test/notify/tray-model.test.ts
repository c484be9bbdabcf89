import { describe, expect, it } from 'vitest';
import { en } from '../../src/shared/i18n/en';
import { zhCN } from '../../src/shared/i18n/zh-CN';
import {
  GROUP_MAX,
  trayClickAction,
  trayModel,
  type TrayInput,
  type TrayMenuItem,
} from '../../src/main/notify/tray-model';
import type { StatusSnapshot } from '../../src/shared/live';
import { DISPLAY_STATUSES, type DisplayStatus } from '../../src/shared/status';
import { entry, keyOf, snapshot, translationProblems } from './fixtures';

const INPUT: TrayInput = { windowVisible: true, notificationsPaused: false, locale: 'en' };

function labels(model: { items: TrayMenuItem[] }): string[] {
  return model.items.map((item) => (item.type === 'separator' ? '---' : item.label));
}

function itemById(snap: StatusSnapshot, id: string, input = INPUT): TrayMenuItem | undefined {
  return trayModel(snap, input).items.find((item) => item.id === id);
}

/** The group each status is listed under; null = not listed. */
const GROUP: Record<DisplayStatus, 'needs-you' | 'running' | null> = {
  starting: 'running',
  running: 'running',
  'waiting-for-input': 'needs-you',
  'needs-confirmation': 'needs-you',
  finished: null,
  paused: null,
  stopped: null,
  archived: null,
  error: 'needs-you',
  unknown: null,
};

describe('trayModel', () => {
  it('shows an empty state, the window toggle, pause and quit when nothing is going on', () => {
    const model = trayModel(snapshot(), INPUT);
    expect(labels(model)).toEqual([
      'No active conversations',
      '---',
      'Hide OpenHands Desktop',
      'Pause notifications',
      '---',
      'Quit OpenHands Desktop',
    ]);
    expect(model.items[0]).toMatchObject({ enabled: false, action: null });
    expect(model.tooltip).toBe('OpenHands Desktop');
    expect(model.badge).toEqual({ count: 0, description: '' });
  });

  it.each(DISPLAY_STATUSES)('lists a %s conversation in the right group and badge', (status) => {
    const model = trayModel(snapshot(entry('a1', status)), INPUT);
    const group = GROUP[status];
    const header = group === 'needs-you' ? 'Needs you (1)' : group === 'running' ? 'Running (1)' : null;
    const row = model.items.find((item) => item.id === `conversation:${keyOf(entry('a1', status))}`);
    if (header) {
      expect(labels(model)[0]).toBe(header);
      expect(row).toMatchObject({
        type: 'normal',
        enabled: true,
        action: {
          type: 'open-conversation',
          key: 'local/a1',
          ref: { serverId: 'local', id: 'a1', version: 'V1' },
        },
      });
    } else {
      expect(labels(model)[0]).toBe('No active conversations');
      expect(row).toBeUndefined();
    }
    expect(model.badge.count).toBe(group === 'needs-you' ? 1 : 0);
  });

  it('says why each conversation needs the user, most urgent first, then by title', () => {
    const model = trayModel(
      snapshot(
        entry('a1', 'error', { title: 'Alpha' }),
        entry('b2', 'waiting-for-input', { title: 'Beta' }),
        entry('c3', 'needs-confirmation', { title: 'Gamma' }),
        entry('d4', 'waiting-for-input', { title: 'Aardvark' }),
        entry('e5', 'error', { title: 'Broken start', startFailed: true }),
        entry('f6', 'running', { title: 'Zulu' }),
        entry('g7', 'starting', { title: 'Echo' }),
        entry('h8', 'finished', { title: 'Done' }),
      ),
      INPUT,
    );
    expect(labels(model).slice(0, 10)).toEqual([
      'Needs you (5)',
      'Gamma — Needs confirmation',
      'Aardvark — Waiting for input',
      'Beta — Waiting for input',
      'Alpha — Error',
      'Broken start — Could not start',
      '---',
      'Running (2)',
      'Echo — Starting',
      'Zulu',
    ]);
    expect(model.tooltip).toBe('OpenHands Desktop\nNeeds you: 5\nRunning: 2');
    expect(model.badge).toEqual({ count: 5, description: '5 conversations need you' });
  });

  it.each([
    [GROUP_MAX - 1, null],
    [GROUP_MAX, null],
    [GROUP_MAX + 1, 'and 1 more…'],
    [25, 'and 15 more…'],
  ])('caps a group of %i at ten rows, then %j', (count, more) => {
    const ids = Array.from({ length: count }, (_, i) => `c${String(i).padStart(2, '0')}`);
    const model = trayModel(snapshot(...ids.map((id) => entry(id, 'running'))), INPUT);
    const rows = model.items.filter((item) => item.id.startsWith('conversation:'));
    expect(rows).toHaveLength(Math.min(count, GROUP_MAX));
    const moreItem = model.items.find((item) => item.id === 'running-more');
    if (more === null) expect(moreItem).toBeUndefined();
    else
      expect(moreItem).toMatchObject({
        label: more,
        enabled: true,
        action: { type: 'open-list', keys: ids.map((id) => `local/${id}`) },
      });
  });

  it('truncates and cleans titles, and names untitled ones', () => {
    const long = 'Refactor the authentication module so that tokens refresh before they expire';
    const model = trayModel(
      snapshot(entry('a1', 'running', { title: long }), entry('b2', 'running', { title: ' \n ' })),
      INPUT,
    );
    expect(labels(model).slice(1, 3)).toEqual([
      'Refactor the authentication module so that toke…',
      'Untitled conversation',
    ]);
  });

  it.each([
    [true, 'Hide OpenHands Desktop', 'hide-window'],
    [false, 'Show OpenHands Desktop', 'show-window'],
  ] as const)('window visible: %s → %s', (windowVisible, label, type) => {
    expect(itemById(snapshot(), 'window', { ...INPUT, windowVisible })).toEqual({
      type: 'normal',
      id: 'window',
      label,
      enabled: true,
      action: { type },
    });
  });

  it.each([false, true])('pause checkbox when paused is %s sets the opposite', (paused) => {
    const model = trayModel(snapshot(entry('a1', 'running')), { ...INPUT, notificationsPaused: paused });
    expect(model.items.find((item) => item.id === 'pause')).toEqual({
      type: 'checkbox',
      id: 'pause',
      label: 'Pause notifications',
      checked: paused,
      action: { type: 'set-paused', paused: !paused },
    });
    expect(model.tooltip).toBe(
      paused ? 'OpenHands Desktop\nRunning: 1\nNotifications paused' : 'OpenHands Desktop\nRunning: 1',
    );
  });

  it('quits from the last item', () => {
    expect(trayModel(snapshot(), INPUT).items.at(-1)).toEqual({
      type: 'normal',
      id: 'quit',
      label: 'Quit OpenHands Desktop',
      enabled: true,
      action: { type: 'quit' },
    });
  });

  it.each([
    [0, ''],
    [1, '1 conversation needs you'],
    [2, '2 conversations need you'],
  ])('badge for %i needing the user: %j', (count, description) => {
    const ids = Array.from({ length: count }, (_, i) => `n${i}`);
    const model = trayModel(snapshot(...ids.map((id) => entry(id, 'waiting-for-input'))), INPUT);
    expect(model.badge).toEqual({ count, description });
  });

  it('gives every item a unique id', () => {
    const ids = Array.from({ length: 12 }, (_, i) => `c${i}`);
    const model = trayModel(
      snapshot(
        ...ids.map((id) => entry(id, 'running')),
        ...ids.map((id) => entry(`w${id}`, 'waiting-for-input')),
      ),
      INPUT,
    );
    const itemIds = model.items.map((item) => item.id);
    expect(new Set(itemIds).size).toBe(itemIds.length);
  });

  it('has zh-CN for every en string', () => {
    expect(translationProblems(en.tray, zhCN.tray)).toEqual([]);
  });

  it('speaks Simplified Chinese when asked', () => {
    const model = trayModel(
      snapshot(entry('a1', 'needs-confirmation', { title: '部署' }), entry('b2', 'running', { title: '' })),
      { windowVisible: false, notificationsPaused: true, locale: 'zh-CN' },
    );
    expect(labels(model)).toEqual([
      '需要你处理（1）',
      '部署 — 需要确认',
      '---',
      '运行中（1）',
      '未命名会话',
      '---',
      '显示 OpenHands Desktop',
      '暂停通知',
      '---',
      '退出 OpenHands Desktop',
    ]);
    expect(model.tooltip).toBe('OpenHands Desktop\n需要你处理：1\n运行中：1\n通知已暂停');
    expect(model.badge).toEqual({ count: 1, description: '1 个会话需要你处理' });
  });

  it.each([
    ['en', 1, '1 conversation needs you'],
    ['en', 3, '3 conversations need you'],
    ['zh-CN', 1, '1 个会话需要你处理'],
    ['zh-CN', 3, '3 个会话需要你处理'],
  ] as const)('says the badge count in the language’s plural: %s, %i → %j', (locale, count, description) => {
    const ids = Array.from({ length: count }, (_, i) => `n${i}`);
    const model = trayModel(snapshot(...ids.map((id) => entry(id, 'waiting-for-input'))), {
      ...INPUT,
      locale,
    });
    expect(model.badge).toEqual({ count, description });
  });
});

describe('trayClickAction', () => {
  it.each([
    ['win32', { type: 'show-window' }],
    ['darwin', null],
    ['linux', null],
    ['other', null],
  ] as const)('%s → %j', (platform, action) => {
    expect(trayClickAction(platform)).toEqual(action);
  });
});
