// @vitest-environment jsdom
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ServersDialog } from '../../src/renderer/screens/servers/ServersDialog';
import { useServersStore } from '../../src/renderer/stores/servers-store';
import type { InvokeOutput } from '../../src/shared/bridge/contract';
import { DEFAULT_APP_SETTINGS } from '../../src/shared/settings-schema';
import { description, shown } from './support/a11y';
import { fail, ok } from './support/fake-bridge';
import { type ServerView, serverView } from './support/fixtures';
import { renderWithBridge } from './support/render-app';

type Report = InvokeOutput<'servers', 'test'>;

const local = serverView({ keyStorage: 'keychain', hasKey: true });

const report = (overrides: Partial<Report>): Report => ({
  ok: true,
  reachable: true,
  authenticated: true,
  appMode: 'oss',
  v1Available: true,
  agentServerVersion: '1.0.0',
  serverKind: 'self-hosted',
  organizations: null,
  currentOrgId: null,
  summary: 'Connected to OpenHands (self-hosted), API V1.',
  problem: null,
  ...overrides,
});

const apiKeyField = (): HTMLInputElement => screen.getByLabelText<HTMLInputElement>('API key');

async function openDialog(servers: ServerView[] = []) {
  const user = userEvent.setup();
  const rendered = renderWithBridge(<ServersDialog onClose={() => {}} />, {
    servers,
    health: servers.map((s) => ({ serverId: s.id, state: 'online' as const, lastOkAt: 1, problem: null })),
  });
  await waitFor(() => expect(useServersStore.getState().loaded).toBe(true));
  return { user, ...rendered };
}

