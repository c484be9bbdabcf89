import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AccountError, AccountService } from '../../src/main/accounts/account-service';
import {
  KeychainUnavailableError,
  KeytarSecretStore,
  MemorySecretStore,
} from '../../src/main/accounts/secret-store';
import type { Logger } from '../../src/main/logger';
import { requireKeychain, testKeychain } from './fixtures/keychain';

/** A real KeytarSecretStore whose native module cannot be found: the "no keychain" path without a fake. */
function missingKeychain(): KeytarSecretStore {
  return new KeytarSecretStore({ moduleId: 'keytar-not-installed-for-this-test' });
}

function secret(label: string): string {
  return `sk-${label}-${randomBytes(12).toString('hex')}`;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

let dataDir: string;
let settingsPath: string;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'accounts-'));
  settingsPath = path.join(dataDir, 'servers.json');
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const id1 = 'a'.repeat(32);
const id2 = 'b'.repeat(32);

describe('AccountService basics', () => {
  it('starts empty without a settings file and does not create one until something changes', async () => {
    const accounts = await AccountService.open({ dataDir, keychain: missingKeychain() });
    expect(accounts.list()).toEqual([]);
    expect(accounts.loadProblem).toBeNull();
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('adds self-hosted and Cloud servers side by side, without keys', async () => {
    const accounts = await AccountService.open({ dataDir, keychain: missingKeychain() });
    const local = await accounts.add({ name: ' Local ', baseUrl: 'http://localhost:3000/' });
    const cloud = await accounts.add({ name: 'Cloud', baseUrl: 'https://app.all-hands.dev' });
    expect(accounts.list()).toEqual([
      {
        id: local.id,
        name: 'Local',
        baseUrl: 'http://localhost:3000',
        kind: 'self-hosted',
        keyStorage: 'none',
        hasKey: false,
        sessionKeyLost: false,
        orgId: null,
        orgName: null,
        agentHosts: [],
        recentDirs: [],
      },
      {
        id: cloud.id,
        name: 'Cloud',
        baseUrl: 'https://app.all-hands.dev',
        kind: 'cloud',
        keyStorage: 'none',
        hasKey: false,
        sessionKeyLost: false,
        orgId: null,
        orgName: null,
        agentHosts: [],
        recentDirs: [],
      },
    ]);
    expect(local.id).not.toBe(cloud.id);
    expect(await accounts.getApiKey(local.id)).toBeNull();
    const reopened = await AccountService.open({ dataDir, keychain: missingKeychain() });
    expect(reopened.list()).toEqual(accounts.list());
  });

  it('updates name and address; validates first', async () => {
    const accounts = await AccountService.open({ dataDir, keychain: missingKeychain() });
    const { id } = await accounts.add({ name: 'Local', baseUrl: 'http://localhost:3000' });
    expect(await accounts.update(id, { baseUrl: 'https://openhands.example.com/oh/' })).toMatchObject({
      name: 'Local',
      baseUrl: 'https://openhands.example.com/oh',
    });
    const error = await rejection(accounts.update(id, { name: '', baseUrl: 'ftp://x' }));
    expect(error).toBeInstanceOf(AccountError);
    expect(error).toMatchObject({
      code: 'invalid-input',
      message: 'Name is required. Server address must start with http:// or https://.',
      problems: [
        { field: 'name', message: 'Name is required.' },
        { field: 'baseUrl', message: 'Server address must start with http:// or https://.' },
      ],
    });
    expect(accounts.list()[0]?.baseUrl).toBe('https://openhands.example.com/oh');
  });

  it('rejects bad input with plain messages and changes nothing', async () => {
    const accounts = await AccountService.open({ dataDir, keychain: missingKeychain() });
    for (const input of [
      { name: 'x', baseUrl: 'javascript:alert(1)' },
      { name: 'x', baseUrl: 'http://user:pw@host' },
      { name: 'x'.repeat(81), baseUrl: 'http://h' },
      { name: 'x', baseUrl: 'http://h', apiKey: 'line\nbreak' },
    ]) {
      const error = await rejection(accounts.add(input, { sessionOnlyKey: true }));
      expect(error).toMatchObject({ name: 'AccountError', code: 'invalid-input' });
      expect((error as Error).message).not.toMatch(/ZodError|invalid_type|"path"/);
    }
    expect(accounts.list()).toEqual([]);
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('unknown ids are reported as not-found', async () => {
    const accounts = await AccountService.open({ dataDir, keychain: missingKeychain() });
    await expect(accounts.getApiKey(id1)).rejects.toMatchObject({ code: 'not-found' });
    await expect(accounts.update(id1, { name: 'x' })).rejects.toMatchObject({ code: 'not-found' });
    await expect(accounts.remove(id1)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('serialises concurrent changes', async () => {
    const accounts = await AccountService.open({ dataDir, keychain: missingKeychain() });
    const views = await Promise.all(
      Array.from({ length: 8 }, (_, i) => accounts.add({ name: `S${i}`, baseUrl: `http://s${i}.example` })),
    );
    await Promise.all([accounts.remove(views[0]!.id), accounts.update(views[1]!.id, { name: 'renamed' })]);
    const reopened = await AccountService.open({ dataDir, keychain: missingKeychain() });
    expect(reopened.list()).toEqual(accounts.list());
    expect(reopened.list().map((s) => s.name)).toEqual(['renamed', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7']);
  });
});

describe('loading servers.json', () => {
  it('keeps the saved servers across restarts', async () => {
    await writeFile(
      settingsPath,
      JSON.stringify({
        version: 1,
        servers: [
          { id: id1, name: 'Local', baseUrl: 'http://localhost:3000', keyStorage: 'none' },
          { id: id2, name: 'Cloud', baseUrl: 'https://app.all-hands.dev', keyStorage: 'keychain' },
        ],
      }),
    );
    const accounts = await AccountService.open({ dataDir, keychain: missingKeychain() });
    expect(accounts.loadProblem).toBeNull();
    expect(accounts.list().map((s) => [s.id, s.kind, s.keyStorage])).toEqual([
      [id1, 'self-hosted', 'none'],
      [id2, 'cloud', 'keychain'],
    ]);
  });

  it.each([
    ['unparsable JSON', '{"version": 1, "servers": [', /is not valid JSON/],
    ['an empty file', '', /is not valid JSON/],
    ['a newer version', JSON.stringify({ version: 2, servers: [] }), /version/],
    [
      'a bad entry',
      JSON.stringify({
        version: 1,
        servers: [{ id: 'x', name: 'n', baseUrl: 'ftp://x', keyStorage: 'none' }],
      }),
      /servers\.0\.id/,
    ],
    [
      'duplicate ids',
      JSON.stringify({
        version: 1,
        servers: [
          { id: id1, name: 'a', baseUrl: 'http://a', keyStorage: 'none' },
          { id: id1, name: 'b', baseUrl: 'http://b', keyStorage: 'none' },
        ],
      }),
      /duplicate server id/,
    ],
  ])('%s: starts with no servers, keeps the file aside and reports it', async (_label, content, detail) => {
    await writeFile(settingsPath, content);
    const accounts = await AccountService.open({
      dataDir,
      keychain: missingKeychain(),
      now: () => new Date('2025-01-02T03:04:05.006Z'),
    });
    expect(accounts.list()).toEqual([]);
    const movedTo = path.join(dataDir, 'servers.json.corrupt-2025-01-02T03-04-05-006Z');
    expect(accounts.loadProblem).toMatchObject({ kind: 'corrupt', movedTo });
    expect(accounts.loadProblem?.message).toContain('damaged');
    expect(accounts.loadProblem?.message).toContain(movedTo);
    if (accounts.loadProblem?.kind === 'corrupt') expect(accounts.loadProblem.detail).toMatch(detail);
    expect(await readFile(movedTo, 'utf8')).toBe(content);

    // The app stays usable: a new server is saved to a fresh servers.json, the bad copy stays.
    await accounts.add({ name: 'New', baseUrl: 'http://localhost:3000' });
    expect((await readdir(dataDir)).sort()).toEqual(['servers.json', path.basename(movedTo)]);
    accounts.dismissLoadProblem();
    expect(accounts.loadProblem).toBeNull();
  });

  it('an unreadable servers.json is reported, left alone, and never overwritten', async () => {
    await mkdir(settingsPath); // a folder where the file should be: reading fails with EISDIR
    const accounts = await AccountService.open({ dataDir, keychain: missingKeychain() });
    expect(accounts.list()).toEqual([]);
    expect(accounts.loadProblem).toMatchObject({ kind: 'unreadable' });
    await expect(accounts.add({ name: 'x', baseUrl: 'http://h' })).rejects.toMatchObject({
      code: 'storage-failed',
    });
    expect(await readdir(dataDir)).toEqual(['servers.json']);
  });
});

describe('Cloud organisations', () => {
  const orgA = '0b5f2c1e-7a3d-4c9b-8e6f-1a2b3c4d5e6f';
  const orgB = '9c8d7e6f-5a4b-4c3d-9e2f-1a0b9c8d7e6f';
  const savedFile = async (): Promise<{ servers: Record<string, unknown>[] }> =>
    JSON.parse(await readFile(settingsPath, 'utf8')) as { servers: Record<string, unknown>[] };

  it('a servers.json from before organisations loads, and stays without them when saved again', async () => {
    await writeFile(
      settingsPath,
      JSON.stringify({
        version: 1,
        servers: [{ id: id1, name: 'Cloud', baseUrl: 'https://app.all-hands.dev', keyStorage: 'none' }],
      }),
    );
    const accounts = await AccountService.open({ dataDir, keychain: missingKeychain() });
    expect(accounts.loadProblem).toBeNull();
    expect(accounts.list()).toEqual([
      expect.objectContaining({ id: id1, kind: 'cloud', orgId: null, orgName: null }),
    ]);
    expect(accounts.orgId(id1)).toBeNull();
    await accounts.update(id1, { name: 'Renamed' });
    expect((await savedFile()).servers).toEqual([
      { id: id1, name: 'Renamed', baseUrl: 'https://app.all-hands.dev', keyStorage: 'none' },
    ]);
  });

  it('keeps the picked organisation and its name in servers.json, across restarts', async () => {
    const accounts = await AccountService.open({ dataDir, keychain: missingKeychain() });
    const view = await accounts.add({
      name: 'Cloud',
      baseUrl: 'https://app.all-hands.dev',
      orgId: orgA.toUpperCase(),
      orgName: 'Acme',
    });
    expect(view).toMatchObject({ orgId: orgA, orgName: 'Acme' });
    expect(accounts.orgId(view.id)).toBe(orgA);
    expect((await savedFile()).servers[0]).toMatchObject({ orgId: orgA, orgName: 'Acme' });
    const reopened = await AccountService.open({ dataDir, keychain: missingKeychain() });
    expect(reopened.loadProblem).toBeNull();
    expect(reopened.list()).toEqual(accounts.list());
    expect(reopened.orgId(view.id)).toBe(orgA);
    expect(reopened.orgId(id2)).toBeNull(); // no such server
  });

  it('changes, keeps, clears the organisation; a new address clears it unless one is given', async () => {
    const accounts = await AccountService.open({ dataDir, keychain: missingKeychain() });
    const { id } = await accounts.add({ name: 'C', baseUrl: 'https://app.all-hands.dev' });
    expect(accounts.orgId(id)).toBeNull();

    expect(await accounts.update(id, { orgId: orgA, orgName: 'Acme' })).toMatchObject({
      orgId: orgA,
      orgName: 'Acme',
    });
    // The getter follows at once (the registry reads it at each request).
    expect(accounts.orgId(id)).toBe(orgA);
    // Other changes keep it; the same id without a name keeps the known name; another id without one has none.
    expect(await accounts.update(id, { name: 'C2' })).toMatchObject({ orgId: orgA, orgName: 'Acme' });
    expect(await accounts.update(id, { orgId: orgA })).toMatchObject({ orgId: orgA, orgName: 'Acme' });
    expect(await accounts.update(id, { orgId: orgB })).toMatchObject({ orgId: orgB, orgName: null });
    expect((await savedFile()).servers[0]).toEqual(expect.objectContaining({ orgId: orgB }));
    expect((await savedFile()).servers[0]).not.toHaveProperty('orgName');

    expect(await accounts.update(id, { orgId: null })).toMatchObject({ orgId: null, orgName: null });
    expect((await savedFile()).servers[0]).not.toHaveProperty('orgId');
    expect(accounts.orgId(id)).toBeNull();

    await accounts.update(id, { orgId: orgA, orgName: 'Acme' });
    expect(await accounts.update(id, { baseUrl: 'https://app.all-hands.dev/' })).toMatchObject({
      orgId: orgA, // the same address after normalising: nothing changed
    });
    expect(await accounts.update(id, { baseUrl: 'https://staging.all-hands.dev' })).toMatchObject({
      orgId: null,
      orgName: null,
    });
    expect(
      await accounts.update(id, { baseUrl: 'https://app.all-hands.dev', orgId: orgB, orgName: 'Beta' }),
    ).toMatchObject({ orgId: orgB, orgName: 'Beta' });
  });

  it('rejects a malformed organisation id next to the field and changes nothing', async () => {
    const accounts = await AccountService.open({ dataDir, keychain: missingKeychain() });
    const added = await rejection(
      accounts.add({ name: 'C', baseUrl: 'https://app.all-hands.dev', orgId: 'acme' }),
    );
    expect(added).toMatchObject({
      code: 'invalid-input',
      problems: [{ field: 'orgId', message: 'Organization must be an organization id (a UUID).' }],
    });
    expect(accounts.list()).toEqual([]);
    const { id } = await accounts.add({ name: 'C', baseUrl: 'https://app.all-hands.dev', orgId: orgA });
    const updated = await rejection(accounts.update(id, { orgId: `${orgA}0`, name: 'New' }));
    expect(updated).toMatchObject({ code: 'invalid-input', problems: [{ field: 'orgId' }] });
    expect(accounts.list()[0]).toMatchObject({ name: 'C', orgId: orgA });
  });

  it('a stored organisation id that is not a UUID makes the file unreadable, like any bad field', async () => {
    const content = JSON.stringify({
      version: 1,
      servers: [{ id: id1, name: 'C', baseUrl: 'https://app.all-hands.dev', keyStorage: 'none', orgId: 'x' }],
    });
    await writeFile(settingsPath, content);
    const accounts = await AccountService.open({ dataDir, keychain: missingKeychain() });
    expect(accounts.list()).toEqual([]);
    expect(accounts.loadProblem).toMatchObject({ kind: 'corrupt' });
    if (accounts.loadProblem?.kind === 'corrupt') expect(accounts.loadProblem.detail).toMatch(/orgId/);
  });
});

describe('agent hosts', () => {
  const savedFile = async (): Promise<{ servers: Record<string, unknown>[] }> =>
    JSON.parse(await readFile(settingsPath, 'utf8')) as { servers: Record<string, unknown>[] };

  it('are stored normalised in servers.json, shown in the view and read by id, across restarts', async () => {
    const accounts = await AccountService.open({ dataDir, keychain: missingKeychain() });
    const view = await accounts.add({
      name: 'Team',
      baseUrl: 'https://app.example.com',
      agentHosts: [' RT-1.Example.com', '*.runtime.example.com', 'rt-1.example.com', '10.0.0.7'],
    });
    const hosts = ['rt-1.example.com', '*.runtime.example.com', '10.0.0.7'];
    expect(view.agentHosts).toEqual(hosts);
    expect(accounts.agentHosts(view.id)).toEqual(hosts);
    expect((await savedFile()).servers[0]).toMatchObject({ agentHosts: hosts });
    const reopened = await AccountService.open({ dataDir, keychain: missingKeychain() });
    expect(reopened.loadProblem).toBeNull();
    expect(reopened.list()).toEqual(accounts.list());
    expect(reopened.agentHosts(view.id)).toEqual(hosts);
    expect(reopened.agentHosts(id2)).toEqual([]); // no such server
  });

  it('a server without any has none, and servers.json stays without the field', async () => {
    const accounts = await AccountService.open({ dataDir, keychain: missingKeychain() });
    const { id } = await accounts.add({ name: 'Local', baseUrl: 'http://localhost:3000', agentHosts: [] });
    expect(accounts.list()[0]?.agentHosts).toEqual([]);
    expect(accounts.agentHosts(id)).toEqual([]);
    expect((await savedFile()).servers[0]).not.toHaveProperty('agentHosts');
  });

  it('kept by an update without them, replaced or emptied by a list, cleared by a new address', async () => {
    const accounts = await AccountService.open({ dataDir, keychain: missingKeychain() });
    const { id } = await accounts.add({
      name: 'Team',
      baseUrl: 'https://app.example.com',
      agentHosts: ['rt-1.example.com'],
    });
    expect(await accounts.update(id, { name: 'Team 2' })).toMatchObject({ agentHosts: ['rt-1.example.com'] });
    // The same address after normalising is no change.
    expect(await accounts.update(id, { baseUrl: 'HTTPS://app.example.com/' })).toMatchObject({
      agentHosts: ['rt-1.example.com'],
    });
    expect(await accounts.update(id, { agentHosts: ['*.Example.com', '10.0.0.7'] })).toMatchObject({
      agentHosts: ['*.example.com', '10.0.0.7'],
    });
    // The getter follows at once (the registry reads it at each check).
    expect(accounts.agentHosts(id)).toEqual(['*.example.com', '10.0.0.7']);
    expect((await savedFile()).servers[0]).toMatchObject({ agentHosts: ['*.example.com', '10.0.0.7'] });

    expect(await accounts.update(id, { baseUrl: 'https://other.example.org' })).toMatchObject({
      agentHosts: [],
    });
    expect(accounts.agentHosts(id)).toEqual([]);
    expect((await savedFile()).servers[0]).not.toHaveProperty('agentHosts');

    // A list given with the new address wins.
    expect(
      await accounts.update(id, { baseUrl: 'https://app.example.com', agentHosts: ['rt-2.example.com'] }),
    ).toMatchObject({ baseUrl: 'https://app.example.com', agentHosts: ['rt-2.example.com'] });
    expect(await accounts.update(id, { agentHosts: [] })).toMatchObject({ agentHosts: [] });
    expect((await savedFile()).servers[0]).not.toHaveProperty('agentHosts');
  });

  it('refuses invalid entries with a problem on agentHosts and changes nothing', async () => {
    const accounts = await AccountService.open({ dataDir, keychain: missingKeychain() });
    const added = await rejection(
      accounts.add({
        name: 'Team',
        baseUrl: 'https://app.example.com',
        agentHosts: ['http://rt-1.example.com'],
      }),
    );
    expect(added).toBeInstanceOf(AccountError);
    expect(added).toMatchObject({
      code: 'invalid-input',
      problems: [
        {
          field: 'agentHosts',
          message:
            'Agent host "http://rt-1.example.com" must be a host name only, without http:// or https://.',
        },
      ],
    });
    expect(accounts.list()).toEqual([]);

    const { id } = await accounts.add({
      name: 'Team',
      baseUrl: 'https://app.example.com',
      agentHosts: ['rt-1.example.com'],
    });
    for (const agentHosts of [['rt-1.example.com:8000'], ['*.com'], ['user@rt-1.example.com']]) {
      const updated = await rejection(accounts.update(id, { name: 'New', agentHosts }));
      expect(updated, agentHosts[0]).toMatchObject({
        code: 'invalid-input',
        problems: [{ field: 'agentHosts' }],
      });
    }
    expect(accounts.list()[0]).toMatchObject({ name: 'Team', agentHosts: ['rt-1.example.com'] });
    expect((await savedFile()).servers[0]).toMatchObject({ name: 'Team', agentHosts: ['rt-1.example.com'] });
  });

  it('a stored entry that is not a host makes the file unreadable, like any bad field', async () => {
    await writeFile(
      settingsPath,
      JSON.stringify({
        version: 1,
        servers: [
          { id: id1, name: 'T', baseUrl: 'https://app.example.com', keyStorage: 'none', agentHosts: ['a/b'] },
        ],
      }),
    );
    const accounts = await AccountService.open({ dataDir, keychain: missingKeychain() });
    expect(accounts.list()).toEqual([]);
    expect(accounts.loadProblem).toMatchObject({ kind: 'corrupt' });
    if (accounts.loadProblem?.kind === 'corrupt') expect(accounts.loadProblem.detail).toMatch(/agentHosts/);
  });
});

describe('without a keychain', () => {
  it('reports the keychain as unavailable, in plain words', async () => {
    const accounts = await AccountService.open({ dataDir, keychain: missingKeychain() });
    const status = await accounts.keychainStatus();
    expect(status).toMatchObject({ state: 'unavailable', reason: 'module-missing' });
    if (status.state === 'unavailable') {
      expect(status.message).toMatch(/keychain/);
      expect(status.message).toMatch(/this session only/);
      expect(status.detail).toMatch(/keytar-not-installed-for-this-test/);
    }
  });

  it('refuses to add a key, then accepts it for this session only — never on disk', async () => {
    const accounts = await AccountService.open({ dataDir, keychain: missingKeychain() });
    const key = secret('session');
    const input = { name: 'Cloud', baseUrl: 'https://app.all-hands.dev', apiKey: key };

    const error = await rejection(accounts.add(input));
    expect(error).toBeInstanceOf(KeychainUnavailableError);
    expect(error).toMatchObject({ code: 'keychain-unavailable', reason: 'module-missing' });
    expect(accounts.list()).toEqual([]);
    expect(await readdir(dataDir)).toEqual([]);

    const view = await accounts.add(input, { sessionOnlyKey: true });
    expect(view).toMatchObject({ keyStorage: 'session', hasKey: true, sessionKeyLost: false, kind: 'cloud' });
    expect(await accounts.getApiKey(view.id)).toBe(key);
    const bytes = await readFile(settingsPath);
    expect(bytes.includes(Buffer.from(key))).toBe(false);
    expect(JSON.parse(bytes.toString('utf8'))).toEqual({
      version: 1,
      servers: [{ id: view.id, name: 'Cloud', baseUrl: 'https://app.all-hands.dev', keyStorage: 'session' }],
    });
    expect(JSON.stringify(accounts.list())).not.toContain(key);
  });

  it('after a restart a session-only key is gone, and the view says so', async () => {
    const first = await AccountService.open({ dataDir, keychain: missingKeychain() });
    const { id } = await first.add(
      { name: 'S', baseUrl: 'http://h', apiKey: secret('s') },
      { sessionOnlyKey: true },
    );

    const second = await AccountService.open({ dataDir, keychain: missingKeychain() });
    expect(second.list()).toEqual([
      {
        id,
        name: 'S',
        baseUrl: 'http://h',
        kind: 'self-hosted',
        keyStorage: 'none',
        hasKey: false,
        sessionKeyLost: true,
        orgId: null,
        orgName: null,
        agentHosts: [],
        recentDirs: [],
      },
    ]);
    expect(await second.getApiKey(id)).toBeNull();

    const again = secret('again');
    expect(await second.update(id, { apiKey: again }, { sessionOnlyKey: true })).toMatchObject({
      keyStorage: 'session',
      sessionKeyLost: false,
    });
    expect(await second.getApiKey(id)).toBe(again);

    // Removing the key for good clears the flag across restarts too.
    await second.update(id, { apiKey: null });
    const third = await AccountService.open({ dataDir, keychain: missingKeychain() });
    expect(third.list()[0]).toMatchObject({ keyStorage: 'none', sessionKeyLost: false });
  });

  it('a keychain server cannot lose its key silently: remove fails unless forced', async () => {
    await writeFile(
      settingsPath,
      JSON.stringify({
        version: 1,
        servers: [{ id: id1, name: 'K', baseUrl: 'http://k', keyStorage: 'keychain' }],
      }),
    );
    const accounts = await AccountService.open({ dataDir, keychain: missingKeychain() });
    await expect(accounts.getApiKey(id1)).rejects.toBeInstanceOf(KeychainUnavailableError);
    await expect(accounts.update(id1, { apiKey: null })).rejects.toBeInstanceOf(KeychainUnavailableError);
    await expect(accounts.remove(id1)).rejects.toBeInstanceOf(KeychainUnavailableError);
    expect(accounts.list()).toHaveLength(1);
    expect(await accounts.remove(id1, { force: true })).toEqual({ keyDeleted: false });
    expect(accounts.list()).toEqual([]);
  });

  it('a session-only key is removed with its server', async () => {
    const session = new MemorySecretStore();
    const accounts = await AccountService.open({ dataDir, keychain: missingKeychain(), session });
    const { id } = await accounts.add(
      { name: 'S', baseUrl: 'http://h', apiKey: secret('s') },
      { sessionOnlyKey: true },
    );
    expect(session.has(id)).toBe(true);
    expect(await accounts.remove(id)).toEqual({ keyDeleted: true });
    expect(session.has(id)).toBe(false);
  });
});

describe('keys never reach a log', () => {
  const keychain = testKeychain();

  async function exercise(accounts: AccountService, sessionOnlyKey: boolean, keys: string[]): Promise<void> {
    const [k1, k2, k3] = keys;
    if (!k1 || !k2 || !k3) throw new Error('three keys needed');
    const { id } = await accounts.add(
      { name: 'Logged', baseUrl: 'http://logged.example', apiKey: k1 },
      { sessionOnlyKey },
    );
    await accounts.update(id, { apiKey: k2, name: 'Renamed' }, { sessionOnlyKey });
    expect(await accounts.getApiKey(id)).toBe(k2);
    await rejection(accounts.update(id, { apiKey: `${k3}\n` })); // invalid: must not be echoed
    await rejection(accounts.add({ name: '', baseUrl: 'ftp://x', apiKey: k3 })); // invalid too
    await accounts.update(id, { apiKey: null });
    await accounts.update(id, { apiKey: k3 }, { sessionOnlyKey });
    await accounts.remove(id);
  }

  it.for([
    ['the keychain', false],
    ['a session-only store', true],
  ] as const)('add/update/remove with %s', async ([label, sessionOnlyKey], ctx) => {
    if (!sessionOnlyKey) requireKeychain(ctx, await keychain.probe());
    const lines: string[] = [];
    const logger: Logger = {
      info: (m) => lines.push(m),
      warn: (m) => lines.push(m),
      error: (m) => lines.push(m),
    };
    const consoleSpies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        lines.push(args.map(String).join(' '));
      }),
    );
    const errors: unknown[] = [];
    const keys = [secret('one'), secret('two'), secret('three')];
    try {
      const accounts = await AccountService.open({ dataDir, keychain, logger });
      await exercise(accounts, sessionOnlyKey, keys).catch((error: unknown) => errors.push(error));
    } finally {
      for (const spy of consoleSpies) spy.mockRestore();
    }
    expect(errors, label).toEqual([]);
    expect(lines.some((line) => line.includes('added server'))).toBe(true);
    const everything = lines.join('\n');
    for (const key of keys) expect(everything).not.toContain(key);
  });
});
