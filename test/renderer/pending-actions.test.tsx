// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { PendingActionsDialog } from '../../src/renderer/screens/outbox/PendingActionsDialog';
import { useOutboxStore } from '../../src/renderer/stores/outbox-store';
import type { OutboxItemView } from '../../src/shared/outbox';
import { shown } from './support/a11y';
import { ok } from './support/fake-bridge';
import { conversation, outboxItem, serverView } from './support/fixtures';
import { renderWithBridge } from './support/render-app';

const server = serverView();

const waiting = (id: string, title: string) =>
  conversation({ id, title, executionStatus: 'idle', status: 'waiting-for-input' });

let seq = 0;
const item = (overrides: Partial<OutboxItemView>): OutboxItemView =>
  outboxItem({
    id: `o${++seq}`,
    conversationKey: 's1/aaa',
    summary: 'Send: hello',
    detail: 'hello',
    enqueuedAt: seq,
    ...overrides,
  });

async function openDialog(outbox: OutboxItemView[]) {
  const user = userEvent.setup();
  const rendered = renderWithBridge(<PendingActionsDialog onClose={() => {}} />, {
    servers: [server],
    conversations: [waiting('aaa', 'Fix the tests'), waiting('bbb', 'Write docs')],
    outbox,
  });
  await waitFor(() => expect(Object.keys(useOutboxStore.getState().items)).toHaveLength(outbox.length));
  return { user, ...rendered };
}

describe('the Pending actions dialog', () => {
  it('says when nothing is waiting', async () => {
    await openDialog([]);
    const dialog = screen.getByRole('dialog', { name: 'Pending actions' });
    expect(dialog.textContent).toContain('Nothing is waiting to be sent.');
    expect(within(dialog).queryByRole('button', { name: 'Retry all failed' })).toBeNull();
  });

  it('groups items by conversation, with its title and server; creates under "New conversation"', async () => {
    await openDialog([
      item({ id: 'a1', detail: 'first' }),
      item({ id: 'b1', conversationKey: 's1/bbb', kind: 'rename', detail: 'Docs v2' }),
      item({ id: 'a2', detail: 'second' }),
      item({ id: 'c1', kind: 'create', conversationKey: null, tempId: 't1', detail: 'Build a thing' }),
    ]);
    const first = await screen.findByRole('region', { name: 'Fix the tests' });
    expect(
      within(first)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([expect.stringContaining('first'), expect.stringContaining('second')]);
    expect(first.textContent).toContain('on Local');
    const docs = screen.getByRole('region', { name: 'Write docs' });
    expect(within(docs).getAllByRole('listitem')).toHaveLength(1);
    expect(docs.textContent).toContain('Docs v2');
    const create = screen.getByRole('region', { name: 'New conversation' });
    expect(create.textContent).toContain('Build a thing');
    // Groups in the order their oldest item was queued.
    expect(screen.getAllByRole('heading', { level: 3 }).map((h) => h.textContent)).toEqual([
      'Fix the tests',
      'Write docs',
      'New conversation',
    ]);
  });

  it('Retry asks main to retry that item', async () => {
    const { user, fake } = await openDialog([
      item({
        id: 'f1',
        state: 'failed',
        canRetry: true,
        error: { kind: 'server-error', message: 'Server error 500' },
      }),
    ]);
    fake.answer('outbox.retry', () => ok(true));
    // The reason is shown on the failed item's row.
    expect(screen.getByText('Server error 500').closest('li')?.className).toBe('outbox-row outbox-failed');
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(fake.callsTo('outbox.retry')).toEqual([{ id: 'f1' }]);
  });

  it('Cancel asks main to cancel that item', async () => {
    const { user, fake } = await openDialog([item({ id: 'q1' })]);
    fake.answer('outbox.cancel', () => ok(true));
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(fake.callsTo('outbox.cancel')).toEqual([{ id: 'q1' }]);
  });

  it('shows why an item waits while its server is offline', async () => {
    await openDialog([item({ id: 'w1', waiting: 'offline' })]);
    const row = screen.getByRole('listitem');
    expect(row.textContent).toContain('Queued');
    expect(row.textContent).toContain('Waiting for the server to come back');
  });

  it('Retry all failed retries every item that can be retried, and only those', async () => {
    const { user, fake } = await openDialog([
      item({ id: 'f1', state: 'failed', canRetry: true }),
      item({ id: 'q1' }),
      item({ id: 'u1', conversationKey: 's1/bbb', state: 'uncertain', canRetry: true }),
    ]);
    fake.answer('outbox.retry', () => ok(true));
    await user.click(screen.getByRole('button', { name: 'Retry all failed' }));
    await waitFor(() => expect(fake.callsTo('outbox.retry')).toHaveLength(2));
    expect(fake.callsTo('outbox.retry')).toEqual([{ id: 'f1' }, { id: 'u1' }]);
  });

  it('follows the outbox: a finished item leaves, and the list empties', async () => {
    const pending = item({ id: 'd1' });
    const { fake } = await openDialog([pending]);
    expect(screen.getAllByRole('listitem')).toHaveLength(1);
    fake.emit('outboxChanges', { ...pending, state: 'done', canCancel: false });
    expect(shown(await screen.findByText('Nothing is waiting to be sent.'))).toBe(true);
    expect(screen.queryAllByRole('listitem')).toHaveLength(0);
  });
});