describe('the Servers dialog', () => {
  it('explains what a server is when there is none, and offers Add server', async () => {
    const { user } = await openDialog();
    const dialog = screen.getByRole('dialog', { name: 'Servers' });
    expect(dialog.textContent).toContain('https://app.all-hands.dev');
    expect(dialog.textContent).toMatch(/self-hosted|your own OpenHands/i);
    await user.click(within(dialog).getByRole('button', { name: 'Add server' }));
    // An empty form, the focus in its first field.
    expect(screen.getByRole('textbox', { name: 'Name' })).toBe(document.activeElement);
    expect(screen.getByRole('textbox', { name: 'Name' })).toHaveProperty('value', '');
    expect(screen.getByRole('textbox', { name: 'Server URL' })).toHaveProperty('value', '');
    expect(apiKeyField().type).toBe('password');
    expect(apiKeyField().autocomplete).toBe('off');
  });

  it('lists servers with their kind, where the key is kept and whether they answer, never a key', async () => {
    await openDialog([
      local,
      {
        ...local,
        id: 's2',
        name: 'Cloud',
        baseUrl: 'https://app.all-hands.dev',
        kind: 'cloud',
        keyStorage: 'session',
      },
    ]);
    const row = screen.getByRole('listitem', { name: 'Local' });
    expect(row.textContent).toContain('http://127.0.0.1:3000');
    expect(row.textContent).toContain('Self-hosted');
    expect(row.textContent).toContain('keychain');
    expect(within(row).getByRole('status').textContent).toBe('Online');
    const cloud = screen.getByRole('listitem', { name: 'Cloud' });
    expect(cloud.textContent).toContain('OpenHands Cloud');
    expect(cloud.textContent).toContain('this session only');
  });

  it('shows a field problem from the bridge next to that field', async () => {
    const { user, fake } = await openDialog();
    fake.answer('servers.add', () =>
      fail('invalid-input', 'The server could not be saved.', [
        { field: 'baseUrl', message: 'Server address must start with http:// or https://.' },
      ]),
    );
    await user.click(screen.getByRole('button', { name: 'Add server' }));
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'Mine');
    await user.type(screen.getByRole('textbox', { name: 'Server URL' }), 'ftp://x');
    await user.click(screen.getByRole('button', { name: 'Save' }));

    const url = await screen.findByRole('textbox', { name: 'Server URL' });
    await waitFor(() => expect(url.getAttribute('aria-invalid')).toBe('true'));
    const described = (url.getAttribute('aria-describedby') ?? '').split(' ');
    const error = described.map((id) => document.getElementById(id)?.textContent).join(' ');
    expect(error).toContain('Server address must start with http:// or https://.');
    // Next to the URL field, not the name field.
    expect(url.closest('.field')?.textContent).toContain('must start with http://');
    expect(screen.getByRole('textbox', { name: 'Name' }).getAttribute('aria-invalid')).toBeNull();
    expect(useServersStore.getState().servers).toEqual([]);
  });

  it('shows any other error of Save as a message', async () => {
    const { user, fake } = await openDialog();
    fake.answer('servers.add', () => fail('storage-failed', 'Could not write the server list.'));
    await user.click(screen.getByRole('button', { name: 'Add server' }));
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'Mine');
    await user.type(screen.getByRole('textbox', { name: 'Server URL' }), 'http://localhost:3000');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Could not write the server list.');
  });

  it('adds a server with the typed values and refreshes the list', async () => {
    const { user, fake } = await openDialog();
    const added: ServerView = { ...local, id: 'new1', name: 'Mine', baseUrl: 'http://localhost:3000' };
    fake.answer('servers.add', () => {
      fake.state.servers = [added];
      return ok(added);
    });
    await user.click(screen.getByRole('button', { name: 'Add server' }));
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'Mine');
    await user.type(screen.getByRole('textbox', { name: 'Server URL' }), 'http://localhost:3000');
    await user.type(apiKeyField(), 'sk-secret');
    await user.click(screen.getByRole('button', { name: 'Save' }));

    expect((await screen.findByRole('listitem', { name: 'Mine' })).textContent).toContain(
      'http://localhost:3000',
    );
    expect(fake.callsTo('servers.add')).toEqual([
      {
        server: { name: 'Mine', baseUrl: 'http://localhost:3000', apiKey: 'sk-secret' },
        sessionOnlyKey: false,
      },
    ]);
    // One list read on load, one after the add.
    expect(fake.callsTo('servers.list')).toHaveLength(2);
    expect(document.body.textContent).not.toContain('sk-secret');
  });

  it('adds a self-hosted server without a key: no apiKey travels', async () => {
    const { user, fake } = await openDialog();
    fake.answer('servers.add', () => ok({ ...local, keyStorage: 'none', hasKey: false }));
    await user.click(screen.getByRole('button', { name: 'Add server' }));
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'Open');
    await user.type(screen.getByRole('textbox', { name: 'Server URL' }), 'http://localhost:3000');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fake.callsTo('servers.add')).toHaveLength(1));
    expect(fake.callsTo('servers.add')[0]).toEqual({
      server: { name: 'Open', baseUrl: 'http://localhost:3000' },
    });
  });

  it('Test connection shows the summary of a good report, and disables itself while testing', async () => {
    const { user, fake } = await openDialog();
    let answer: (value: ReturnType<typeof ok>) => void = () => {};
    fake.answer('servers.testUnsaved', () => new Promise((resolve) => (answer = resolve)));
    await user.click(screen.getByRole('button', { name: 'Add server' }));
    await user.type(screen.getByRole('textbox', { name: 'Server URL' }), 'http://localhost:3000');
    await user.type(apiKeyField(), 'sk-1');
    const test = screen.getByRole('button', { name: 'Test connection' });
    await user.click(test);

    expect(test).toHaveProperty('disabled', true);
    expect(screen.getByText('Testing the connection…').getAttribute('aria-live')).toBe('polite');
    expect(fake.callsTo('servers.testUnsaved')).toEqual([
      { baseUrl: 'http://localhost:3000', apiKey: 'sk-1' },
    ]);

    answer(ok(report({})));
    const summary = await screen.findByText(/Connected to OpenHands \(self-hosted\), API V1\./);
    expect(summary.closest('.test-result')?.className).toContain('test-ok');
    expect(test).toHaveProperty('disabled', false);
  });

  it('Test connection shows the summary of a problem, styled as one', async () => {
    const { user, fake } = await openDialog();
    fake.answer('servers.testUnsaved', () =>
      ok(
        report({
          ok: false,
          authenticated: false,
          summary: 'The server refused the API key (401). Check the key.',
          problem: { kind: 'unauthorized', message: 'Unauthorized', status: 401 },
        }),
      ),
    );
    await user.click(screen.getByRole('button', { name: 'Add server' }));
    await user.type(screen.getByRole('textbox', { name: 'Server URL' }), 'https://app.all-hands.dev');
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    const summary = await screen.findByText(/The server refused the API key \(401\)\. Check the key\./);
    const result = summary.closest('.test-result');
    expect(result?.className).toContain('test-problem');
    expect(result?.textContent).toContain('There is a problem.');
    expect(fake.callsTo('servers.testUnsaved')).toEqual([{ baseUrl: 'https://app.all-hands.dev' }]);
  });

  it('tests a saved server by its id', async () => {
    const { user, fake } = await openDialog([local]);
    fake.answer('servers.test', () => ok(report({ summary: 'All good.' })));
    await user.click(screen.getByRole('button', { name: 'Edit Local' }));
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    expect((await screen.findByText(/All good\./)).className).toBe('test-result test-ok');
    expect(fake.callsTo('servers.test')).toEqual([{ id: 's1' }]);
    expect(fake.callsTo('servers.testUnsaved')).toEqual([]);
  });

  it('explains an unavailable keychain and keeps the key for this session by default', async () => {
    const { user, fake } = await openDialog();
    fake.answer('servers.keychainStatus', () =>
      ok({
        state: 'unavailable',
        reason: 'unreachable',
        message: 'No keyring service is running.',
        detail: 'Could not connect: No such file or directory',
      }),
    );
    await useServersStore.getState().load();
    fake.answer('servers.add', () => ok({ ...local, keyStorage: 'session' }));
    await user.click(screen.getByRole('button', { name: 'Add server' }));

    const sessionOnly = screen.getByRole('checkbox', { name: 'Keep the key for this session only' });
    // The explanation, with the keyring's own message, is tied to the choice it is about.
    expect(description(sessionOnly)).toMatch(
      /system keychain cannot be used right now[^]*No keyring service is running\./,
    );
    expect(sessionOnly).toHaveProperty('checked', true);

    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'Mine');
    await user.type(screen.getByRole('textbox', { name: 'Server URL' }), 'http://localhost:3000');
    await user.type(apiKeyField(), 'sk-2');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fake.callsTo('servers.add')).toHaveLength(1));
    expect(fake.callsTo('servers.add')[0]).toMatchObject({ sessionOnlyKey: true });
  });

  it('with the keychain available, the session-only box starts off and no explanation shows', async () => {
    const { user } = await openDialog();
    await user.click(screen.getByRole('button', { name: 'Add server' }));
    expect(screen.getByRole('checkbox', { name: 'Keep the key for this session only' })).toHaveProperty(
      'checked',
      false,
    );
    expect(screen.queryByText(/system keychain cannot be used/)).toBeNull();
  });

  it('edits a server: pre-filled except the key, and a blank key keeps the current one', async () => {
    const { user, fake } = await openDialog([local]);
    fake.answer('servers.update', () => ok({ ...local, name: 'Renamed' }));
    await user.click(screen.getByRole('button', { name: 'Edit Local' }));

    const name = screen.getByRole('textbox', { name: 'Name' });
    expect(name).toHaveProperty('value', 'Local');
    expect(screen.getByRole('textbox', { name: 'Server URL' })).toHaveProperty(
      'value',
      'http://127.0.0.1:3000',
    );
    expect(apiKeyField().value).toBe('');
    expect(description(apiKeyField())).toBe('Leave blank to keep the current key.');

    await user.clear(name);
    await user.type(name, 'Renamed');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fake.callsTo('servers.update')).toHaveLength(1));
    const [call] = fake.callsTo('servers.update') as { id: string; patch: Record<string, unknown> }[];
    expect(call).toEqual({ id: 's1', patch: { name: 'Renamed', baseUrl: 'http://127.0.0.1:3000' } });
    expect('apiKey' in (call?.patch ?? {})).toBe(false);
    // Back on the list after saving, which was read again.
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Add server' })).toHaveProperty('disabled', false),
    );
    expect(screen.queryByRole('textbox', { name: 'Name' })).toBeNull();
    expect(fake.callsTo('servers.list')).toHaveLength(2);
  });

  it('edit sends a newly typed key', async () => {
    const { user, fake } = await openDialog([local]);
    fake.answer('servers.update', () => ok(local));
    await user.click(screen.getByRole('button', { name: 'Edit Local' }));
    await user.type(apiKeyField(), 'sk-new');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fake.callsTo('servers.update')).toHaveLength(1));
    expect(fake.callsTo('servers.update')[0]).toEqual({
      id: 's1',
      patch: { name: 'Local', baseUrl: 'http://127.0.0.1:3000', apiKey: 'sk-new' },
      sessionOnlyKey: false,
    });
  });

  it('asks before removing a server, says the key goes from the keychain, then removes it', async () => {
    const { user, fake } = await openDialog([local]);
    fake.answer('servers.remove', () => {
      fake.state.servers = [];
      return ok({ keyDeleted: true });
    });
    await user.click(screen.getByRole('button', { name: 'Edit Local' }));
    await user.click(screen.getByRole('button', { name: 'Remove server' }));
    expect(fake.callsTo('servers.remove')).toEqual([]);
    const confirm = screen.getByRole('group', { name: /Its API key will be deleted from the keychain/ });
    expect(within(confirm).getByRole('button', { name: 'Remove' })).toHaveProperty('disabled', false);

    // Keeping it goes back to the form without removing anything.
    await user.click(screen.getByRole('button', { name: 'Keep it' }));
    expect(fake.callsTo('servers.remove')).toEqual([]);

    await user.click(screen.getByRole('button', { name: 'Remove server' }));
    await user.click(screen.getByRole('button', { name: 'Remove' }));
    await waitFor(() => expect(fake.callsTo('servers.remove')).toEqual([{ id: 's1' }]));
    expect(shown(await screen.findByText('No servers yet'))).toBe(true);
    expect(screen.queryByRole('listitem', { name: 'Local' })).toBeNull();
  });

  it('prompts to enter a key lost with the last session, opening the form at the key', async () => {
    const { user } = await openDialog([
      { ...local, keyStorage: 'none', hasKey: false, sessionKeyLost: true },
    ]);
    const row = screen.getByRole('listitem', { name: 'Local' });
    expect(row.textContent).toContain('Enter it again');
    await user.click(within(row).getByRole('button', { name: 'Enter the key for Local again' }));
    expect(document.activeElement).toBe(apiKeyField());
    expect(description(apiKeyField())).toBe('The key from the last session is gone: enter it again.');
  });
});

