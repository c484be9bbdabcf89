import { describe, expect, it } from 'vitest';
import { en } from '../../src/shared/i18n/en';
import { translate } from '../../src/shared/i18n/translator';
import { zhCN } from '../../src/shared/i18n/zh-CN';
import {
  displayTitle,
  notificationsFor,
  notifyKind,
  type NotifyContext,
  type NotifyKind,
} from '../../src/main/notify/notification-model';
import {
  DEFAULT_NOTIFICATION_SETTINGS,
  isPaused,
  NOTIFY_TOGGLES,
  type NotificationSettings,
} from '../../src/shared/notification-settings';
import { notificationSettingsSchema } from '../../src/shared/settings-schema';
import type { StatusSnapshot } from '../../src/shared/live';
import { DISPLAY_STATUSES, type DisplayStatus } from '../../src/shared/status';
import { entry, keyOf, snapshot, translationProblems } from './fixtures';

const NOW = 1_700_000_000_000;

function context(overrides: Partial<NotifyContext> = {}): NotifyContext {
  return {
    settings: DEFAULT_NOTIFICATION_SETTINGS,
    now: NOW,
    windowFocused: false,
    onScreen: null,
    locale: 'en',
    ...overrides,
  };
}

function settings(overrides: Partial<NotificationSettings>): NotificationSettings {
  return { ...DEFAULT_NOTIFICATION_SETTINGS, ...overrides };
}

/** Kinds of the notifications for one conversation going from `from` to `to`. */
function kindsFor(previous: StatusSnapshot, next: StatusSnapshot, ctx = context()): NotifyKind[] {
  return notificationsFor(previous, next, ctx).map((n) => n.kind);
}

/** The notification each status deserves when a conversation moves into it; null = never. */
const NOTIFIES: Record<DisplayStatus, NotifyKind | null> = {
  starting: null,
  running: null,
  'waiting-for-input': 'waiting-for-input',
  'needs-confirmation': 'needs-confirmation',
  finished: 'finished',
  paused: null,
  stopped: null,
  archived: null,
  error: 'error',
  unknown: null,
};

describe('notificationsFor: every display status as a (previous, next) pair', () => {
  describe.each(DISPLAY_STATUSES)('from %s', (from) => {
    it.each(DISPLAY_STATUSES)('to %s', (to) => {
      const expected = from !== to && NOTIFIES[to] ? [NOTIFIES[to]] : [];
      expect(kindsFor(snapshot(entry('a1', from)), snapshot(entry('a1', to)))).toEqual(expected);
    });
  });

  it.each(DISPLAY_STATUSES)('stays quiet about a conversation first seen already %s', (status) => {
    expect(kindsFor(snapshot(), snapshot(entry('a1', status)))).toEqual([]);
  });

  it('stays quiet when a conversation disappears', () => {
    expect(kindsFor(snapshot(entry('a1', 'running')), snapshot())).toEqual([]);
  });
});

describe('notificationsFor: a failed start', () => {
  const failed = (id = 'a1') => entry(id, 'error', { startFailed: true });

  it.each([
    ['starting → failed start', entry('a1', 'starting'), failed(), ['start-failed']],
    ['running → failed start', entry('a1', 'running'), failed(), ['start-failed']],
    ['first seen as a failed start', null, failed(), []],
    ['error → the same error marked as a failed start', entry('a1', 'error'), failed(), []],
    ['failed start → the same error unmarked', failed(), entry('a1', 'error'), []],
    ['failed start → failed start', failed(), failed(), []],
    ['failed start → starting (a retry)', failed(), entry('a1', 'starting'), []],
  ] as const)('%s', (_name, before, after, expected) => {
    expect(kindsFor(before ? snapshot(before) : snapshot(), snapshot(after))).toEqual(expected);
  });

  it('says it could not start, naming the conversation', () => {
    const [n] = notificationsFor(snapshot(entry('a1', 'starting')), snapshot(failed()), context());
    expect(n).toMatchObject({ title: 'Conversation a1', body: 'Could not start' });
  });

  it('maps kinds from entries', () => {
    expect(notifyKind(failed())).toBe('start-failed');
    expect(notifyKind(entry('a1', 'running'))).toBeNull();
  });
});

