// @vitest-environment jsdom
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { TrackedConversation } from '../../src/shared/live';
import { ConversationList } from '../../src/renderer/screens/conversations/ConversationList';
import { useUiStore } from '../../src/renderer/stores/ui-store';
import { shown } from './support/a11y';
import { ok } from './support/fake-bridge';
import { conversation, outboxItem, serverView } from './support/fixtures';
import { stubLayout } from './support/layout';
import { renderWithBridge } from './support/render-app';

// 600px high ≈ 11 rows.
stubLayout({ clientHeight: 600, clientWidth: 380, offsetHeight: 600, offsetWidth: 380 });

const server = (id: string, name: string) => serverView({ id, name, baseUrl: `http://${id}.test` });
const SERVERS = [server('s1', 'Local'), server('s2', 'Team box')];

function listed(
  id: string,
  title: string,
  minutesAgo: number,
  extra: Partial<TrackedConversation> = {},
): TrackedConversation {
  const at = new Date(Date.now() - minutesAgo * 60_000).toISOString();
  return conversation({ id, title, createdAt: at, updatedAt: at, ...extra });
}

const CONVERSATIONS = [
  listed('aa01', 'Fix the flaky tests', 30, { status: 'finished' }),
  listed('aa02', 'Deploy the docs site', 2, { serverId: 's2', version: 'V0' }),
  listed('aa03', 'Refactor the parser', 120, { status: 'error' }),
];

const rowTitles = (): string[] =>
  within(screen.getByRole('list', { name: 'Conversations' }))
    .getAllByRole('listitem')
    .map((row) => row.querySelector('.conversation-title')?.textContent ?? '');

function renderList(state: Parameters<typeof renderWithBridge>[1] = {}) {
  return renderWithBridge(<ConversationList />, { servers: SERVERS, conversations: CONVERSATIONS, ...state });
}