describe('the Servers dialog: agent hosts', () => {
  const hostsField = (name = 'Agent hosts'): HTMLInputElement =>
    screen.getByRole<HTMLInputElement>('textbox', { name });
  const advanced = (name = 'Advanced'): HTMLDetailsElement =>
    screen.getByText(name, { selector: 'summary' }).closest('details')!;

  it('adds a server with agent hosts typed under Advanced: the bridge gets the normalised list', async () => {
    const { user, fake } = await openDialog();
    fake.answer('servers.add', () => ok(local));
    await user.click(screen.getByRole('button', { name: 'Add server' }));
    // Out of the way until asked for.
    expect(advanced().open).toBe(false);
    await user.click(screen.getByText('Advanced', { selector: 'summary' }));
    expect(advanced().open).toBe(true);
    expect(advanced().contains(hostsField())).toBe(true);
    expect(description(hostsField())).toBe(
      "Hosts besides this server's own where its agent servers run, e.g. runtime.example.com or *.example.com. Leave empty unless Test connection or a conversation reports an invalid agent address.",
    );

    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'Team');
    await user.type(screen.getByRole('textbox', { name: 'Server URL' }), 'https://app.example.com');
    await user.type(hostsField(), ' RT-1.Example.com, *.example.com  10.0.0.7,rt-1.example.com ');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fake.callsTo('servers.add')).toHaveLength(1));
    expect(fake.callsTo('servers.add')[0]).toEqual({
      server: {
        name: 'Team',
        baseUrl: 'https://app.example.com',
        agentHosts: ['rt-1.example.com', '*.example.com', '10.0.0.7'],
      },
    });
  });

  it('editing a server with agent hosts shows them at once; unchanged they do not travel, changed they do', async () => {
    const team = serverView({
      name: 'Team',
      baseUrl: 'https://app.example.com',
      agentHosts: ['rt-1.example.com', '*.runtime.example.com'],
    });
    const { user, fake } = await openDialog([team]);
    fake.answer('servers.update', () => ok(team));
    await user.click(screen.getByRole('button', { name: 'Edit Team' }));
    expect(advanced().open).toBe(true);
    expect(hostsField().value).toBe('rt-1.example.com, *.runtime.example.com');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fake.callsTo('servers.update')).toHaveLength(1));
    expect(fake.callsTo('servers.update')[0]).toEqual({
      id: 's1',
      patch: { name: 'Team', baseUrl: 'https://app.example.com' },
    });

    await user.click(await screen.findByRole('button', { name: 'Edit Team' }));
    await user.clear(hostsField());
    await user.type(hostsField(), 'rt-2.example.com');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fake.callsTo('servers.update')).toHaveLength(2));
    expect(fake.callsTo('servers.update')[1]).toEqual({
      id: 's1',
      patch: { name: 'Team', baseUrl: 'https://app.example.com', agentHosts: ['rt-2.example.com'] },
    });

    // Emptied: an empty list, so main removes them.
    await user.click(await screen.findByRole('button', { name: 'Edit Team' }));
    await user.clear(hostsField());
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fake.callsTo('servers.update')).toHaveLength(3));
    expect(fake.callsTo('servers.update')[2]).toMatchObject({ patch: { agentHosts: [] } });
  });

  it('a new address sends the list shown, so what the field shows is what is kept', async () => {
    const team = serverView({ name: 'Team', baseUrl: 'https://app.example.com', agentHosts: ['10.0.0.7'] });
    const { user, fake } = await openDialog([team]);
    fake.answer('servers.update', () => ok(team));
    await user.click(screen.getByRole('button', { name: 'Edit Team' }));
    const url = screen.getByRole('textbox', { name: 'Server URL' });
    await user.clear(url);
    await user.type(url, 'https://app2.example.com');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fake.callsTo('servers.update')).toHaveLength(1));
    expect(fake.callsTo('servers.update')[0]).toEqual({
      id: 's1',
      patch: { name: 'Team', baseUrl: 'https://app2.example.com', agentHosts: ['10.0.0.7'] },
    });
  });

  it('shows an agent-host problem from the bridge on the field, opening Advanced', async () => {
    const { user, fake } = await openDialog();
    const message = 'Agent host "rt-1.example.com:8000" must not include a port.';
    fake.answer('servers.add', () => fail('invalid-input', message, [{ field: 'agentHosts', message }]));
    await user.click(screen.getByRole('button', { name: 'Add server' }));
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'Team');
    await user.type(screen.getByRole('textbox', { name: 'Server URL' }), 'https://app.example.com');
    await user.click(screen.getByText('Advanced', { selector: 'summary' }));
    await user.type(hostsField(), 'rt-1.example.com:8000');
    // Closed again before saving: the problem opens it.
    await user.click(screen.getByText('Advanced', { selector: 'summary' }));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(hostsField().getAttribute('aria-invalid')).toBe('true'));
    // Sent as typed (it is not valid), for main to say what is wrong.
    expect(fake.callsTo('servers.add')[0]).toMatchObject({
      server: { agentHosts: ['rt-1.example.com:8000'] },
    });
    expect(description(hostsField())).toContain(message);
    expect(hostsField().closest('.field')?.textContent).toContain('must not include a port');
    expect(advanced().open).toBe(true);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('in Simplified Chinese: the Advanced section and the field are named', async () => {
    const team = serverView({ name: 'Team', baseUrl: 'https://app.example.com', agentHosts: ['10.0.0.7'] });
    const user = userEvent.setup();
    renderWithBridge(<ServersDialog onClose={() => {}} />, {
      servers: [team],
      settings: { ...DEFAULT_APP_SETTINGS, language: 'zh-CN' },
    });
    await user.click(await screen.findByRole('button', { name: '编辑 Team' }));
    expect(advanced('高级').open).toBe(true);
    expect(hostsField('智能体主机').value).toBe('10.0.0.7');
    expect(description(hostsField('智能体主机'))).toContain('*.example.com');
  });
});

