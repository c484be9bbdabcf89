// A server entry's Cloud organisation, over real HTTP against the simulator in Cloud mode with two orgs:
// requests carry `X-Org-Id` read from the account at each request, conversation lists are scoped to it, Test
// connection lists the organisations, and changing the org through the bridge makes the poller list the new
// org's conversations instead of the old one's.
import { beforeAll, describe, expect, it } from 'vitest';
import type { AccountService } from '../../src/main/accounts/account-service';
import type { ServerRegistry } from '../../src/main/servers/server-registry';
import type { TrackedConversation } from '../../src/shared/live';
import { CLOUD_USER_ID } from '../simulator/simulator';
import { useBridgedMain } from '../support/bridged-main';
import { useSimulator, waitFor } from '../support/sim';
import { useRegistry } from './support';

const KEY = 'cloudKey0123456789abcdefABCDEF01';
const session = { sessionOnlyKey: true };
/** The first org is the user's current one (used when a request sends no `X-Org-Id`). */
const ORG_A = { id: '0b5f2c1e-7a3d-4c9b-8e6f-1a2b3c4d5e6f', name: 'Acme' };
/** The user's personal workspace: its id is the user's own. */
const ORG_B = { id: CLOUD_USER_ID, name: 'Personal Workspace' };
const NOT_A_MEMBER = 'ffffffff-1111-4222-8333-444444444444';

describe('a server entry acts in its Cloud organisation', () => {
  const sim = useSimulator({ apiKey: KEY, orgs: [ORG_A, ORG_B] });
  const setup = useRegistry('registry-orgs-');
  let accounts: AccountService;
  let registry: ServerRegistry;

  beforeAll(async () => {
    ({ accounts, registry } = setup());
    await sim().seedConversation({ title: 'A one', orgId: ORG_A.id });
    await sim().seedConversation({ title: 'A two', orgId: ORG_A.id });
    await sim().seedConversation({ title: 'B one', orgId: ORG_B.id });
  });

  const appRequests = () => sim().requests.filter((r) => r.server === 'app');
  const titles = async (serverId: string): Promise<string[]> =>
    (await registry.get(serverId).listConversations()).items.map((c) => c.title ?? '').sort();

  it('Test connection lists the organisations and the current one', async () => {
    const report = await registry.testUnsaved({ baseUrl: sim().url, apiKey: KEY });
    expect(report).toMatchObject({ ok: true, appMode: 'saas', currentOrgId: ORG_A.id });
    expect(report.organizations).toEqual([
      { id: ORG_A.id, name: 'Acme', personal: false },
      { id: ORG_B.id, name: 'Personal Workspace', personal: true },
    ]);
  });

  it('lists only the conversations of the entry’s org and sends X-Org-Id with every request', async () => {
    const view = await accounts.add(
      { name: 'Cloud A', baseUrl: sim().url, apiKey: KEY, orgId: ORG_A.id, orgName: ORG_A.name },
      session,
    );
    sim().clearRequests();
    expect(await titles(view.id)).toEqual(['A one', 'A two']);
    expect(appRequests().length).toBeGreaterThan(0);
    for (const r of appRequests()) expect(r.headers['x-org-id'], r.url).toBe(ORG_A.id);

    const b = await accounts.add(
      { name: 'Cloud B', baseUrl: sim().url, apiKey: KEY, orgId: ORG_B.id, orgName: ORG_B.name },
      session,
    );
    sim().clearRequests();
    expect(await titles(b.id)).toEqual(['B one']);
    expect(appRequests().length).toBeGreaterThan(0);
    for (const r of appRequests()) expect(r.headers['x-org-id'], r.url).toBe(ORG_B.id);

    // Testing a saved entry reports the org it acts in.
    expect(await registry.test(b.id)).toMatchObject({ ok: true, currentOrgId: ORG_B.id });
  });

  it('a changed org applies to the next request of the same client; none means the current org', async () => {
    const view = await accounts.add({ name: 'Switching', baseUrl: sim().url, apiKey: KEY }, session);
    const server = registry.get(view.id);
    sim().clearRequests();
    expect(await titles(view.id)).toEqual(['A one', 'A two']);
    for (const r of appRequests()) expect(r.headers['x-org-id']).toBeUndefined();

    await accounts.update(view.id, { orgId: ORG_B.id });
    expect(registry.get(view.id)).toBe(server); // same client, no restart
    sim().clearRequests();
    expect(await titles(view.id)).toEqual(['B one']);
    for (const r of appRequests()) expect(r.headers['x-org-id']).toBe(ORG_B.id);

    await accounts.update(view.id, { orgId: null });
    sim().clearRequests();
    expect(await titles(view.id)).toEqual(['A one', 'A two']);
    for (const r of appRequests()) expect(r.headers['x-org-id']).toBeUndefined();
  });

  it('an org the user is not in: requests are refused (403), and Test connection offers the orgs there are', async () => {
    const view = await accounts.add(
      { name: 'Left', baseUrl: sim().url, apiKey: KEY, orgId: NOT_A_MEMBER, orgName: 'Gone' },
      session,
    );
    await expect(registry.get(view.id).listConversations()).rejects.toMatchObject({ kind: 'forbidden' });
    const report = await registry.test(view.id);
    expect(report).toMatchObject({
      ok: false,
      reachable: true,
      authenticated: true,
      currentOrgId: ORG_A.id,
      problem: { kind: 'forbidden' },
    });
    expect(report.organizations?.map((o) => o.id)).toEqual([ORG_A.id, ORG_B.id]);
    expect(report.summary).toContain('refused the organization saved for this server');
    // The entry itself is left as it was until the user picks another org.
    expect(accounts.orgId(view.id)).toBe(NOT_A_MEMBER);
  });
});

