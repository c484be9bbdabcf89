// @vitest-environment jsdom
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { OutboxItemView } from '../../src/shared/outbox';
import { NewConversationDialog } from '../../src/renderer/screens/new-conversation/NewConversationDialog';
import { useServersStore } from '../../src/renderer/stores/servers-store';
import { useUiStore } from '../../src/renderer/stores/ui-store';
import { description, shown } from './support/a11y';
import { type FakeBridge, ok } from './support/fake-bridge';
import { outboxItem, serverView } from './support/fixtures';
import { renderWithBridge } from './support/render-app';

const server = (id: string, name: string) => serverView({ id, name, baseUrl: `http://${id}.test` });
const SERVERS = [server('s1', 'Local'), server('s2', 'Team box')];

const createItem = (overrides: Partial<OutboxItemView> = {}): OutboxItemView =>
  outboxItem({
    id: 'item-1',
    kind: 'create',
    tempId: 'temp-1',
    summary: 'Create',
    detail: 'Fix the tests',
    enqueuedAt: Date.now(),
    ...overrides,
  });

async function renderDialog(servers = SERVERS) {
  const onClose = vi.fn();
  const result = renderWithBridge(<NewConversationDialog onClose={onClose} />, { servers });
  await waitFor(() => expect(useServersStore.getState().loaded).toBe(true));
  return { ...result, onClose };
}

/** Fills the form, starts, and answers the enqueue with an item carrying the create's temp id. */
async function start(fake: FakeBridge, message = 'Fix the tests'): Promise<OutboxItemView> {
  const user = userEvent.setup();
  let item = createItem();
  fake.answer('outbox.enqueue', (input) => {
    item = createItem({ tempId: (input as { tempId: string }).tempId });
    return ok(item);
  });
  await user.type(screen.getByRole('textbox', { name: 'Message' }), message);
  await user.click(screen.getByRole('button', { name: 'Start' }));
  await screen.findByRole('progressbar', { name: 'Starting conversation' });
  return item;
}