describe('the Servers dialog: Cloud organisations', () => {
  const ACME = '0b5f2c1e-7a3d-4c9b-8e6f-1a2b3c4d5e6f';
  const MINE = '6a1f3c2e-8b4d-4e5f-9a7b-0c1d2e3f4a5b';
  const BETA = '9c8d7e6f-5a4b-4c3d-9e2f-1a0b9c8d7e6f';
  const cloudReport = (organizations: Report['organizations'], currentOrgId: string | null) =>
    report({
      appMode: 'saas',
      summary: 'Connected to OpenHands Cloud, API V1.',
      organizations,
      currentOrgId,
    });
  const twoOrgs = [
    { id: MINE, name: 'Personal Workspace', personal: true },
    { id: ACME, name: 'Acme', personal: false },
  ];
  const orgSelect = (): HTMLSelectElement =>
    screen.getByRole<HTMLSelectElement>('combobox', { name: 'Organization' });

  async function addCloud(user: ReturnType<typeof userEvent.setup>) {
    await user.click(screen.getByRole('button', { name: 'Add server' }));
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'Cloud');
    await user.type(screen.getByRole('textbox', { name: 'Server URL' }), 'https://app.all-hands.dev');
    await user.type(apiKeyField(), 'sk-cloud');
  }

  it('after Test connection lists two organisations, offers them by name and saves the chosen one', async () => {
    const { user, fake } = await openDialog();
    fake.answer('servers.testUnsaved', () => ok(cloudReport(twoOrgs, MINE)));
    fake.answer('servers.add', () => ok(local));
    await addCloud(user);
    expect(screen.queryByRole('combobox', { name: 'Organization' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Test connection' }));

    const select = await waitFor(orgSelect);
    // The one the key acts in now is selected; the personal workspace says so.
    expect(select.value).toBe(MINE);
    expect([...select.options].map((o) => [o.value, o.textContent])).toEqual([
      [MINE, 'Personal workspace'],
      [ACME, 'Acme'],
    ]);
    expect(description(select)).toBe(
      'Conversations are listed from this organization, and new ones start in it.',
    );
    await user.selectOptions(select, ACME);
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fake.callsTo('servers.add')).toHaveLength(1));
    expect(fake.callsTo('servers.add')[0]).toEqual({
      server: {
        name: 'Cloud',
        baseUrl: 'https://app.all-hands.dev',
        apiKey: 'sk-cloud',
        orgId: ACME,
        orgName: 'Acme',
        // What Test connection found travels with the save.
        kind: 'app-server',
      },
      sessionOnlyKey: false,
    });
  });

  it('editing: the saved organisation is selected (not the current one), shown in the row, and saved again', async () => {
    const cloud: ServerView = {
      ...serverView({
        id: 's2',
        name: 'Cloud',
        baseUrl: 'https://app.all-hands.dev',
        kind: 'cloud',
        keyStorage: 'keychain',
        hasKey: true,
      }),
      ...{ orgId: ACME, orgName: 'Acme' },
    };
    const { user, fake } = await openDialog([cloud]);
    expect(screen.getByRole('listitem', { name: 'Cloud' }).textContent).toContain('Organization: Acme');
    fake.answer('servers.test', () =>
      ok(cloudReport([...twoOrgs, { id: BETA, name: 'Beta', personal: false }], MINE)),
    );
    fake.answer('servers.update', () => ok(cloud));
    await user.click(screen.getByRole('button', { name: 'Edit Cloud' }));
    // Before a test: the saved organisation as text, and how to change it.
    expect(screen.getByRole('group', { name: 'Organization' }).textContent).toContain('Acme');
    expect(description(screen.getByRole('group', { name: 'Organization' }))).toBe(
      'Test the connection to choose another organization.',
    );

    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    const select = await waitFor(orgSelect);
    expect(select.value).toBe(ACME);
    await user.selectOptions(select, BETA);
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fake.callsTo('servers.update')).toHaveLength(1));
    expect(fake.callsTo('servers.update')[0]).toEqual({
      id: 's2',
      patch: {
        name: 'Cloud',
        baseUrl: 'https://app.all-hands.dev',
        orgId: BETA,
        orgName: 'Beta',
        kind: 'app-server',
      },
    });
  });

  it('with one organisation, shows it as text (no select) and saves it', async () => {
    const { user, fake } = await openDialog();
    fake.answer('servers.testUnsaved', () =>
      ok(cloudReport([{ id: ACME, name: 'Acme', personal: false }], ACME)),
    );
    fake.answer('servers.add', () => ok(local));
    await addCloud(user);
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    const group = await screen.findByRole('group', { name: 'Organization' });
    expect(group.textContent).toContain('Acme');
    expect(screen.queryByRole('combobox', { name: 'Organization' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fake.callsTo('servers.add')).toHaveLength(1));
    expect(fake.callsTo('servers.add')[0]).toMatchObject({ server: { orgId: ACME, orgName: 'Acme' } });
  });

  it('a self-hosted server has no organisation: nothing shown, nothing saved', async () => {
    const { user, fake } = await openDialog();
    fake.answer('servers.testUnsaved', () => ok(report({})));
    fake.answer('servers.add', () => ok(local));
    await user.click(screen.getByRole('button', { name: 'Add server' }));
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'Mine');
    await user.type(screen.getByRole('textbox', { name: 'Server URL' }), 'http://localhost:3000');
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    await screen.findByText(/Connected to OpenHands \(self-hosted\)/);
    expect(screen.queryByRole('combobox', { name: 'Organization' })).toBeNull();
    expect(screen.queryByRole('group', { name: 'Organization' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fake.callsTo('servers.add')).toHaveLength(1));
    expect(fake.callsTo('servers.add')[0]).toEqual({
      server: { name: 'Mine', baseUrl: 'http://localhost:3000', kind: 'app-server' },
    });
    const row = screen.queryByRole('listitem', { name: 'Local' });
    expect(row?.textContent ?? '').not.toContain('Organization');
  });

  it('another address or key forgets the listed organisations until tested again', async () => {
    const { user, fake } = await openDialog();
    fake.answer('servers.testUnsaved', () => ok(cloudReport(twoOrgs, MINE)));
    fake.answer('servers.add', () => ok(local));
    await addCloud(user);
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    await waitFor(orgSelect);
    // Renaming keeps them.
    await user.type(screen.getByRole('textbox', { name: 'Name' }), ' 2');
    expect(orgSelect().options).toHaveLength(2);
    await user.type(apiKeyField(), 'x');
    expect(screen.queryByRole('combobox', { name: 'Organization' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fake.callsTo('servers.add')).toHaveLength(1));
    expect(fake.callsTo('servers.add')[0]).toEqual({
      server: { name: 'Cloud 2', baseUrl: 'https://app.all-hands.dev', apiKey: 'sk-cloudx' },
      sessionOnlyKey: false,
    });
  });

  it('shows an organisation problem from the bridge next to the select', async () => {
    const { user, fake } = await openDialog();
    fake.answer('servers.testUnsaved', () => ok(cloudReport(twoOrgs, MINE)));
    fake.answer('servers.add', () =>
      fail('invalid-input', 'Organization must be an organization id (a UUID).', [
        { field: 'orgId', message: 'Organization must be an organization id (a UUID).' },
      ]),
    );
    await addCloud(user);
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    await waitFor(orgSelect);
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(orgSelect().getAttribute('aria-invalid')).toBe('true'));
    expect(orgSelect().closest('.field')?.textContent).toContain('must be an organization id');
  });
  it('in Simplified Chinese: the select, the personal workspace and the row say so', async () => {
    const user = userEvent.setup();
    const cloud: ServerView = {
      ...serverView({ id: 's2', name: 'Cloud', baseUrl: 'https://app.all-hands.dev', kind: 'cloud' }),
      ...{ orgId: ACME, orgName: 'Acme' },
    };
    const { fake } = renderWithBridge(<ServersDialog onClose={() => {}} />, {
      servers: [cloud],
      settings: { ...DEFAULT_APP_SETTINGS, language: 'zh-CN' },
    });
    await waitFor(() => expect(useServersStore.getState().loaded).toBe(true));
    const row = await screen.findByRole('listitem', { name: 'Cloud' });
    await waitFor(() => expect(row.textContent).toContain('组织：Acme'));
    fake.answer('servers.test', () => ok(cloudReport(twoOrgs, MINE)));
    await user.click(screen.getByRole('button', { name: '编辑 Cloud' }));
    await user.click(screen.getByRole('button', { name: '测试连接' }));
    const select = await screen.findByRole<HTMLSelectElement>('combobox', { name: '组织' });
    expect(select.value).toBe(ACME);
    expect([...select.options].map((o) => o.textContent)).toEqual(['个人工作区', 'Acme']);
  });
});