describe('changing a server’s org through the bridge: the poller follows', () => {
  const sim = useSimulator({ apiKey: KEY, orgs: [ORG_A, ORG_B] });
  const { dispatch } = useBridgedMain('orgs-bridge-');

  beforeAll(async () => {
    await sim().seedConversation({ title: 'A one', orgId: ORG_A.id });
    await sim().seedConversation({ title: 'B one', orgId: ORG_B.id });
  });

  const listed = async (serverId: string): Promise<string[]> => {
    const result = await dispatch('conversations:list', undefined);
    if (!result.ok) throw new Error(result.error.message);
    return (result.data as TrackedConversation[])
      .filter((c) => c.serverId === serverId)
      .map((c) => c.title ?? '')
      .sort();
  };
  const until = (serverId: string, expected: string[], what: string) =>
    waitFor(async () => JSON.stringify(await listed(serverId)) === JSON.stringify(expected), 10_000, what);

  it('lists org B’s conversations, then only org A’s after the entry is switched to A', async () => {
    const added = await dispatch('servers:add', {
      server: { name: 'Cloud', baseUrl: sim().url, apiKey: KEY, orgId: ORG_B.id, orgName: ORG_B.name },
      // This main's keychain is a memory store that calls itself 'session': keep the key there.
      sessionOnlyKey: true,
    });
    if (!added.ok) throw new Error(added.error.message);
    const view = added.data as { id: string; orgId: string | null; orgName: string | null };
    expect(view).toMatchObject({ orgId: ORG_B.id, orgName: 'Personal Workspace' });
    await until(view.id, ['B one'], "org B's conversations");

    const updated = await dispatch('servers:update', {
      id: view.id,
      patch: { orgId: ORG_A.id, orgName: ORG_A.name },
    });
    if (!updated.ok) throw new Error(updated.error.message);
    sim().clearRequests();
    await until(view.id, ['A one'], "only org A's conversations");
    const sent = sim().requests.filter((r) => r.server === 'app');
    expect(sent.length).toBeGreaterThan(0);
    for (const r of sent) expect(r.headers['x-org-id'], r.url).toBe(ORG_A.id);

    const list = await dispatch('servers:list', undefined);
    expect(list.ok && list.data).toEqual([
      expect.objectContaining({ id: view.id, orgId: ORG_A.id, orgName: 'Acme' }),
    ]);
  });

  it('a malformed org id is refused at the bridge, next to the field', async () => {
    const added = await dispatch('servers:add', {
      server: { name: 'Bad', baseUrl: sim().url, apiKey: KEY, orgId: 'acme' },
    });
    expect(added).toMatchObject({
      ok: false,
      error: {
        code: 'invalid-input',
        fields: [{ field: 'orgId', message: 'Organization must be an organization id (a UUID).' }],
      },
    });
  });
});
