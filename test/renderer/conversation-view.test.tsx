// @vitest-environment jsdom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ConversationView } from '../../src/renderer/screens/conversation/ConversationView';
import { Timeline } from '../../src/renderer/screens/conversation/Timeline';
import { formatSize } from '../../src/renderer/screens/conversation/format-size';
import { useTimelineStore } from '../../src/renderer/stores/timeline-store';
import { useUiStore } from '../../src/renderer/stores/ui-store';
import { conversationKey } from '../../src/shared/live';
import type { OutboxItemView } from '../../src/shared/outbox';
import { DEFAULT_APP_SETTINGS } from '../../src/shared/settings-schema';
import type { DisplayStatus } from '../../src/shared/status';
import type { TimelineItem } from '../../src/shared/timeline';
import { description, shown } from './support/a11y';
import { fail, type FakeState, ok } from './support/fake-bridge';
import { conversation, outboxItem, serverView } from './support/fixtures';
import { stubLayout } from './support/layout';
import { renderWithBridge } from './support/render-app';

// A 600px-high viewport for the timeline, 60px rows.
stubLayout({ clientHeight: 600, clientWidth: 800, offsetHeight: 60, offsetWidth: 800 });

const SERVER = serverView({ name: 'Local server' });

const tracked = (status: DisplayStatus = 'running') =>
  conversation({ status, repository: 'acme/app', branch: 'main' });

const REF = { serverId: 's1', id: 'abc123', version: 'V1' as const };
const KEY = conversationKey(REF);

let seq = 0;
function item(kind: TimelineItem['kind'], text: string, extra: Partial<TimelineItem> = {}): TimelineItem {
  seq += 1;
  return {
    id: `e${String(seq).padStart(6, '0')}`,
    kind,
    source: 'agent',
    timestamp: `2025-01-01T10:00:${String(seq % 60).padStart(2, '0')}.${String(seq).padStart(6, '0')}`,
    title: '',
    text,
    thought: null,
    actionId: null,
    risk: null,
    truncated: false,
    ...extra,
  };
}

const queued = (extra: Partial<OutboxItemView>): OutboxItemView =>
  outboxItem({ conversationKey: KEY, ...extra });

function open(
  options: {
    status?: DisplayStatus;
    items?: TimelineItem[];
    hasEarlier?: boolean;
    live?: 'live' | 'unsupported';
    state?: Partial<FakeState>;
  } = {},
) {
  const rendered = renderWithBridge(<ConversationView conversationKey={KEY} />, {
    servers: [SERVER],
    conversations: [tracked(options.status)],
    timeline: {
      key: KEY,
      items: options.items ?? [],
      hasEarlier: options.hasEarlier ?? false,
      live: options.live ?? 'live',
    },
    ...options.state,
  });
  rendered.fake.answer('outbox.enqueue', (input) => ok(queued({ summary: JSON.stringify(input) })));
  return rendered;
}

const timeline = (): Promise<HTMLElement> => screen.findByRole('log', { name: 'Timeline' });
const enqueued = (fake: ReturnType<typeof open>['fake']): unknown[] => fake.callsTo('outbox.enqueue');