describe('the conversation list', () => {
  it('lists every conversation newest first, with its server, status and last activity', async () => {
    renderList();
    await waitFor(() => expect(rowTitles()).toHaveLength(3));
    expect(rowTitles()).toEqual(['Deploy the docs site', 'Fix the flaky tests', 'Refactor the parser']);
    const rows = within(screen.getByRole('list', { name: 'Conversations' })).getAllByRole('listitem');
    const first = within(rows[0] as HTMLElement);
    // Each in its own slot of the row, the status badge coloured for that status.
    expect(first.getByText('Team box').className).toBe('conversation-server');
    expect(first.getByText('Running').className).toBe('status-badge status-running');
    expect(first.getByText('2 min. ago').className).toBe('conversation-time');
    expect(within(rows[1] as HTMLElement).getByText('Finished').className).toBe(
      'status-badge status-finished',
    );
    expect(within(rows[2] as HTMLElement).getByText('Error').className).toBe('status-badge status-error');
    expect(within(rows[2] as HTMLElement).getByText('2 hr. ago').className).toBe('conversation-time');
    expect(screen.getByText('3 conversations').getAttribute('aria-live')).toBe('polite');
  });

  it('filters by a case-insensitive title search, and says when nothing matches', async () => {
    const user = userEvent.setup();
    renderList();
    await waitFor(() => expect(rowTitles()).toHaveLength(3));
    await user.type(screen.getByRole('searchbox', { name: 'Search conversations' }), 'THE D');
    await waitFor(() => expect(rowTitles()).toEqual(['Deploy the docs site']));
    expect(screen.getByText('1 of 3 conversations').getAttribute('aria-live')).toBe('polite');
    await user.type(screen.getByRole('searchbox', { name: 'Search conversations' }), 'zzz');
    expect(shown(await screen.findByText('No conversations match your search or filters.'))).toBe(true);
    expect(
      within(screen.getByRole('list', { name: 'Conversations' })).queryAllByRole('listitem'),
    ).toHaveLength(0);
    await user.click(screen.getByRole('button', { name: 'Clear search and filters' }));
    await waitFor(() => expect(rowTitles()).toHaveLength(3));
  });

  it('filters by status and by server', async () => {
    const user = userEvent.setup();
    renderList();
    await waitFor(() => expect(rowTitles()).toHaveLength(3));
    await user.selectOptions(screen.getByLabelText('Status'), 'error');
    await waitFor(() => expect(rowTitles()).toEqual(['Refactor the parser']));
    await user.selectOptions(screen.getByLabelText('Status'), 'all');
    await user.selectOptions(screen.getByLabelText('Server'), 's2');
    await waitFor(() => expect(rowTitles()).toEqual(['Deploy the docs site']));
  });

  it('hides the server filter when there is only one server', async () => {
    renderList({
      servers: [server('s1', 'Local')],
      conversations: [CONVERSATIONS[0] as TrackedConversation],
    });
    await waitFor(() => expect(rowTitles()).toHaveLength(1));
    expect(screen.queryByLabelText('Server')).toBeNull();
    expect(screen.getByText('1 conversation').getAttribute('aria-live')).toBe('polite');
  });

  it('with no servers, offers to open the Servers dialog', async () => {
    const user = userEvent.setup();
    renderList({ servers: [], conversations: [] });
    expect(shown(await screen.findByText('Add a server to see its conversations'))).toBe(true);
    await user.click(screen.getByRole('button', { name: 'Set up a server' }));
    expect(useUiStore.getState().dialog).toBe('servers');
  });

  it('says so when a server has no conversations yet', async () => {
    renderList({ conversations: [] });
    expect(shown(await screen.findByText('No conversations yet.'))).toBe(true);
    expect(screen.queryByText('Add a server to see its conversations')).toBeNull();
  });

  it('keeps the DOM bounded with 10,000 conversations, and searches them', async () => {
    const user = userEvent.setup();
    const many = Array.from({ length: 10_000 }, (_, i) =>
      listed(`c${i.toString(16).padStart(6, '0')}`, `Task number ${i}`, i),
    );
    renderList({ conversations: many });
    expect((await screen.findByText('10,000 conversations')).getAttribute('aria-live')).toBe('polite');
    const rows = within(screen.getByRole('list', { name: 'Conversations' })).getAllByRole('listitem');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(100);
    expect(rowTitles()[0]).toBe('Task number 0');
    await user.type(screen.getByRole('searchbox', { name: 'Search conversations' }), 'number 9999');
    await waitFor(() => expect(rowTitles()).toEqual(['Task number 9999']));
  });

  it('opens a conversation on click and marks it as the open one', async () => {
    const user = userEvent.setup();
    renderList();
    await user.click(await screen.findByRole('button', { name: 'Fix the flaky tests' }));
    expect(useUiStore.getState().openKey).toBe('s1/aa01');
    expect(screen.getByRole('button', { name: 'Fix the flaky tests' }).getAttribute('aria-current')).toBe(
      'true',
    );
  });

  it('moves between rows with the arrow keys and opens with Enter', async () => {
    const user = userEvent.setup();
    renderList();
    const first = await screen.findByRole('button', { name: 'Deploy the docs site' });
    first.focus();
    await user.keyboard('{ArrowDown}');
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Fix the flaky tests' }));
    await user.keyboard('{Enter}');
    expect(useUiStore.getState().openKey).toBe('s1/aa01');
  });

  it('focuses the search box when asked (Ctrl/Cmd+K)', () => {
    renderList();
    const search = screen.getByRole('searchbox', { name: 'Search conversations' });
    expect(document.activeElement).not.toBe(search);
    act(() => useUiStore.getState().focusSearch());
    expect(document.activeElement).toBe(search);
  });

  it('shows creates still in the outbox as "Starting…" rows at the top', async () => {
    renderList({
      outbox: [
        outboxItem({
          id: 'c1',
          kind: 'create',
          tempId: 't1',
          detail: 'Write a README',
          state: 'sending',
          enqueuedAt: Date.now(),
        }),
      ],
    });
    await waitFor(() => expect(rowTitles()).toHaveLength(4));
    expect(rowTitles()[0]).toBe('Write a README');
    const top = within(screen.getByRole('list', { name: 'Conversations' })).getAllByRole('listitem')[0];
    expect(within(top as HTMLElement).getByText('Starting…').className).toBe('status-badge status-starting');
  });

  // Regression guard (issue 15.4): a failed start read "Could not start" and was found only under Starting.
  it('lists a create whose start failed as Error, under the Error filter and not under Starting', async () => {
    const user = userEvent.setup();
    renderList({
      outbox: [
        outboxItem({
          id: 'c2',
          kind: 'create',
          tempId: 't2',
          detail: 'Broken start',
          state: 'failed',
          start: {
            status: 'ERROR',
            step: 3,
            totalSteps: 8,
            detail: 'No space',
          },
          enqueuedAt: Date.now(),
        }),
      ],
    });
    await waitFor(() => expect(rowTitles()).toHaveLength(4));
    const top = within(screen.getByRole('list', { name: 'Conversations' })).getAllByRole('listitem')[0]!;
    expect(within(top).getByText('Error').className).toContain('status-error');
    await user.selectOptions(screen.getByLabelText('Status'), 'error');
    await waitFor(() => expect(rowTitles()).toEqual(['Broken start', 'Refactor the parser']));
    await user.selectOptions(screen.getByLabelText('Status'), 'starting');
    await waitFor(() => expect(screen.queryAllByRole('listitem')).toHaveLength(0));
  });

  it('deletes the selected conversations after a confirmation, one outbox action each', async () => {
    const user = userEvent.setup();
    const { fake } = renderList();
    fake.answer('outbox.enqueue', () => ok(outboxItem({ kind: 'delete' })));
    await user.click(await screen.findByRole('button', { name: 'Deploy the docs site' }));
    await user.click(screen.getByRole('checkbox', { name: 'Select Deploy the docs site' }));
    await user.click(screen.getByRole('checkbox', { name: 'Select Refactor the parser' }));
    expect(screen.getByText('2 selected').getAttribute('aria-live')).toBe('polite');

    await user.click(screen.getByRole('button', { name: 'Delete' }));
    const dialog = screen.getByRole('dialog', { name: 'Delete 2 conversations?' });
    expect(fake.callsTo('outbox.enqueue')).toHaveLength(0);
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(fake.callsTo('outbox.enqueue')).toEqual([
      { kind: 'delete', ref: { serverId: 's2', id: 'aa02', version: 'V0' } },
      { kind: 'delete', ref: { serverId: 's1', id: 'aa03', version: 'V1' } },
    ]);
    expect(useUiStore.getState().selected.size).toBe(0);
    expect(screen.queryByText('2 selected')).toBeNull();
    // The open conversation was among them: it closes.
    expect(useUiStore.getState().openKey).toBeNull();
  });

  it('stops the selected conversations after a confirmation, and Cancel queues nothing', async () => {
    const user = userEvent.setup();
    const { fake } = renderList();
    fake.answer('outbox.enqueue', () => ok(outboxItem({ kind: 'stop' })));
    await user.click(await screen.findByRole('checkbox', { name: 'Select Fix the flaky tests' }));
    await user.click(screen.getByRole('button', { name: 'Stop' }));
    await user.click(
      within(screen.getByRole('dialog', { name: 'Stop 1 conversation?' })).getByRole('button', {
        name: 'Cancel',
      }),
    );
    expect(fake.callsTo('outbox.enqueue')).toHaveLength(0);
    expect(screen.getByText('1 selected').getAttribute('aria-live')).toBe('polite');

    await user.click(screen.getByRole('button', { name: 'Stop' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Stop' }));
    await waitFor(() =>
      expect(fake.callsTo('outbox.enqueue')).toEqual([
        { kind: 'stop', ref: { serverId: 's1', id: 'aa01', version: 'V1' } },
      ]),
    );
    expect(useUiStore.getState().selected.size).toBe(0);
  });

  it('says when the bridge refuses to queue a bulk action', async () => {
    const user = userEvent.setup();
    const { fake } = renderList();
    fake.answer('outbox.enqueue', () => ({ ok: false, error: { code: 'invalid', message: 'Nope' } }));
    await user.click(await screen.findByRole('checkbox', { name: 'Select Fix the flaky tests' }));
    await user.click(screen.getByRole('button', { name: 'Delete' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Could not queue 1 of 1: Nope');
  });

  it('drops selected conversations that disappear', async () => {
    const user = userEvent.setup();
    const { fake } = renderList();
    await user.click(await screen.findByRole('checkbox', { name: 'Select Fix the flaky tests' }));
    await user.click(screen.getByRole('checkbox', { name: 'Select Refactor the parser' }));
    act(() => fake.emit('statusChanges', { changed: [], removed: ['s1/aa01'], at: Date.now() }));
    await waitFor(() => expect([...useUiStore.getState().selected]).toEqual(['s1/aa03']));
    expect(screen.getByText('1 selected').getAttribute('aria-live')).toBe('polite');
    expect(screen.getByRole('checkbox', { name: 'Select Refactor the parser' })).toHaveProperty(
      'checked',
      true,
    );
  });
});
