// @vitest-environment jsdom
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/renderer/App';
import { useServersStore } from '../../src/renderer/stores/servers-store';
import { useUiStore } from '../../src/renderer/stores/ui-store';
import { conversation, serverView } from './support/fixtures';
import { renderWithBridge } from './support/render-app';

describe('the app shell', () => {
  it('shows the toolbar with accessible names, and Esc closes a dialog opened from it', async () => {
    const user = userEvent.setup();
    renderWithBridge(<App />, {}, { sync: false });
    expect(screen.getByRole('button', { name: 'New conversation' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Pending actions (0)' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    expect(screen.getByRole('dialog', { name: 'Settings' })).toBeTruthy();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('speaks Simplified Chinese when the setting says so', async () => {
    renderWithBridge(
      <App />,
      {
        settings: {
          ...(await import('../../src/shared/settings-schema')).DEFAULT_APP_SETTINGS,
          language: 'zh-CN',
        },
      },
      { sync: false },
    );
    await waitFor(() => expect(screen.getByRole('button', { name: '新建会话' })).toBeTruthy());
    expect(document.documentElement.lang).toBe('zh-CN');
  });

  it('opens dialogs from the keyboard: Ctrl+N new conversation, Ctrl+, settings', async () => {
    const user = userEvent.setup();
    renderWithBridge(<App />, {}, { sync: false });
    await user.keyboard('{Control>}n{/Control}');
    expect(screen.getByRole('dialog', { name: 'New conversation' })).toBeTruthy();
    await user.keyboard('{Escape}{Control>},{/Control}');
    expect(screen.getByRole('dialog', { name: 'Settings' })).toBeTruthy();
  });

  it('shows the offline banner when a server stops answering', async () => {
    const { fake } = renderWithBridge(
      <App />,
      {
        servers: [serverView()],
      },
      { sync: false },
    );
    await waitFor(() => expect(useServersStore.getState().loaded).toBe(true));
    expect(screen.queryByRole('alert')).toBeNull();
    fake.emit('serverHealth', { serverId: 's1', state: 'offline', lastOkAt: null, problem: null });
    expect((await screen.findByRole('alert')).textContent).toMatch(/offline/i);
  });

  it('opens the conversation a notification click names (navigate), closing any dialog', async () => {
    const user = userEvent.setup();
    const target = conversation({ id: 'feedface', title: 'Notified conversation' });
    const { fake } = renderWithBridge(
      <App />,
      { servers: [serverView({ id: 's1' })], conversations: [conversation(), target] },
      { sync: false },
    );
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    fake.emit('navigate', { to: 'conversation', ref: { serverId: 's1', id: 'feedface', version: 'V1' } });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(useUiStore.getState().openKey).toBe('s1/feedface');
    expect(await screen.findByRole('heading', { name: 'Notified conversation' })).toBeTruthy();
    fake.emit('navigate', { to: 'list' });
    await waitFor(() => expect(useUiStore.getState().openKey).toBeNull());
  });
});
