// @vitest-environment jsdom
// The composer says what sending to a Stopped conversation does (issue 15, finding 3): its sandbox is
// paused and the outbox resumes it first; the queued item says so while it does.
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { OutboxItemRow } from '../../src/renderer/components/OutboxItemRow';
import { Composer } from '../../src/renderer/screens/conversation/Composer';
import { conversationKey } from '../../src/shared/live';
import { DEFAULT_APP_SETTINGS } from '../../src/shared/settings-schema';
import type { DisplayStatus } from '../../src/shared/status';
import { ok } from './support/fake-bridge';
import { conversation, outboxItem, serverView } from './support/fixtures';
import { renderWithBridge } from './support/render-app';

const REF = { serverId: 's1', id: 'abc123', version: 'V1' as const };
const NOTE = 'The sandbox is paused: it will be resumed to deliver this.';

function open(status: DisplayStatus, language: 'en' | 'zh-CN' = 'en') {
  const rendered = renderWithBridge(<Composer conversationRef={REF} />, {
    servers: [serverView({ name: 'Local server' })],
    conversations: [conversation({ status })],
    settings: { ...DEFAULT_APP_SETTINGS, language },
  });
  rendered.fake.answer('outbox.enqueue', () => ok(outboxItem({ conversationKey: conversationKey(REF) })));
  return rendered;
}

describe('the composer of a stopped conversation', () => {
  it('says the sandbox will be resumed to deliver the message, and still sends it', async () => {
    const { fake } = open('stopped');
    const note = await screen.findByText(NOTE);
    const box = screen.getByRole('textbox', { name: 'Message' });
    expect(box.getAttribute('aria-describedby')).toContain(note.id);
    await userEvent.type(box, 'wake up{Enter}');
    expect(fake.callsTo('outbox.enqueue')).toEqual([{ kind: 'send', ref: REF, text: 'wake up' }]);
  });

  it('says nothing of the kind while the conversation runs', async () => {
    open('running');
    await screen.findByRole('textbox', { name: 'Message' });
    expect(screen.queryByText(NOTE)).toBeNull();
  });

  it('says it in Simplified Chinese', async () => {
    open('stopped', 'zh-CN');
    expect((await screen.findByText('沙箱已暂停：将先恢复沙箱再发送此消息。')).className).toContain(
      'composer-note',
    );
  });

  it('the queued message says it is resuming the sandbox while it does', async () => {
    renderWithBridge(
      <ul>
        <OutboxItemRow item={outboxItem({ detail: 'wake up', phase: 'resuming-sandbox' })} />
      </ul>,
    );
    const row = (await screen.findByText('wake up')).closest('li');
    expect(row).not.toBeNull();
    expect(within(row as HTMLElement).getByText('Resuming the sandbox…').className).toBe('outbox-reason');
  });
});
