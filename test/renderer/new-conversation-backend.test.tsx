// @vitest-environment jsdom
// New conversation on a bare agent server (issue 17): the form asks where on that server the agent works
// and with which agent, from what the server offers (backends.options / backends.folders), and queues a
// create carrying them; no repository, branch or LLM key.
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { BackendOptions } from '../../src/shared/bridge/contract';
import { NewConversationDialog } from '../../src/renderer/screens/new-conversation/NewConversationDialog';
import { useServersStore } from '../../src/renderer/stores/servers-store';
import { description } from './support/a11y';
import { fail, ok } from './support/fake-bridge';
import { outboxItem, serverView } from './support/fixtures';
import { renderWithBridge } from './support/render-app';

const OPTIONS: BackendOptions = {
  version: '1.44.0',
  home: '/home/me',
  places: [
    { name: 'projects', path: '/home/me/projects' },
    { name: '/', path: '/' },
  ],
  workspaces: [{ name: 'Widgets', path: '/srv/widgets' }],
  agentProfiles: [{ id: 'p-1', name: 'Default coder', agentKind: 'openhands', llmProfile: 'claude' }],
  activeAgentProfileId: 'p-1',
  llmProfiles: [{ name: 'claude', model: 'litellm_proxy/claude-sonnet-4-5' }],
  activeLlmProfile: 'claude',
  settingsModel: 'gpt-5',
};

const backend = serverView({
  id: 'b1',
  name: 'Laptop agent',
  baseUrl: 'http://127.0.0.1:8000',
  kind: 'agent-server',
  recentDirs: ['/home/me/projects/api'],
});

async function renderDialog(options: BackendOptions = OPTIONS) {
  const rendered = renderWithBridge(<NewConversationDialog onClose={vi.fn()} />, { servers: [backend] });
  rendered.fake.answer('backends.options', () => ok(options));
  rendered.fake.answer('backends.folders', (input) => {
    const { path } = input as { path: string };
    return ok({
      items:
        path === '/home/me/projects'
          ? [
              { name: 'api', path: '/home/me/projects/api' },
              { name: 'webapp', path: '/home/me/projects/webapp' },
            ]
          : [{ name: 'projects', path: '/home/me/projects' }],
      nextPageId: null,
    });
  });
  await waitFor(() => expect(useServersStore.getState().loaded).toBe(true));
  return rendered;
}

describe('New conversation on an agent server', () => {
  it('offers the working directory and agent, preselects the last folder and the active profile', async () => {
    await renderDialog();
    const dir = await screen.findByRole<HTMLInputElement>('textbox', { name: 'Working directory' });
    await waitFor(() => expect(dir.value).toBe('/home/me/projects/api'));
    expect(screen.queryByRole('textbox', { name: 'Repository' })).toBeNull();
    expect(screen.queryByRole('textbox', { name: 'Branch' })).toBeNull();
    const agent = screen.getByRole<HTMLSelectElement>('combobox', { name: 'Agent' });
    await waitFor(() => expect(agent.value).toBe('agent:p-1'));
    expect([...agent.options].map((o) => o.textContent)).toEqual([
      'Default coder (claude)',
      'claude (litellm_proxy/claude-sonnet-4-5)',
      "The server's settings (gpt-5)",
    ]);
    const suggested = screen.getByRole('list', { name: 'Suggested folders' });
    expect(
      within(suggested)
        .getAllByRole('button')
        .map((b) => b.title),
    ).toEqual(['/home/me/projects/api', '/srv/widgets', '/home/me', '/home/me/projects', '/']);
    expect(screen.queryByLabelText(/LLM key|API key/i)).toBeNull();
  });

  it('browses folders on the server, filters them, and queues the create with folder, worktree and LLM profile', async () => {
    const user = userEvent.setup();
    const { fake } = await renderDialog();
    fake.answer('outbox.enqueue', () => ok(outboxItem({ kind: 'create', tempId: 't' })));
    await user.type(screen.getByRole('textbox', { name: 'Message' }), 'Add a health check');
    await user.click(await screen.findByRole('button', { name: 'Browse…' }));
    const browser = screen.getByRole('group', { name: 'Folders on the server' });
    await user.click(await within(browser).findByRole('button', { name: 'projects' }));
    await user.type(within(browser).getByRole('searchbox', { name: 'Filter folders' }), 'web');
    const list = await within(browser).findByRole('list', { name: 'Folders in /home/me/projects' });
    expect(
      within(list)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['webapp']);
    await user.click(within(list).getByRole('button', { name: 'webapp' }));
    expect(screen.getByRole<HTMLInputElement>('textbox', { name: 'Working directory' }).value).toBe(
      '/home/me/projects/webapp',
    );
    await user.click(screen.getByRole('checkbox', { name: 'Work in a new git worktree' }));
    await user.selectOptions(screen.getByRole('combobox', { name: 'Agent' }), 'llm:claude');
    await user.click(screen.getByRole('button', { name: 'Start' }));
    await waitFor(() => expect(fake.callsTo('outbox.enqueue')).toHaveLength(1));
    expect(fake.callsTo('outbox.enqueue')[0]).toEqual({
      kind: 'create',
      serverId: 'b1',
      tempId: expect.any(String) as string,
      request: {
        initialMessage: 'Add a health check',
        workingDir: '/home/me/projects/webapp',
        worktree: true,
        llmProfile: 'claude',
      },
    });
  });

  it('with no folder chosen it asks for one next to the field and sends nothing', async () => {
    const user = userEvent.setup();
    const rendered = renderWithBridge(<NewConversationDialog onClose={vi.fn()} />, {
      servers: [{ ...backend, recentDirs: [] }],
    });
    rendered.fake.answer('backends.options', () => ok({ ...OPTIONS, activeAgentProfileId: null }));
    await waitFor(() => expect(useServersStore.getState().loaded).toBe(true));
    await user.type(screen.getByRole('textbox', { name: 'Message' }), 'Go');
    const agent = await screen.findByRole<HTMLSelectElement>('combobox', { name: 'Agent' });
    await waitFor(() => expect(agent.value).toBe('llm:claude'));
    await user.click(screen.getByRole('button', { name: 'Start' }));
    const dir = screen.getByRole('textbox', { name: 'Working directory' });
    expect(description(dir)).toMatch(/^Choose the folder the agent should work in\. /);
    expect(dir.getAttribute('aria-invalid')).toBe('true');
    expect(rendered.fake.callsTo('outbox.enqueue')).toHaveLength(0);
  });

  it("says when the server's folders and profiles cannot be read", async () => {
    const rendered = renderWithBridge(<NewConversationDialog onClose={vi.fn()} />, { servers: [backend] });
    rendered.fake.answer('backends.options', () => fail('unauthorized', 'The key was refused.'));
    expect((await screen.findByRole('alert')).textContent).toBe(
      "The server's folders and profiles could not be read: The key was refused.",
    );
  });
});
