// Against the REAL OS keychain (Linux: a throwaway gnome-keyring from `npm run test:unit`), under a test
// service name. Without a reachable keychain these tests skip with the reason — or fail on CI.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccountService } from '../../src/main/accounts/account-service';
import { TEST_SERVICE, requireKeychain, testKeychain } from './fixtures/keychain';

const keychain = testKeychain();
const started = Date.now();
const status = await keychain.probe();

/** Accounts this file wrote, deleted again at the end even if a test failed half-way. */
const touched = new Set<string>();
afterAll(async () => {
  if (status.state === 'available') for (const account of touched) await keychain.delete(account);
  console.log(`keychain tests (${status.state}) took ${Date.now() - started} ms, service "${TEST_SERVICE}"`);
});

function secret(label: string): string {
  return `sk-${label}-${randomBytes(12).toString('hex')}`;
}

describe('KeytarSecretStore on the real keychain', () => {
  it('stores, reads, replaces and deletes a secret', async (ctx) => {
    requireKeychain(ctx, status);
    const account = `acct-${randomBytes(8).toString('hex')}`;
    touched.add(account);
    expect(await keychain.get(account)).toBeNull();

    const first = secret('first');
    await keychain.set(account, first);
    expect(await keychain.get(account)).toBe(first);

    const second = secret('second');
    await keychain.set(account, second);
    expect(await keychain.get(account)).toBe(second);
    // Another store instance (as after a restart) sees the same keychain entry.
    expect(await testKeychain().get(account)).toBe(second);

    expect(await keychain.delete(account)).toBe(true);
    expect(await keychain.get(account)).toBeNull();
    expect(await keychain.delete(account)).toBe(false);
  });

  it('keeps accounts apart', async (ctx) => {
    requireKeychain(ctx, status);
    const a = `acct-a-${randomBytes(8).toString('hex')}`;
    const b = `acct-b-${randomBytes(8).toString('hex')}`;
    touched.add(a).add(b);
    const [ka, kb] = [secret('a'), secret('b')];
    await Promise.all([keychain.set(a, ka), keychain.set(b, kb)]);
    expect(await keychain.get(a)).toBe(ka);
    expect(await keychain.get(b)).toBe(kb);
    await keychain.delete(a);
    expect(await keychain.get(b)).toBe(kb);
  });
});

describe('AccountService with the real keychain', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'accounts-keychain-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps the key in the keychain and never in servers.json', async (ctx) => {
    requireKeychain(ctx, status);
    const accounts = await AccountService.open({ dataDir, keychain });
    const key = secret('cloud');
    const view = await accounts.add({ name: 'Cloud', baseUrl: 'https://app.all-hands.dev/', apiKey: key });
    touched.add(view.id);
    expect(view).toEqual({
      id: view.id,
      name: 'Cloud',
      baseUrl: 'https://app.all-hands.dev',
      kind: 'cloud',
      keyStorage: 'keychain',
      hasKey: true,
      sessionKeyLost: false,
      orgId: null,
      orgName: null,
      agentHosts: [],
      recentDirs: [],
    });
    expect(view.id).toMatch(/^[0-9a-f]{32}$/);
    expect(await keychain.get(view.id)).toBe(key);
    expect(await accounts.getApiKey(view.id)).toBe(key);

    const bytes = await readFile(accounts.settingsPath);
    expect(bytes.includes(Buffer.from(key))).toBe(false);
    expect(JSON.parse(bytes.toString('utf8'))).toEqual({
      version: 1,
      servers: [{ id: view.id, name: 'Cloud', baseUrl: 'https://app.all-hands.dev', keyStorage: 'keychain' }],
    });

    // After a restart the key comes back from the keychain.
    const reopened = await AccountService.open({ dataDir, keychain: testKeychain() });
    expect(reopened.list()).toEqual([view]);
    expect(await reopened.getApiKey(view.id)).toBe(key);
  });

  it('replaces and removes a key through update, never writing it to disk', async (ctx) => {
    requireKeychain(ctx, status);
    const accounts = await AccountService.open({ dataDir, keychain });
    const first = secret('first');
    const { id } = await accounts.add({ name: 'Local', baseUrl: 'http://localhost:3000', apiKey: first });
    touched.add(id);

    const second = secret('second');
    expect(await accounts.update(id, { apiKey: second, name: 'Local 2' })).toMatchObject({
      name: 'Local 2',
      keyStorage: 'keychain',
    });
    expect(await keychain.get(id)).toBe(second);
    let bytes = await readFile(accounts.settingsPath);
    expect(bytes.includes(Buffer.from(first)) || bytes.includes(Buffer.from(second))).toBe(false);

    expect(await accounts.update(id, { apiKey: null })).toMatchObject({ keyStorage: 'none', hasKey: false });
    expect(await keychain.get(id)).toBeNull();
    expect(await accounts.getApiKey(id)).toBeNull();
    bytes = await readFile(accounts.settingsPath);
    expect(JSON.parse(bytes.toString('utf8'))).toMatchObject({ servers: [{ id, keyStorage: 'none' }] });

    // A server without a key gets one later.
    const third = secret('third');
    await accounts.update(id, { apiKey: third });
    expect(await accounts.getApiKey(id)).toBe(third);
  });

  it("deletes a server's key with the server, and only that key", async (ctx) => {
    requireKeychain(ctx, status);
    const accounts = await AccountService.open({ dataDir, keychain });
    const [ka, kb] = [secret('a'), secret('b')];
    const a = await accounts.add({ name: 'A', baseUrl: 'http://a.example', apiKey: ka });
    const b = await accounts.add({ name: 'B', baseUrl: 'http://b.example', apiKey: kb });
    touched.add(a.id).add(b.id);

    expect(await accounts.remove(a.id)).toEqual({ keyDeleted: true });
    expect(await keychain.get(a.id)).toBeNull();
    expect(await keychain.get(b.id)).toBe(kb);
    expect(accounts.list().map((s) => s.id)).toEqual([b.id]);

    const reopened = await AccountService.open({ dataDir, keychain });
    expect(reopened.list().map((s) => s.id)).toEqual([b.id]);
  });

  it('switching a keychain key to a session-only key removes the keychain copy', async (ctx) => {
    requireKeychain(ctx, status);
    const accounts = await AccountService.open({ dataDir, keychain });
    const { id } = await accounts.add({ name: 'A', baseUrl: 'http://a.example', apiKey: secret('kc') });
    touched.add(id);
    const sessionKey = secret('session');
    expect(await accounts.update(id, { apiKey: sessionKey }, { sessionOnlyKey: true })).toMatchObject({
      keyStorage: 'session',
    });
    expect(await keychain.get(id)).toBeNull();
    expect(await accounts.getApiKey(id)).toBe(sessionKey);
  });
});