describe('the Servers dialog: agent servers', () => {
  it('Test connection says it found an agent server; Save keeps it as one; the row names the kind', async () => {
    const { user, fake } = await openDialog();
    fake.answer('servers.testUnsaved', () =>
      ok(
        report({
          appMode: null,
          serverKind: 'agent-server',
          agentServerVersion: '1.44.0',
          summary: 'Connected to the OpenHands agent server at 127.0.0.1:8000 (version 1.44.0).',
        }),
      ),
    );
    fake.answer('servers.add', () => ok(serverView({ id: 'b1', name: 'Laptop', kind: 'agent-server' })));
    await user.click(screen.getByRole('button', { name: 'Add server' }));
    await user.type(screen.getByRole('textbox', { name: 'Name' }), 'Laptop');
    await user.type(screen.getByRole('textbox', { name: 'Server URL' }), 'http://127.0.0.1:8000');
    await user.click(screen.getByRole('button', { name: 'Test connection' }));
    const result = await screen.findByText(/Connected to the OpenHands agent server/);
    expect(result.closest('.test-result')?.textContent).toBe(
      'Connected. Connected to the OpenHands agent server at 127.0.0.1:8000 (version 1.44.0). Found: Agent server.',
    );
    // The key field now speaks of the agent server's own key.
    expect(description(apiKeyField())).toBe(
      "The agent server's SESSION_API_KEY (leave empty if it runs without one).",
    );
    fake.state.servers = [serverView({ id: 'b1', name: 'Laptop', kind: 'agent-server' })];
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(fake.callsTo('servers.add')).toHaveLength(1));
    expect(fake.callsTo('servers.add')[0]).toEqual({
      server: { name: 'Laptop', baseUrl: 'http://127.0.0.1:8000', kind: 'agent-server' },
    });
    const row = await screen.findByRole('listitem', { name: 'Laptop' });
    expect(row.textContent).toContain('Agent server');
  });
});
