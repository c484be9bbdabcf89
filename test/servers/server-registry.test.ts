import { beforeAll, describe, expect, it } from 'vitest';
import type { AccountService } from '../../src/main/accounts/account-service';
import type { ServerRegistry } from '../../src/main/servers/server-registry';
import { useSimulator } from '../support/sim';
import { useRegistry } from './support';

const KEY = 'cloudKey0123456789abcdefABCDEF01';
const session = { sessionOnlyKey: true };

describe('ServerRegistry: accounts joined to API clients', () => {
  const sim = useSimulator({ apiKey: KEY });
  const setup = useRegistry('registry-');
  let accounts: AccountService;
  let registry: ServerRegistry;

  beforeAll(() => {
    ({ accounts, registry } = setup());
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