describe('notificationsFor: coalescing', () => {
  const finishing = (count: number) => {
    const ids = Array.from({ length: count }, (_, i) => `c${i + 1}`);
    return {
      before: snapshot(...ids.map((id) => entry(id, 'running'))),
      after: snapshot(...ids.map((id) => entry(id, 'finished', { title: `Task ${id}` }))),
      keys: ids.map((id) => keyOf(entry(id, 'finished'))),
    };
  };

  it.each([
    [1, 'Task c1', 'Finished'],
    [2, '2 conversations finished', 'Task c1, Task c2'],
    [3, '3 conversations finished', 'Task c1, Task c2, Task c3'],
    [5, '5 conversations finished', 'Task c1, Task c2, Task c3 and 2 more'],
  ])('%i finished → one notification: %s / %s', (count, title, body) => {
    const { before, after, keys } = finishing(count);
    const result = notificationsFor(before, after, context());
    expect(result).toHaveLength(1);
    expect(result[0]).toMatchObject({ kind: 'finished', title, body });
    expect(result[0]?.target).toEqual(
      count === 1
        ? { type: 'conversation', key: keys[0], ref: { serverId: 'local', id: 'c1', version: 'V1' } }
        : { type: 'list', keys },
    );
  });

  it('gives one notification per kind for mixed kinds, most urgent first', () => {
    const before = snapshot(
      entry('f1', 'running'),
      entry('f2', 'running'),
      entry('w1', 'running'),
      entry('n1', 'running'),
      entry('n2', 'running'),
      entry('e1', 'running'),
      entry('s1', 'starting'),
      entry('r1', 'starting'),
    );
    const after = snapshot(
      entry('f1', 'finished'),
      entry('f2', 'finished'),
      entry('w1', 'waiting-for-input'),
      entry('n1', 'needs-confirmation'),
      entry('n2', 'needs-confirmation'),
      entry('e1', 'error'),
      entry('s1', 'error', { startFailed: true }),
      entry('r1', 'running'),
    );
    expect(notificationsFor(before, after, context()).map((n) => [n.kind, n.title])).toEqual([
      ['needs-confirmation', '2 conversations need your confirmation'],
      ['waiting-for-input', 'Conversation w1'],
      ['error', 'Conversation e1'],
      ['start-failed', 'Conversation s1'],
      ['finished', '2 conversations finished'],
    ]);
  });
});

describe('notificationsFor: what the user is looking at', () => {
  const before = snapshot(entry('a1', 'running'), entry('b2', 'running'));
  const after = snapshot(entry('a1', 'finished'), entry('b2', 'running'));
  const a1 = keyOf(entry('a1', 'finished'));
  const b2 = keyOf(entry('b2', 'finished'));

  it.each([
    ['focused window showing that conversation', true, a1, false],
    ['unfocused window showing that conversation', false, a1, true],
    ['focused window showing another conversation', true, b2, true],
    ['focused window showing no conversation', true, null, true],
    ['unfocused window showing no conversation', false, null, true],
  ] as const)('%s → notify: %s', (_name, windowFocused, onScreen, notifies) => {
    expect(kindsFor(before, after, context({ windowFocused, onScreen }))).toEqual(
      notifies ? ['finished'] : [],
    );
  });

  it('leaves the on-screen conversation out of a coalesced count', () => {
    const many = snapshot(entry('a1', 'running'), entry('b2', 'running'), entry('c3', 'running'));
    const done = snapshot(entry('a1', 'finished'), entry('b2', 'finished'), entry('c3', 'finished'));
    const [n] = notificationsFor(many, done, context({ windowFocused: true, onScreen: a1 }));
    expect(n).toMatchObject({ title: '2 conversations finished', body: 'Conversation b2, Conversation c3' });
  });
});

describe('notificationsFor: settings', () => {
  const before = snapshot(
    entry('w1', 'running'),
    entry('n1', 'running'),
    entry('f1', 'running'),
    entry('e1', 'running'),
    entry('s1', 'starting'),
  );
  const after = snapshot(
    entry('w1', 'waiting-for-input'),
    entry('n1', 'needs-confirmation'),
    entry('f1', 'finished'),
    entry('e1', 'error'),
    entry('s1', 'error', { startFailed: true }),
  );
  const all: NotifyKind[] = ['needs-confirmation', 'waiting-for-input', 'error', 'start-failed', 'finished'];

  it.each([
    ['waiting-for-input', ['waiting-for-input']],
    ['needs-confirmation', ['needs-confirmation']],
    ['finished', ['finished']],
    ['error', ['error', 'start-failed']],
  ] as const)('switching off %s silences %j only', (toggle, silenced) => {
    const kinds = { ...DEFAULT_NOTIFICATION_SETTINGS.kinds, [toggle]: false };
    expect(kindsFor(before, after, context({ settings: settings({ kinds }) }))).toEqual(
      all.filter((k) => !(silenced as readonly NotifyKind[]).includes(k)),
    );
  });

  it.each([
    ['not paused', { paused: false, pausedUntil: null }, true],
    ['paused until switched off', { paused: true, pausedUntil: null }, false],
    ['paused until a minute from now', { paused: true, pausedUntil: NOW + 60_000 }, false],
    ['paused until exactly now (over)', { paused: true, pausedUntil: NOW }, true],
    ['paused until a minute ago (over)', { paused: true, pausedUntil: NOW - 60_000 }, true],
    ['pause switched off, old end time left behind', { paused: false, pausedUntil: NOW + 60_000 }, true],
  ] as const)('%s → notify: %s', (_name, pause, notifies) => {
    const s = settings(pause);
    expect(isPaused(s, NOW)).toBe(!notifies);
    expect(kindsFor(before, after, context({ settings: s }))).toEqual(notifies ? all : []);
  });
});

