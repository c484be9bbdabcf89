import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountService } from '../../src/main/accounts/account-service';
import { KeytarSecretStore } from '../../src/main/accounts/secret-store';
import { HttpClient } from '../../src/main/api/http-client';
import { ServerRegistry } from '../../src/main/servers/server-registry';
import { useSimulator } from '../support/sim';

const KEY = 'cloudKey0123456789abcdefABCDEF01';
const session = { sessionOnlyKey: true };

describe('ServerRegistry: accounts joined to API clients', () => {
  const sim = useSimulator({ apiKey: KEY });
  let dataDir: string;
  let accounts: AccountService;
  let registry: ServerRegistry;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'registry-'));
    // Keys are kept for the session here (a keychain whose module is absent), the path a user without a
    // keychain takes; the keychain itself is tested in test/accounts.
    accounts = await AccountService.open({
      dataDir,
      keychain: new KeytarSecretStore({ moduleId: 'keytar-absent-in-this-test' }),
    });
    registry = new ServerRegistry(
      accounts,
      new HttpClient({ retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 20, maxRetryAfterMs: 1000 } }),
    );
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('tests a saved server with the key from its account, and reports a wrong key plainly', async () => {
    const view = await accounts.add({ name: 'Cloud (sim)', baseUrl: sim().url, apiKey: KEY }, session);
    const ok = await registry.test(view.id);
    expect(ok).toMatchObject({ ok: true, appMode: 'saas', authenticated: true, v1Available: true });
    expect(ok.summary).toContain('OpenHands Cloud');

    await accounts.update(view.id, { apiKey: 'wrongKey0123456789abcdefABCDEF01' }, session);
    const bad = await registry.test(view.id);
    expect(bad).toMatchObject({ ok: false, authenticated: false });
    expect(bad.problem?.kind).toBe('unauthorized');
    expect(JSON.stringify(bad)).not.toContain('wrongKey0123456789abcdefABCDEF01');
  });

  it('tests an address and key before they are saved, without storing anything', async () => {
    const before = accounts.list().length;
    expect((await registry.testUnsaved({ baseUrl: `${sim().url}/`, apiKey: KEY })).ok).toBe(true);
    expect((await registry.testUnsaved({ baseUrl: sim().url })).summary).toContain('needs an API key');
    await expect(registry.testUnsaved({ baseUrl: 'javascript:alert(1)' })).rejects.toMatchObject({
      kind: 'bad-request',
    });
    expect(accounts.list()).toHaveLength(before);
  });

  it('sends the account key in headers only, and follows an edited address to a new client', async () => {
    const view = await accounts.add({ name: 'Cloud 2', baseUrl: sim().url, apiKey: KEY }, session);
    const server = registry.get(view.id);
    sim().clearRequests();
    const page = await server.listConversations();
    expect(page.items).toEqual([]);
    const sent = sim().requests.filter((r) => r.server === 'app');
    expect(sent.length).toBeGreaterThan(0);
    for (const r of sent) {
      expect(r.headers.authorization).toBe(`Bearer ${KEY}`);
      expect(r.url).not.toContain(KEY);
    }
    expect(registry.get(view.id)).toBe(server);
    await accounts.update(view.id, { baseUrl: `${sim().url}/other` });
    expect(registry.get(view.id)).not.toBe(server);
    await accounts.remove(view.id);
    expect(() => registry.get(view.id)).toThrow(expect.objectContaining({ kind: 'not-found' }) as Error);
  });
});