describe('the conversation view', () => {
  it('shows a loading state until the conversation is known, then opens its timeline', async () => {
    const { fake } = renderWithBridge(<ConversationView conversationKey={KEY} />, {
      servers: [SERVER],
      conversations: [],
      timeline: { key: KEY, items: [item('message', 'Hello there')], hasEarlier: false, live: 'live' },
    });
    expect(screen.getByRole('status').textContent).toBe('Loading conversation…');
    expect(screen.queryByRole('alert')).toBeNull();
    await waitFor(() => expect(fake.callsTo('conversations.list')).toHaveLength(1));
    expect(shown(screen.getByText('Loading conversation…'))).toBe(true);

    act(() => fake.emit('statusChanges', { changed: [tracked()], removed: [], at: 1 }));
    expect(shown(await screen.findByRole('heading', { name: 'Fix the flaky tests' }))).toBe(true);
    expect(screen.queryByText('Loading conversation…')).toBeNull();
    expect(shown(await within(await timeline()).findByText('Hello there'))).toBe(true);
    expect(fake.callsTo('conversations.setOnScreen')).toEqual([REF]);
    expect(fake.callsTo('conversations.timeline')).toEqual([{ ref: REF }]);
  });

  it('shows the header: title, status, server, repository and branch, live state', async () => {
    const { fake } = open();
    const title = await screen.findByRole('heading', { name: 'Fix the flaky tests' });
    expect(title.tagName).toBe('H2');
    const header = title.closest('header') as HTMLElement;
    expect(header.className).toBe('conv-header');
    expect(header.contains(screen.getByText('Running'))).toBe(true);
    expect(header.contains(screen.getByText('Local server'))).toBe(true);
    expect(header.contains(screen.getByText('acme/app · main'))).toBe(true);
    expect(header.contains(await screen.findByText('Live'))).toBe(true);

    act(() => fake.emit('timeline', { key: KEY, items: [], reset: false, live: 'reconnecting' }));
    expect(header.contains(screen.getByText('Reconnecting…'))).toBe(true);
    expect(screen.queryByText('Live')).toBeNull();
    act(() => fake.emit('timeline', { key: KEY, items: [], reset: false, live: 'sandbox-not-running' }));
    expect(header.contains(screen.getByText('Not live'))).toBe(true);
    expect(screen.queryByText('Reconnecting…')).toBeNull();
  });

  it('says a V0 conversation updates every few seconds', async () => {
    open({ live: 'unsupported' });
    const polled = await screen.findByText('Updates every few seconds');
    expect(polled.closest('header')?.className).toBe('conv-header');
    expect(shown(polled)).toBe(true);
  });

  it('tells main the conversation left the screen when it closes', async () => {
    const { fake, unmount } = open();
    await waitFor(() => expect(fake.callsTo('conversations.setOnScreen')).toEqual([REF]));
    unmount();
    await waitFor(() => expect(fake.callsTo('conversations.setOnScreen')).toEqual([REF, null]));
  });

  it("never shows another conversation's events, even for the render before this one opens", async () => {
    useTimelineStore.setState({ key: 's1/previous', items: [item('message', 'From the previous one')] });
    renderWithBridge(<Timeline conversationKey={KEY} />);
    expect(screen.queryByText('From the previous one')).toBeNull();
    const log = await timeline();
    expect(log.getAttribute('aria-busy')).toBe('true');
    expect(within(log).getByText('Loading events…').getAttribute('role')).toBe('status');
  });

  it('speaks Simplified Chinese when the setting says so', async () => {
    open({ state: { settings: { ...DEFAULT_APP_SETTINGS, language: 'zh-CN' } } });
    expect(shown(await screen.findByRole('button', { name: '发送' }))).toBe(true);
    expect(screen.getByRole('textbox', { name: '消息' }).getAttribute('placeholder')).toBe('消息');
    expect(screen.getByLabelText('上传文件')).toHaveProperty('type', 'file');
  });

  describe('timeline', () => {
    it('renders every kind of item', async () => {
      const { container } = open({
        items: [
          item('message', 'Please fix the tests', { source: 'user' }),
          item('message', 'Looking into it', { source: 'agent' }),
          item('action', 'npm test -- --run', {
            title: 'execute_bash',
            thought: 'Run the suite first to see what fails',
            risk: 'LOW',
          }),
          item('observation', '3 tests failed', { title: 'execute_bash', source: 'environment' }),
          item('error', 'The sandbox ran out of memory', { title: 'Agent error' }),
          item('rejection', 'Not now', { source: 'user' }),
          item('pause', '', { source: 'user' }),
          item('other', 'something new', { title: 'CondensationEvent' }),
          item('observation', 'x'.repeat(100), { truncated: true }),
        ],
      });
      const log = await timeline();
      expect(shown(await within(log).findByText('Please fix the tests'))).toBe(true);
      const userMessage = within(log).getByText('Please fix the tests').closest('article');
      const agentMessage = within(log).getByText('Looking into it').closest('article');
      expect(userMessage?.className).toContain('tl-from-user');
      expect(agentMessage?.className).toContain('tl-from-agent');
      expect(
        within(userMessage as HTMLElement)
          .getByText('You')
          .closest('header')?.className,
      ).toBe('tl-head');
      expect(
        within(agentMessage as HTMLElement)
          .getByText('Agent')
          .closest('header')?.className,
      ).toBe('tl-head');

      const command = within(log).getByText('npm test -- --run');
      expect(command.tagName).toBe('PRE');
      expect(within(log).getAllByText('execute_bash')).toHaveLength(2);
      expect(within(log).getByText('Run the suite first to see what fails').className).toContain('muted');
      expect(within(log).getByText('Risk: LOW').closest('article')).toBe(command.closest('article'));
      expect(within(log).getByText('3 tests failed').tagName).toBe('PRE');
      const error = within(log).getByText('The sandbox ran out of memory').closest('article');
      expect(error?.className).toContain('tl-error');
      expect(within(log).getByText('Action rejected').closest('article')?.className).toContain(
        'tl-rejection',
      );
      expect(within(log).getByText('Paused').closest('article')?.className).toContain('tl-pause');
      expect(within(log).getByText('CondensationEvent').closest('article')?.className).toContain('tl-other');
      expect(
        within(log)
          .getByText('The output was cut here; the full text stays on the server.')
          .closest('article'),
      ).toBe(within(log).getByText('x'.repeat(100)).closest('article'));
      expect(container.querySelectorAll('.tl-row')).toHaveLength(9);
    });

    it('folds long output and unfolds it per item', async () => {
      const long = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n');
      const user = userEvent.setup();
      open({ items: [item('observation', long, { title: 'execute_bash' }), item('observation', 'short')] });
      const log = await timeline();
      const output = (): string => log.querySelector('pre')?.textContent ?? '';
      await waitFor(() => expect(output()).toMatch(/^line 1\n/));
      expect(output()).toContain('line 12');
      expect(output()).not.toContain('line 13');
      expect(shown(within(log).getByText('18 more lines'))).toBe(true);
      expect(within(log).getAllByRole('button', { name: 'Show more' })).toHaveLength(1);

      await user.click(within(log).getByRole('button', { name: 'Show more' }));
      expect(output()).toContain('line 30');
      const less = within(log).getByRole('button', { name: 'Show less' });
      expect(less.getAttribute('aria-expanded')).toBe('true');

      await user.click(less);
      expect(output()).not.toContain('line 13');
    });

    it('keeps the DOM bounded with 20,000 items', async () => {
      const items = Array.from({ length: 20_000 }, (_, i) => item('message', `Event number ${i}`));
      const { container } = open({ items });
      await waitFor(() => expect(container.querySelectorAll('.tl-row').length).toBeGreaterThan(0));
      const rows = container.querySelectorAll('.tl-row').length;
      expect(rows).toBeLessThan(60);
      expect(container.querySelectorAll('article').length).toBeLessThan(60);
    });

    it('shows events main pushes while the conversation is on screen', async () => {
      const { fake } = open({ items: [item('message', 'First event')] });
      expect(shown(await within(await timeline()).findByText('First event'))).toBe(true);
      act(() =>
        fake.emit('timeline', {
          key: KEY,
          items: [item('message', 'A pushed event'), item('action', 'ls -la', { title: 'execute_bash' })],
          reset: false,
          live: 'live',
        }),
      );
      expect(shown(await within(await timeline()).findByText('A pushed event'))).toBe(true);
      expect(within(await timeline()).getByText('ls -la').tagName).toBe('PRE');
      // The reader was at the bottom: the view follows, nothing to point at.
      expect(screen.queryByRole('button', { name: 'New events ↓' })).toBeNull();
      // Another conversation's events are not this one's.
      act(() =>
        fake.emit('timeline', {
          key: 's1/other',
          items: [item('message', 'Not mine')],
          reset: false,
          live: 'live',
        }),
      );
      expect(within(await timeline()).queryByText('Not mine')).toBeNull();
    });

    it('says when there are no events yet', async () => {
      open({ items: [] });
      const none = await within(await timeline()).findByText('No events yet');
      expect(shown(none)).toBe(true);
      expect(none.getAttribute('role')).toBeNull();
    });

    it('shows a load error and loads again on request', async () => {
      const user = userEvent.setup();
      const { fake } = renderWithBridge(<ConversationView conversationKey={KEY} />, {
        servers: [SERVER],
        conversations: [tracked()],
        timeline: null,
      });
      const alert = await within(await screen.findByRole('log')).findByRole('alert');
      expect(alert.textContent).toContain('Could not load the events: No timeline in this test.');
      expect(screen.queryByText('No events yet')).toBeNull();

      fake.state.timeline = {
        key: KEY,
        items: [item('message', 'Back again')],
        hasEarlier: false,
        live: 'live',
      };
      await user.click(within(alert).getByRole('button', { name: 'Try again' }));
      expect(shown(await within(await timeline()).findByText('Back again'))).toBe(true);
      expect(screen.queryByRole('alert')).toBeNull();
    });

    it('loads earlier events when scrolled to the top', async () => {
      const items = Array.from({ length: 40 }, (_, i) => item('message', `Recent ${i}`));
      const first = items[0] as TimelineItem;
      const older = [item('message', 'An older event', { timestamp: '2024-12-31T00:00:00' })];
      const { fake } = open({ items, hasEarlier: true });
      fake.answer('conversations.olderEvents', () => ok({ items: older, hasEarlier: false }));
      await within(await timeline()).findByText('Recent 0');
      expect(fake.callsTo('conversations.olderEvents')).toEqual([]);

      fireEvent.scroll(await timeline());
      await waitFor(() =>
        expect(fake.callsTo('conversations.olderEvents')).toEqual([
          { ref: REF, before: { id: first.id, timestamp: first.timestamp } },
        ]),
      );
      // Prepended: the older event is the first row.
      const olderRow = await within(await timeline()).findByText('An older event');
      expect(olderRow.closest('.tl-row')?.getAttribute('data-index')).toBe('0');
    });

    it('fetches earlier events by itself when the timeline is too short to scroll', async () => {
      const { fake } = open({ items: [item('message', 'Only one')], hasEarlier: true });
      fake.answer('conversations.olderEvents', () =>
        ok({ items: [item('message', 'Earlier', { timestamp: '2024-01-01T00:00:00' })], hasEarlier: false }),
      );
      const earlier = await within(await timeline()).findByText('Earlier');
      expect(earlier.closest('.tl-row')?.getAttribute('data-index')).toBe('0');
      expect(fake.callsTo('conversations.olderEvents')).toHaveLength(1);
    });
  });

  describe('composer', () => {
    it('sends with Enter (trimmed), not with Shift+Enter, and clears once queued', async () => {
      const user = userEvent.setup();
      const { fake } = open();
      const box = await screen.findByRole('textbox', { name: 'Message' });
      await user.type(box, '  run the linter');
      await user.keyboard('{Shift>}{Enter}{/Shift}');
      expect(enqueued(fake)).toEqual([]);
      expect((box as HTMLTextAreaElement).value).toBe('  run the linter\n');

      await user.type(box, 'too  ');
      await user.keyboard('{Enter}');
      await waitFor(() =>
        expect(enqueued(fake)).toEqual([{ kind: 'send', ref: REF, text: 'run the linter\ntoo' }]),
      );
      await waitFor(() => expect((box as HTMLTextAreaElement).value).toBe(''));
    });

    it('with the send key set to Ctrl+Enter, Enter makes a new line and Ctrl+Enter sends', async () => {
      const user = userEvent.setup();
      const { fake } = open({ state: { settings: { ...DEFAULT_APP_SETTINGS, sendKey: 'mod-enter' } } });
      const box = await screen.findByRole('textbox', { name: 'Message' });
      await waitFor(() => expect(description(box)).toBe('Ctrl+Enter to send, Enter for a new line'));
      await user.type(box, 'hello{Enter}world');
      expect(enqueued(fake)).toEqual([]);
      expect((box as HTMLTextAreaElement).value).toBe('hello\nworld');
      await user.keyboard('{Control>}{Enter}{/Control}');
      await waitFor(() => expect(enqueued(fake)).toEqual([{ kind: 'send', ref: REF, text: 'hello\nworld' }]));
    });

    it('sends with the Send button; an empty message sends nothing', async () => {
      const user = userEvent.setup();
      const { fake } = open();
      const box = await screen.findByRole('textbox', { name: 'Message' });
      await user.type(box, '   {Enter}');
      expect(enqueued(fake)).toEqual([]);
      await user.type(box, 'go');
      await user.click(screen.getByRole('button', { name: 'Send' }));
      await waitFor(() => expect(enqueued(fake)).toEqual([{ kind: 'send', ref: REF, text: 'go' }]));
    });

    it('does not send while an IME is composing', async () => {
      const { fake } = open();
      const box = await screen.findByRole('textbox', { name: 'Message' });
      fireEvent.change(box, { target: { value: '你好' } });
      fireEvent.keyDown(box, { key: 'Enter', isComposing: true });
      expect(enqueued(fake)).toEqual([]);
      fireEvent.keyDown(box, { key: 'Enter' });
      await waitFor(() => expect(enqueued(fake)).toEqual([{ kind: 'send', ref: REF, text: '你好' }]));
    });

    it('keeps the text and shows the error when the message cannot be queued', async () => {
      const user = userEvent.setup();
      const { fake } = open();
      fake.answer('outbox.enqueue', () => fail('invalid-input', 'The outbox is full.'));
      const box = await screen.findByRole('textbox', { name: 'Message' });
      await user.type(box, 'keep me{Enter}');
      expect((await screen.findByRole('alert')).textContent).toBe(
        'Could not queue the message: The outbox is full.',
      );
      expect((box as HTMLTextAreaElement).value).toBe('keep me');
    });
  });

  describe('actions', () => {
    it('running: Pause and Stop are queued, Resume does not apply', async () => {
      const user = userEvent.setup();
      const { fake } = open({ status: 'running' });
      const pause = await screen.findByRole('button', { name: 'Pause' });
      expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Resume' }).disabled).toBe(true);
      await user.click(pause);
      await waitFor(() => expect(enqueued(fake)).toEqual([{ kind: 'pause-agent', ref: REF }]));
      await user.click(screen.getByRole('button', { name: 'Stop' }));
      await waitFor(() => expect(enqueued(fake)).toHaveLength(2));
      expect(enqueued(fake)[1]).toEqual({ kind: 'stop', ref: REF });
    });

    it('paused: Resume resumes the agent, Pause does not apply', async () => {
      const user = userEvent.setup();
      const { fake } = open({ status: 'paused' });
      const resume = await screen.findByRole('button', { name: 'Resume' });
      expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Pause' }).disabled).toBe(true);
      await user.click(resume);
      await waitFor(() => expect(enqueued(fake)).toEqual([{ kind: 'resume-agent', ref: REF }]));
    });

    it('stopped: Resume starts the sandbox again, Stop and Pause do not apply', async () => {
      const user = userEvent.setup();
      const { fake } = open({ status: 'stopped' });
      const resume = await screen.findByRole('button', { name: 'Resume' });
      expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Stop' }).disabled).toBe(true);
      expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Pause' }).disabled).toBe(true);
      await user.click(resume);
      await waitFor(() => expect(enqueued(fake)).toEqual([{ kind: 'resume-sandbox', ref: REF }]));
    });

    it('archived: nothing to stop or resume', async () => {
      open({ status: 'archived' });
      const stop = await screen.findByRole('button', { name: 'Stop' });
      expect((stop as HTMLButtonElement).disabled).toBe(true);
      expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Resume' }).disabled).toBe(true);
    });

    it('shows why an action could not be queued', async () => {
      const user = userEvent.setup();
      const { fake } = open();
      fake.answer('outbox.enqueue', () => fail('unavailable', 'Main is busy.'));
      await user.click(await screen.findByRole('button', { name: 'Pause' }));
      expect((await screen.findByRole('alert')).textContent).toBe(
        'Could not queue the action: Main is busy.',
      );
    });

    it('renames through a Title box', async () => {
      const user = userEvent.setup();
      const { fake } = open();
      await user.click(await screen.findByRole('button', { name: 'Rename' }));
      const title = screen.getByRole('textbox', { name: 'Title' });
      expect((title as HTMLInputElement).value).toBe('Fix the flaky tests');
      await user.clear(title);
      await user.type(title, 'Green build');
      await user.click(screen.getByRole('button', { name: 'Save' }));
      await waitFor(() =>
        expect(enqueued(fake)).toEqual([{ kind: 'rename', ref: REF, title: 'Green build' }]),
      );
      await waitFor(() => expect(screen.queryByRole('textbox', { name: 'Title' })).toBeNull());
    });

    it('cancelling a rename queues nothing', async () => {
      const user = userEvent.setup();
      const { fake } = open();
      await user.click(await screen.findByRole('button', { name: 'Rename' }));
      await user.type(screen.getByRole('textbox', { name: 'Title' }), ' again');
      await user.click(screen.getByRole('button', { name: 'Cancel' }));
      expect(screen.queryByRole('textbox', { name: 'Title' })).toBeNull();
      expect(shown(screen.getByRole('heading', { name: 'Fix the flaky tests' }))).toBe(true);
      expect(enqueued(fake)).toEqual([]);
    });

    it('deletes after asking, then closes the conversation', async () => {
      const user = userEvent.setup();
      const { fake } = open();
      useUiStore.getState().openConversation(KEY);
      await user.click(await screen.findByRole('button', { name: 'Delete' }));
      let dialog = screen.getByRole('dialog', { name: 'Delete this conversation?' });
      await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
      expect(screen.queryByRole('dialog')).toBeNull();
      expect(enqueued(fake)).toEqual([]);

      await user.click(screen.getByRole('button', { name: 'Delete' }));
      dialog = screen.getByRole('dialog', { name: 'Delete this conversation?' });
      expect(dialog.textContent).toContain('“Fix the flaky tests” will be deleted');
      await user.click(within(dialog).getByRole('button', { name: 'Delete' }));
      await waitFor(() => expect(enqueued(fake)).toEqual([{ kind: 'delete', ref: REF }]));
      await waitFor(() => expect(useUiStore.getState().openKey).toBeNull());
    });
  });

  describe('confirmation', () => {
    it('shows the pending action with Accept and Reject, which queue the answer', async () => {
      const user = userEvent.setup();
      const { fake } = open({
        status: 'needs-confirmation',
        items: [
          item('action', 'ls', { title: 'execute_bash' }),
          item('observation', 'file.txt'),
          item('action', 'rm -rf build/', { title: 'execute_bash', risk: 'HIGH' }),
        ],
      });
      const panel = await screen.findByRole('region', { name: 'The agent is waiting for your approval' });
      // The last action, the one waiting, not the earlier `ls`.
      await waitFor(() => expect(within(panel).getByText('rm -rf build/').tagName).toBe('PRE'));
      expect(within(panel).queryByText('ls')).toBeNull();
      expect(within(panel).getByText('Risk: HIGH').className).toContain('tl-risk-high');
      expect(shown(within(panel).getByText('execute_bash'))).toBe(true);

      await user.click(within(panel).getByRole('button', { name: 'Accept' }));
      await waitFor(() => expect(enqueued(fake)).toEqual([{ kind: 'confirm', ref: REF, accept: true }]));
      await user.click(within(panel).getByRole('button', { name: 'Reject' }));
      await waitFor(() => expect(enqueued(fake)).toHaveLength(2));
      expect(enqueued(fake)[1]).toEqual({ kind: 'confirm', ref: REF, accept: false });
    });

    it('is not shown when nothing waits for approval', async () => {
      open({ status: 'running', items: [item('action', 'ls', { title: 'execute_bash' })] });
      await within(await timeline()).findByText('ls');
      expect(screen.queryByRole('button', { name: 'Accept' })).toBeNull();
    });

    it('says the answer is queued while it waits in the outbox', async () => {
      open({
        status: 'needs-confirmation',
        items: [item('action', 'make deploy', { title: 'execute_bash' })],
        state: { outbox: [queued({ id: 'c1', kind: 'confirm' })] },
      });
      const note = await screen.findByText('Your answer is queued.');
      const panel = screen.getByRole('region', { name: 'The agent is waiting for your approval' });
      expect(panel.contains(note)).toBe(true);
      expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Accept' }).disabled).toBe(true);
    });
  });

  it("lists this conversation's queued actions inline, with the text of queued sends", async () => {
    const { fake } = open({
      state: {
        outbox: [
          queued({ id: 'o1', kind: 'send', detail: 'please run the linter', enqueuedAt: 1 }),
          queued({ id: 'o2', kind: 'send', detail: 'another conversation', conversationKey: 's1/zzz' }),
          queued({
            id: 'o3',
            kind: 'upload',
            state: 'sending',
            detail: '/workspace/data.csv',
            progress: { bytes: 50, total: 100, rateBps: null, etaMs: null },
            enqueuedAt: 2,
          }),
        ],
      },
    });
    const list = await screen.findByRole('list', { name: 'Queued actions' });
    expect(within(list).getByText('please run the linter').closest('li')?.parentElement).toBe(list);
    expect(within(list).queryByText('another conversation')).toBeNull();
    expect(within(list).getAllByRole('listitem')).toHaveLength(2);
    const progress = within(list).getByRole('progressbar', { name: 'data.csv' });
    expect(progress.getAttribute('value')).toBe('50');

    act(() =>
      fake.emit('outboxChanges', queued({ id: 'o1', state: 'done', detail: 'please run the linter' })),
    );
    expect(within(list).queryByText('please run the linter')).toBeNull();
  });

  describe('uploads', () => {
    const files = (): File[] => [
      new File(['a'.repeat(10)], 'notes.txt', { type: 'text/plain' }),
      new File(['b'.repeat(20)], 'data.csv', { type: 'text/csv' }),
    ];
    const plan = (extra: object = {}) => ({
      planId: 'p1',
      count: 2,
      totalBytes: 30,
      needsConfirmation: false,
      skipped: [],
      targetDir: '/workspace',
      ...extra,
    });

    it('plans and starts the picked files', async () => {
      const user = userEvent.setup();
      const { fake } = open();
      fake.answer('uploads.plan', () => ok(plan()));
      fake.answer('uploads.start', () => ok([]));
      const input = await screen.findByLabelText('Upload files');
      const picked = files();
      await user.upload(input, picked);
      await waitFor(() => expect(fake.callsTo('uploads.start')).toEqual([{ planId: 'p1' }]));
      const planned = fake.callsTo('uploads.plan') as { ref: unknown; files: File[] }[];
      expect(planned).toHaveLength(1);
      expect(planned[0]?.ref).toEqual(REF);
      expect(planned[0]?.files.map((f) => f.name)).toEqual(['notes.txt', 'data.csv']);
      expect(screen.queryByRole('dialog')).toBeNull();
    });

    it('asks first when the plan is large', async () => {
      const user = userEvent.setup();
      const { fake } = open();
      fake.answer('uploads.plan', () =>
        ok(plan({ count: 240, totalBytes: 5 * 1024 * 1024, needsConfirmation: true })),
      );
      fake.answer('uploads.start', () => ok([]));
      await user.upload(await screen.findByLabelText('Upload files'), files());
      const dialog = await screen.findByRole('dialog', { name: 'Upload 240 files (5.0 MB) to /workspace?' });
      expect(fake.callsTo('uploads.start')).toEqual([]);
      await user.click(within(dialog).getByRole('button', { name: 'Upload' }));
      await waitFor(() => expect(fake.callsTo('uploads.start')).toEqual([{ planId: 'p1' }]));
      expect(screen.queryByRole('dialog')).toBeNull();
    });

    it('starts nothing when the user declines a large upload', async () => {
      const user = userEvent.setup();
      const { fake } = open();
      fake.answer('uploads.plan', () => ok(plan({ needsConfirmation: true })));
      await user.upload(await screen.findByLabelText('Upload files'), files());
      const dialog = await screen.findByRole('dialog', { name: 'Upload 2 files (30 B) to /workspace?' });
      await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
      expect(screen.queryByRole('dialog')).toBeNull();
      expect(fake.callsTo('uploads.start')).toEqual([]);
    });

    it('shows a plan error plainly', async () => {
      const user = userEvent.setup();
      const { fake } = open();
      fake.answer('uploads.plan', () => fail('unsupported', 'This conversation cannot take uploads.'));
      await user.upload(await screen.findByLabelText('Upload files'), files());
      expect((await screen.findByRole('alert')).textContent).toBe(
        'Could not upload: This conversation cannot take uploads.',
      );
      expect(fake.callsTo('uploads.start')).toEqual([]);
    });

    it('shows why files were skipped', async () => {
      const user = userEvent.setup();
      const { fake } = open();
      fake.answer('uploads.plan', () =>
        ok(plan({ count: 1, skipped: [{ path: 'folder', reason: 'Folders are not uploaded.' }] })),
      );
      fake.answer('uploads.start', () => ok([]));
      await user.upload(await screen.findByLabelText('Upload files'), files());
      const skipped = await screen.findByText('folder: Folders are not uploaded.');
      expect(shown(skipped)).toBe(true);
      expect(skipped.closest('[role="status"]')).not.toBeNull();
      await waitFor(() => expect(fake.callsTo('uploads.start')).toHaveLength(1));
      await user.click(screen.getByRole('button', { name: 'Dismiss' }));
      expect(screen.queryByText('folder: Folders are not uploaded.')).toBeNull();
    });

    it('uploads files dropped on the conversation', async () => {
      const { fake, container } = open();
      fake.answer('uploads.plan', () => ok(plan({ count: 1 })));
      fake.answer('uploads.start', () => ok([]));
      await screen.findByRole('heading', { name: 'Fix the flaky tests' });
      const view = container.querySelector('.conversation-view') as HTMLElement;
      const dropped = files().slice(0, 1);
      const dataTransfer = { types: ['Files'], files: dropped, dropEffect: 'none' };
      fireEvent.dragEnter(view, { dataTransfer });
      // Decorative (aria-hidden): a sighted user's cue, laid over this conversation's view.
      expect(
        screen.getByText('Drop files to upload to the workspace').closest('.drop-overlay')?.parentElement,
      ).toBe(view);
      fireEvent.dragOver(view, { dataTransfer });
      fireEvent.drop(view, { dataTransfer });
      expect(screen.queryByText('Drop files to upload to the workspace')).toBeNull();
      await waitFor(() => expect(fake.callsTo('uploads.start')).toEqual([{ planId: 'p1' }]));
      const planned = fake.callsTo('uploads.plan') as { files: File[] }[];
      expect(planned[0]?.files).toEqual(dropped);
    });
  });

  it('formats sizes in B, KB, MB and GB', () => {
    expect(formatSize(512)).toBe('512 B');
    expect(formatSize(2048)).toBe('2.0 KB');
    expect(formatSize(5 * 1024 * 1024)).toBe('5.0 MB');
    expect(formatSize(300 * 1024 * 1024)).toBe('300 MB');
    expect(formatSize(1.5 * 1024 ** 3)).toBe('1.5 GB');
  });
});

describe('following new events', () => {
  // A scroll element taller than its viewport whose reader stays at the top (jsdom never scrolls).
  stubLayout({ scrollHeight: 5000 });

  it('offers "New events ↓" when events arrive while the reader is further up', async () => {
    const user = userEvent.setup();
    const items = Array.from({ length: 100 }, (_, i) => item('message', `Old ${i}`));
    const { fake } = open({ items });
    await within(await timeline()).findByText('Old 0');
    expect(screen.queryByRole('button', { name: 'New events ↓' })).toBeNull();
    act(() =>
      fake.emit('timeline', { key: KEY, items: [item('message', 'Fresh')], reset: false, live: 'live' }),
    );
    await user.click(await screen.findByRole('button', { name: 'New events ↓' }));
    expect(screen.queryByRole('button', { name: 'New events ↓' })).toBeNull();
  });
});
