import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createNotifier, revealWindow, type NotifierOptions } from '../../src/main/electron/notifier';
import { MemoryLogger } from '../../src/main/logger';
import { notificationsFor, type AppNotification } from '../../src/main/notify/notification-model';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../src/shared/notification-settings';
import type { ConversationRef } from '../../src/shared/conversations';
import { entry, snapshot } from '../notify/fixtures';
import { FakeBrowserWindow, FakeNotification, resetElectronFake } from './electron-fake';

vi.mock('electron', async () => (await import('./electron-fake')).electronFake);

const SINGLE: AppNotification = {
  kind: 'finished',
  title: 'Fix the build',
  body: 'Finished',
  target: { type: 'conversation', key: 'local/a1', ref: { serverId: 'local', id: 'a1', version: 'V1' } },
};
const COALESCED: AppNotification = {
  kind: 'waiting-for-input',
  title: '2 conversations are waiting for your input',
  body: 'A, B',
  target: { type: 'list', keys: ['local/a1', 'local/b2'] },
};

/** Options whose callbacks record, in order, what a click did. */
function recording(extra: Partial<NotifierOptions> = {}) {
  const calls: string[] = [];
  const options: NotifierOptions = {
    showWindow: () => calls.push('showWindow'),
    openConversation: (ref: ConversationRef) => calls.push(`openConversation ${ref.serverId}/${ref.id}`),
    openList: (keys) => calls.push(`openList ${keys.join(',')}`),
    ...extra,
  };
  return { calls, options };
}

function shown(index: number): FakeNotification {
  const n = FakeNotification.instances[index];
  if (!n) throw new Error(`no notification #${index}`);
  return n;
}

beforeEach(resetElectronFake);

describe('createNotifier', () => {
  it('shows one native notification per model notification, with its words', () => {
    const { options } = recording();
    createNotifier(options).show([SINGLE, COALESCED]);
    expect(FakeNotification.instances.map((n) => [n.options, n.shown])).toEqual([
      [{ title: 'Fix the build', body: 'Finished' }, true],
      [{ title: '2 conversations are waiting for your input', body: 'A, B' }, true],
    ]);
  });

  it('passes an icon when given one', () => {
    const { options } = recording({ icon: '/icons/app.png' });
    createNotifier(options).show([SINGLE]);
    expect(shown(0).options.icon).toBe('/icons/app.png');
  });

  it('on click, shows the window and then opens the conversation', () => {
    const { calls, options } = recording();
    createNotifier(options).show([SINGLE]);
    shown(0).emit('click', {});
    expect(calls).toEqual(['showWindow', 'openConversation local/a1']);
  });

  it('on click of a coalesced one, shows the window and opens the list filtered to its conversations', () => {
    const { calls, options } = recording();
    createNotifier(options).show([COALESCED]);
    shown(0).emit('click', {});
    expect(calls).toEqual(['showWindow', 'openList local/a1,local/b2']);
  });

  it('does nothing until clicked, and nothing when closed', () => {
    const { calls, options } = recording();
    createNotifier(options).show([SINGLE]);
    shown(0).emit('close', {});
    expect(calls).toEqual([]);
  });

  it('does nothing for an empty list', () => {
    const { options } = recording();
    createNotifier(options).show([]);
    expect(FakeNotification.instances).toEqual([]);
  });

  it('says once that notifications are unsupported, and shows none', () => {
    FakeNotification.supported = false;
    const logger = new MemoryLogger();
    const notifier = createNotifier(recording({ logger }).options);
    notifier.show([SINGLE]);
    notifier.show([COALESCED]);
    expect(FakeNotification.instances).toEqual([]);
    expect(logger.lines).toEqual(['warn native notifications are not supported here']);
  });

  it('logs a notification the OS failed to show', () => {
    const logger = new MemoryLogger();
    createNotifier(recording({ logger }).options).show([SINGLE]);
    shown(0).emit('failed', {}, 'toast error');
    expect(logger.lines).toEqual(['warn a notification could not be shown: toast error']);
  });

  it('renders what the pure model decided, end to end', () => {
    const { calls, options } = recording();
    const before = snapshot(entry('a1', 'running'), entry('b2', 'running'), entry('c3', 'running'));
    const after = snapshot(
      entry('a1', 'finished'),
      entry('b2', 'finished'),
      entry('c3', 'needs-confirmation'),
    );
    const decided = notificationsFor(before, after, {
      settings: DEFAULT_NOTIFICATION_SETTINGS,
      now: 0,
      windowFocused: false,
      onScreen: null,
      locale: 'en',
    });
    createNotifier(options).show(decided);
    expect(FakeNotification.instances.map((n) => n.options.title)).toEqual([
      'Conversation c3',
      '2 conversations finished',
    ]);
    shown(1).emit('click', {});
    shown(0).emit('click', {});
    expect(calls).toEqual([
      'showWindow',
      'openList local/a1,local/b2',
      'showWindow',
      'openConversation local/c3',
    ]);
  });
});

describe('revealWindow', () => {
  it.each([
    [true, ['restore', 'show', 'focus']],
    [false, ['show', 'focus']],
  ])('minimised: %s → %j', (minimized, calls) => {
    const window = new FakeBrowserWindow();
    window.minimized = minimized;
    revealWindow(window);
    expect(window.calls).toEqual(calls);
  });
});
