// @vitest-environment jsdom
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/renderer/App';
import { useAppStore } from '../../src/renderer/stores/app-store';
import { useConnectionStore } from '../../src/renderer/stores/connection-store';
import { useServersStore } from '../../src/renderer/stores/servers-store';
import { useUiStore } from '../../src/renderer/stores/ui-store';
import { conversation, serverView } from './support/fixtures';
import { ok } from './support/fake-bridge';
import { renderWithBridge } from './support/render-app';

describe('the app shell', () => {
  it('shows the toolbar with accessible names, and Esc closes a dialog opened from it', async () => {
    const user = userEvent.setup();
    renderWithBridge(<App />, {}, { sync: false });
    expect(screen.getByRole('button', { name: 'New conversation' })).toHaveProperty('disabled', false);
    expect(screen.getByRole('button', { name: 'Pending actions (0)' })).toHaveProperty('disabled', false);
    await user.click(screen.getByRole('button', { name: 'Settings' }));
    // The dialog took the focus, so the Esc below reaches it.
    expect(screen.getByRole('dialog', { name: 'Settings' }).contains(document.activeElement)).toBe(true);
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
    await waitFor(() =>
      expect(screen.getByRole('button', { name: '新建会话' })).toHaveProperty('disabled', false),
    );
    expect(screen.queryByRole('button', { name: 'New conversation' })).toBeNull();
    expect(document.documentElement.lang).toBe('zh-CN');
  });

  it('opens dialogs from the keyboard: Ctrl+N new conversation, Ctrl+, settings', async () => {
    const user = userEvent.setup();
    renderWithBridge(<App />, {}, { sync: false });
    await user.keyboard('{Control>}n{/Control}');
    expect(screen.getByRole('dialog', { name: 'New conversation' }).contains(document.activeElement)).toBe(
      true,
    );
    await user.keyboard('{Escape}{Control>},{/Control}');
    expect(screen.getAllByRole('dialog')).toHaveLength(1);
    expect(screen.getByRole('dialog', { name: 'Settings' }).contains(document.activeElement)).toBe(true);
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

  // Issue 15, finding 8: a read-only data folder at start was only in the log; the window now says it.
  it('says plainly when the app started read-only (or on a full disk), in both languages', async () => {
    const { fake } = renderWithBridge(<App />, {}, { sync: false });
    fake.answer('app.info', () =>
      ok({
        name: 'OpenHands Desktop',
        version: '0.0.0',
        platform: 'linux',
        storage: { kind: 'read-only', message: 'cannot write /data' },
      }),
    );
    await useAppStore.getState().load();
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toMatch(/^Read-only: the app’s data folder cannot be written\./);
    expect(alert.textContent).toContain('Nothing saved is lost.');
    useAppStore.setState({
      info: { name: 'x', version: '0', platform: 'linux', storage: { kind: 'disk-full', message: '' } },
    });
    expect((await screen.findByRole('alert')).textContent).toMatch(/^The disk is full/);
  });

  // Issue 15, finding 9: when the app behind the page was gone, the page showed nothing.
  it('shows the connection banner while main is lost or not answering, and reads everything again after', async () => {
    const { fake } = renderWithBridge(<App />, {}, { sync: false });
    await waitFor(() => expect(useServersStore.getState().loaded).toBe(true));
    expect(screen.queryByRole('alert')).toBeNull();
    useConnectionStore.getState().set('connected');
    useConnectionStore.getState().set('lost');
    expect((await screen.findByRole('alert')).textContent).toMatch(/^The app is not running/);
    useConnectionStore.getState().set('not-answering');
    expect((await screen.findByRole('alert')).textContent).toMatch(/^The app is not answering/);
    const before = fake.calls.filter((c) => c.method === 'servers.list').length;
    useConnectionStore.getState().set('connected');
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    await waitFor(() =>
      expect(fake.calls.filter((c) => c.method === 'servers.list').length).toBe(before + 1),
    );
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
    // Open in the detail pane, not just named in the list.
    expect(
      (await screen.findByRole('heading', { name: 'Notified conversation' })).closest('main'),
    ).not.toBeNull();
    fake.emit('navigate', { to: 'list' });
    await waitFor(() => expect(useUiStore.getState().openKey).toBeNull());
  });
});
