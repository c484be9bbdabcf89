// @vitest-environment jsdom
// "Update ready — restart": shown when main has a verified download; Restart asks main, which waits while an
// action is being sent. Background checks that found nothing stay silent; the user's own check is answered.
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { UpdateBanner } from '../../src/renderer/components/UpdateBanner';
import { useUpdateStore } from '../../src/renderer/stores/update-store';
import { DEFAULT_APP_SETTINGS } from '../../src/shared/settings-schema';
import type { UpdateState } from '../../src/shared/updates';
import { ok } from './support/fake-bridge';
import { renderWithBridge } from './support/render-app';

const ready: UpdateState = { phase: 'ready', version: '0.2.0', waitingForOutbox: false };

describe('the update banner', () => {
  it('offers a restart into a downloaded update, and says it waits while an action is being sent', async () => {
    const user = userEvent.setup();
    const { fake } = renderWithBridge(<UpdateBanner />);
    fake.answer('updates.state', () => ok(ready));
    await useUpdateStore.getState().load();
    const banner = await screen.findByRole('status', { name: 'Updates' });
    expect(banner.textContent).toBe('Update ready: version 0.2.0. Restart to use it.Restart');
    fake.answer('updates.restart', () => ok({ ...ready, waitingForOutbox: true }));
    await user.click(screen.getByRole('button', { name: 'Restart' }));
    expect(fake.callsTo('updates.restart')).toHaveLength(1);
    await waitFor(() =>
      expect(screen.getByRole('status', { name: 'Updates' }).textContent).toBe(
        'Restarting once the action being sent has reached its server…',
      ),
    );
    expect(screen.queryByRole('button', { name: 'Restart' })).toBeNull();
  });

  it('stays silent after a background check, and answers the user’s own check until dismissed', async () => {
    const user = userEvent.setup();
    const { fake } = renderWithBridge(<UpdateBanner />);
    // The first read (a build that cannot update) is in before the events below.
    await useUpdateStore.getState().load();
    fake.emit('updateState', { phase: 'checking', manual: false });
    fake.emit('updateState', { phase: 'idle', checkedAt: 1, manual: false });
    expect(screen.queryByRole('status')).toBeNull();
    fake.emit('updateState', { phase: 'checking', manual: true });
    expect((await screen.findByRole('status')).textContent).toBe('Checking for updates…');
    fake.emit('updateState', { phase: 'idle', checkedAt: 2, manual: true });
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('is up to date.'));
    await user.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('status')).toBeNull();
    fake.emit('updateState', { phase: 'downloading', version: '0.3.0', percent: 41.6 });
    expect((await screen.findByRole('status')).textContent).toBe('Downloading update 0.3.0: 42%');
  });

  it('speaks Simplified Chinese', async () => {
    const { fake } = renderWithBridge(<UpdateBanner />, {
      settings: { ...DEFAULT_APP_SETTINGS, language: 'zh-CN' },
    });
    fake.answer('updates.state', () => ok(ready));
    await useUpdateStore.getState().load();
    await waitFor(() =>
      expect(screen.getByRole('status', { name: '更新' }).textContent).toBe(
        '更新已就绪：版本 0.2.0。重新启动即可使用。重新启动',
      ),
    );
    expect(screen.getByRole('button', { name: '重新启动' }).tagName).toBe('BUTTON');
  });
});
