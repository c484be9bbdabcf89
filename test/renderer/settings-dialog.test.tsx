// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { SettingsDialog } from '../../src/renderer/screens/settings/SettingsDialog';
import { useSettingsStore } from '../../src/renderer/stores/settings-store';
import { useTheme } from '../../src/renderer/use-theme';
import type { AppSettings } from '../../src/shared/settings';
import { DEFAULT_APP_SETTINGS } from '../../src/shared/settings-schema';
import { fail } from './support/fake-bridge';
import { renderWithBridge } from './support/render-app';

/** The dialog as the app shows it: with the theme hook the App runs. */
function Themed() {
  useTheme();
  return <SettingsDialog onClose={() => {}} />;
}

async function openDialog(settings: AppSettings = DEFAULT_APP_SETTINGS) {
  const user = userEvent.setup();
  const rendered = renderWithBridge(<Themed />, { settings });
  await waitFor(() => expect(useSettingsStore.getState().settings).not.toBeNull());
  return { user, ...rendered };
}

const group = (name: string | RegExp): HTMLElement => screen.getByRole('group', { name });

describe('the Settings dialog', () => {
  it('shows what main holds', async () => {
    await openDialog({
      ...DEFAULT_APP_SETTINGS,
      closeToTray: false,
      pollCadence: 'relaxed',
      sendKey: 'mod-enter',
      notifications: {
        ...DEFAULT_APP_SETTINGS.notifications,
        kinds: { ...DEFAULT_APP_SETTINGS.notifications.kinds, finished: false },
      },
    });
    expect(screen.getByRole('dialog', { name: 'Settings' }).contains(document.activeElement)).toBe(true);
    expect(screen.getByRole('checkbox', { name: 'Has finished' })).toHaveProperty('checked', false);
    expect(screen.getByRole('checkbox', { name: 'Waits for my input' })).toHaveProperty('checked', true);
    expect(
      screen.getByRole('checkbox', { name: 'Keep running in the tray when the window closes' }),
    ).toHaveProperty('checked', false);
    expect(
      within(group('How often to check conversations')).getByRole('radio', { name: 'Relaxed' }),
    ).toHaveProperty('checked', true);
    expect(
      within(group('Sending messages')).getByRole('radio', { name: /\+Enter sends, Enter starts/ }),
    ).toHaveProperty('checked', true);
  });

  it('explains each poll cadence in plain words', async () => {
    await openDialog();
    const cadence = group('How often to check conversations');
    const description = (name: string): string => {
      const radio = within(cadence).getByRole('radio', { name });
      return document.getElementById(radio.getAttribute('aria-describedby') ?? '')?.textContent ?? '';
    };
    expect(description('Fast')).toContain('every 2 s');
    expect(description('Normal')).toContain('every 3 s');
    expect(description('Relaxed')).toContain('every 10 s');
  });

  it('saves a notification kind at once, sending the whole notification settings', async () => {
    const { user, fake } = await openDialog();
    await user.click(screen.getByRole('checkbox', { name: 'Has finished' }));
    await waitFor(() => expect(fake.callsTo('settings.update')).toHaveLength(1));
    expect(fake.callsTo('settings.update')[0]).toEqual({
      notifications: {
        kinds: { 'waiting-for-input': true, 'needs-confirmation': true, finished: false, error: true },
        paused: false,
        pausedUntil: null,
      },
    });
    await waitFor(() =>
      expect(screen.getByRole('checkbox', { name: 'Has finished' })).toHaveProperty('checked', false),
    );
  });

  it('pauses notifications and switches close-to-tray', async () => {
    const { user, fake } = await openDialog();
    await user.click(screen.getByRole('checkbox', { name: 'Pause notifications' }));
    await user.click(
      screen.getByRole('checkbox', { name: 'Keep running in the tray when the window closes' }),
    );
    await waitFor(() => expect(fake.callsTo('settings.update')).toHaveLength(2));
    expect(fake.callsTo('settings.update')[0]).toMatchObject({
      notifications: { paused: true, pausedUntil: null },
    });
    expect(fake.callsTo('settings.update')[1]).toEqual({ closeToTray: false });
  });

  it('saves the poll cadence and the send key', async () => {
    const { user, fake } = await openDialog();
    await user.click(screen.getByRole('radio', { name: 'Fast' }));
    await user.click(screen.getByRole('radio', { name: /\+Enter sends/ }));
    await waitFor(() => expect(fake.callsTo('settings.update')).toHaveLength(2));
    expect(fake.callsTo('settings.update')).toEqual([{ pollCadence: 'fast' }, { sendKey: 'mod-enter' }]);
  });

  it('switching the language to 简体中文 re-renders in Chinese', async () => {
    const { user, fake } = await openDialog();
    const languages = group('Language');
    // Each language is named in itself.
    expect(within(languages).getByRole('radio', { name: 'English' })).toHaveProperty('checked', false);
    await user.click(within(languages).getByRole('radio', { name: '简体中文' }));
    expect(fake.callsTo('settings.update')).toEqual([{ language: 'zh-CN' }]);
    // The same dialog, re-rendered: the focus stays in it.
    expect((await screen.findByRole('dialog', { name: '设置' })).contains(document.activeElement)).toBe(true);
    expect(screen.queryByRole('dialog', { name: 'Settings' })).toBeNull();
    expect(screen.getByRole('checkbox', { name: '暂停通知' })).toHaveProperty('checked', false);
    expect(within(group('语言')).getByRole('radio', { name: '简体中文' })).toHaveProperty('checked', true);
    expect(within(group('语言')).getByRole('radio', { name: 'English' })).toHaveProperty('checked', false);
  });

  it('theme Dark sets the page theme', async () => {
    const { user, fake } = await openDialog({ ...DEFAULT_APP_SETTINGS, theme: 'light' });
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('light'));
    await user.click(within(group('Theme')).getByRole('radio', { name: 'Dark' }));
    expect(fake.callsTo('settings.update')).toEqual([{ theme: 'dark' }]);
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('dark'));
  });

  it('shows why a change was refused, and keeps showing what main holds', async () => {
    const { user, fake } = await openDialog();
    fake.answer('settings.update', () => fail('invalid-input', 'The settings file could not be written.'));
    await user.click(within(group('Theme')).getByRole('radio', { name: 'Dark' }));
    expect((await screen.findByRole('alert')).textContent).toContain(
      'The settings file could not be written.',
    );
    expect(within(group('Theme')).getByRole('radio', { name: 'Same as the system' })).toHaveProperty(
      'checked',
      true,
    );
  });

  it('follows changes made elsewhere (another window)', async () => {
    const { fake } = await openDialog();
    fake.emit('settingsChanges', { ...DEFAULT_APP_SETTINGS, pollCadence: 'fast' });
    await waitFor(() => expect(screen.getByRole('radio', { name: 'Fast' })).toHaveProperty('checked', true));
  });
});