describe('the New conversation dialog', () => {
  it('queues a create with the typed fields, leaving out empty optional ones', async () => {
    const user = userEvent.setup();
    const { fake } = await renderDialog();
    fake.answer('outbox.enqueue', () => ok(createItem()));
    const dialog = screen.getByRole('dialog', { name: 'New conversation' });
    await user.type(
      within(dialog).getByRole('textbox', { name: 'Message' }),
      '  Fix the tests{Enter}then lint  ',
    );
    await user.type(within(dialog).getByRole('textbox', { name: 'Repository' }), 'acme/widgets');
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'Server' }), 's2');
    await user.selectOptions(within(dialog).getByRole('combobox', { name: 'Agent' }), 'plan');
    await user.click(within(dialog).getByRole('button', { name: 'Start' }));

    await waitFor(() => expect(fake.callsTo('outbox.enqueue')).toHaveLength(1));
    const [action] = fake.callsTo('outbox.enqueue') as [{ tempId: string }];
    expect(action).toEqual({
      kind: 'create',
      serverId: 's2',
      tempId: expect.any(String) as string,
      request: {
        initialMessage: 'Fix the tests\nthen lint',
        selectedRepository: 'acme/widgets',
        agentType: 'plan',
      },
    });
    expect(action.tempId.length).toBeGreaterThan(8);
  });

  it('defaults to the first server and sends the branch when given; Ctrl+Enter starts', async () => {
    const user = userEvent.setup();
    const { fake } = await renderDialog();
    fake.answer('outbox.enqueue', () => ok(createItem()));
    await user.type(screen.getByRole('textbox', { name: 'Branch' }), 'main');
    await user.type(screen.getByRole('textbox', { name: 'Message' }), 'Go');
    await user.keyboard('{Control>}{Enter}{/Control}');
    await waitFor(() => expect(fake.callsTo('outbox.enqueue')).toHaveLength(1));
    expect(fake.callsTo('outbox.enqueue')[0]).toMatchObject({
      serverId: 's1',
      request: { initialMessage: 'Go', selectedBranch: 'main', agentType: 'default' },
    });
  });

  it('asks for a message instead of starting with none', async () => {
    const user = userEvent.setup();
    const { fake } = await renderDialog([server('s1', 'Local')]);
    expect(screen.queryByRole('combobox', { name: 'Server' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Start' }));
    // The error is tied to the field, so a screen reader reads it with the field.
    expect(description(screen.getByRole('textbox', { name: 'Message' }))).toMatch(
      /^Write a message for the agent\. /,
    );
    expect(screen.getByRole('textbox', { name: 'Message' }).getAttribute('aria-invalid')).toBe('true');
    expect(fake.callsTo('outbox.enqueue')).toHaveLength(0);
  });

  it('shows the bridge refusing the create, and stays on the form', async () => {
    const user = userEvent.setup();
    const { fake } = await renderDialog();
    fake.answer('outbox.enqueue', () => ({ ok: false, error: { code: 'invalid', message: 'Bad input' } }));
    await user.type(screen.getByRole('textbox', { name: 'Message' }), 'Go');
    await user.click(screen.getByRole('button', { name: 'Start' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Could not queue the conversation: Bad input',
    );
    expect(screen.getByRole('button', { name: 'Start' })).toHaveProperty('disabled', false);
    expect(screen.getByRole<HTMLTextAreaElement>('textbox', { name: 'Message' }).value).toBe('Go');
  });

  it('shows the start progress step by step, then opens the conversation and closes', async () => {
    const { fake, onClose } = await renderDialog();
    const item = await start(fake);
    const bar = screen.getByRole('progressbar', { name: 'Starting conversation' });
    expect(bar.getAttribute('value')).toBeNull(); // indeterminate until the start task reports
    expect(screen.getByText('Waiting its turn…').getAttribute('aria-live')).toBe('polite');

    act(() =>
      fake.emit('outboxChanges', {
        ...item,
        state: 'sending',
        start: { status: 'WAITING_FOR_SANDBOX', step: 2, totalSteps: 8, detail: null },
      }),
    );
    expect(bar.getAttribute('value')).toBe('2');
    expect(bar.getAttribute('max')).toBe('8');
    expect(screen.getByText('Step 2 of 8: Waiting for the sandbox').getAttribute('aria-live')).toBe('polite');

    act(() =>
      fake.emit('outboxChanges', {
        ...item,
        state: 'sending',
        start: { status: 'WARMING_UP_GPUS', step: 3, totalSteps: 8, detail: null },
      }),
    );
    expect(screen.getByText('Step 3 of 8: WARMING_UP_GPUS').getAttribute('aria-live')).toBe('polite');
    expect(screen.queryByText('Step 2 of 8: Waiting for the sandbox')).toBeNull();
    expect(onClose).not.toHaveBeenCalled();

    act(() =>
      fake.emit('outboxChanges', {
        ...item,
        state: 'done',
        start: { status: 'READY', step: 8, totalSteps: 8, detail: null },
        created: { serverId: 's1', id: 'ABCD-1234', version: 'V1' },
      }),
    );
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(useUiStore.getState().openKey).toBe('s1/abcd1234');
  });

  it('says a queued create starts when its server is back', async () => {
    const { fake } = await renderDialog();
    const item = await start(fake);
    act(() => fake.emit('outboxChanges', { ...item, waiting: 'offline' }));
    expect(
      screen
        .getByText('The server cannot be reached. The conversation will start when it is back.')
        .getAttribute('aria-live'),
    ).toBe('polite');
  });

  it('shows a failed start with its detail, and Retry / Cancel ask the bridge', async () => {
    const user = userEvent.setup();
    const { fake } = await renderDialog();
    fake.answer('outbox.retry', () => ok(true));
    fake.answer('outbox.cancel', () => ok(true));
    const item = await start(fake);
    act(() =>
      fake.emit('outboxChanges', {
        ...item,
        state: 'failed',
        canRetry: true,
        error: { kind: 'server-error', message: 'The sandbox did not start.' },
        start: { status: 'ERROR', step: 2, totalSteps: 8, detail: 'Image pull failed' },
      }),
    );
    const alert = screen.getByRole('alert');
    // What failed, the failure, then its detail, and nothing else in the alert.
    expect([...alert.children].map((line) => line.textContent)).toEqual([
      'The conversation could not start.',
      'The sandbox did not start.',
      'Image pull failed',
    ]);

    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(fake.callsTo('outbox.retry')).toEqual([{ id: 'item-1' }]);
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(fake.callsTo('outbox.cancel')).toEqual([{ id: 'item-1' }]);

    // Once main reports it cancelled, the form is back with what was typed.
    act(() => fake.emit('outboxChanges', { ...item, state: 'cancelled' }));
    expect(screen.getByRole<HTMLTextAreaElement>('textbox', { name: 'Message' }).value).toBe('Fix the tests');
  });

  // Regression guard (issue 15.4): a failed start read "Step 0 of 8: Failed" and showed the task's detail
  // three times (the message, main's error composed from it, and the detail itself).
  it('shows a failed start task as Error at the step it stopped, with its detail once', async () => {
    const { fake } = await renderDialog();
    const item = await start(fake);
    act(() =>
      fake.emit('outboxChanges', {
        ...item,
        state: 'failed',
        canRetry: true,
        error: { kind: 'server-error', message: 'The conversation could not start: No space left on node.' },
        start: { status: 'ERROR', step: 3, totalSteps: 8, detail: 'No space left on node' },
      }),
    );
    expect(screen.getByText('Step 3 of 8: Error')).toBeInstanceOf(HTMLElement);
    const bar = screen.getByRole('progressbar', { name: 'Starting conversation' });
    expect(bar.getAttribute('aria-valuenow')).toBe('3');
    expect(screen.getAllByText(/No space left on node/)).toHaveLength(1);
  });

  it('with no servers, explains and offers the Servers dialog', async () => {
    const user = userEvent.setup();
    await renderDialog([]);
    expect(shown(screen.getByText('Conversations run on an OpenHands server. Add one first.'))).toBe(true);
    expect(screen.queryByRole('button', { name: 'Start' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Set up a server' }));
    expect(useUiStore.getState().dialog).toBe('servers');
  });
});