describe('notification settings', () => {
  it('defaults to every kind on and no pause', () => {
    expect(notificationSettingsSchema.parse({})).toEqual({
      kinds: { 'waiting-for-input': true, 'needs-confirmation': true, finished: true, error: true },
      paused: false,
      pausedUntil: null,
    });
    expect(DEFAULT_NOTIFICATION_SETTINGS).toEqual(notificationSettingsSchema.parse({}));
    expect(Object.isFrozen(DEFAULT_NOTIFICATION_SETTINGS.kinds)).toBe(true);
    expect(Object.keys(DEFAULT_NOTIFICATION_SETTINGS.kinds).sort()).toEqual([...NOTIFY_TOGGLES].sort());
  });

  it('fills kinds a stored object lacks and drops ones it no longer knows', () => {
    expect(
      notificationSettingsSchema.parse({ kinds: { finished: false, retired: false }, paused: true }),
    ).toEqual({
      kinds: { 'waiting-for-input': true, 'needs-confirmation': true, finished: false, error: true },
      paused: true,
      pausedUntil: null,
    });
  });

  it.each([{ paused: 'yes' }, { pausedUntil: -1 }, { pausedUntil: 1.5 }, { kinds: { error: 1 } }])(
    'rejects %j',
    (value) => {
      expect(notificationSettingsSchema.safeParse(value).success).toBe(false);
    },
  );
});

describe('text', () => {
  it.each([
    ['Fix build', 'Fix build'],
    ['  Fix\n \t build  ', 'Fix build'],
    ['abcdefghij', 'abcdefghij'],
    ['', 'Untitled'],
    ['   \n ', 'Untitled'],
    ['abcdefghijklmnop', 'abcdefghi…'],
    ['修复登录页面的样式问题并补充测试', '修复登录页面的样式…'],
    ['😀😀😀😀😀😀😀😀😀😀😀', '😀😀😀😀😀😀😀😀😀…'],
    ['abcd       efghijk', 'abcd efgh…'],
    ['abcdefgh ijk', 'abcdefgh…'],
  ])('displayTitle(%j) → %j', (title, shown) => {
    expect(displayTitle(title, 10, 'Untitled')).toBe(shown);
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('en', 'notifications.andMore', { list: 'A, B', n: 2 })).toBe('A, B and 2 more');
    expect(translate('en', 'notifications.andMore', { list: 'A, B' })).toBe('A, B and {n} more');
  });

  it('has zh-CN for every en string', () => {
    expect(translationProblems(en.notifications, zhCN.notifications)).toEqual([]);
  });

  it.each([
    ['en', 1, '1 conversation finished'],
    ['en', 2, '2 conversations finished'],
    ['zh-CN', 1, '1 个会话已完成'],
    ['zh-CN', 2, '2 个会话已完成'],
  ] as const)(
    'counts coalesced titles by the language’s plural rules: %s, %i → %j',
    (language, count, title) => {
      expect(translate(language, 'notifications.manyFinished', { count })).toBe(title);
    },
  );

  it('speaks Simplified Chinese when asked', () => {
    const before = snapshot(entry('a1', 'running'), entry('b2', 'running'), entry('c3', 'running'));
    const after = snapshot(
      entry('a1', 'finished', { title: '重构' }),
      entry('b2', 'finished', { title: '' }),
      entry('c3', 'waiting-for-input', { title: '修复' }),
    );
    expect(
      notificationsFor(before, after, context({ locale: 'zh-CN' })).map((n) => [n.title, n.body]),
    ).toEqual([
      ['修复', '正在等待你的输入'],
      ['2 个会话已完成', '重构、未命名会话'],
    ]);
  });
});
