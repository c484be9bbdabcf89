import { afterAll, beforeAll } from 'vitest';
import { AccountService } from '../../src/main/accounts/account-service';
import { KeytarSecretStore } from '../../src/main/accounts/secret-store';
import { HttpClient } from '../../src/main/api/http-client';
import { ServerRegistry } from '../../src/main/servers/server-registry';
import { tempDir } from '../support/temp-dir';

export interface RegistrySetup {
  accounts: AccountService;
  registry: ServerRegistry;
}

/**
 * Before the calling suite's tests: an AccountService in a fresh data dir (under the OS temp dir, named from
 * `prefix`) and a ServerRegistry over it whose HttpClient retries fast. The data dir is removed after the suite.
 * Returns the getter for both, to call once the suite's tests (or its later beforeAll hooks) run.
 */
export function useRegistry(prefix: string): () => RegistrySetup {
  let setup: RegistrySetup | undefined;
  let cleanup: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const temp = await tempDir(prefix);
    cleanup = temp.cleanup;
    // Keys are kept for the session here (a keychain whose module is absent), the path a user without a
    // keychain takes; the keychain itself is tested in test/accounts.
    const accounts = await AccountService.open({
      dataDir: temp.dir,
      keychain: new KeytarSecretStore({ moduleId: 'keytar-absent-in-this-test' }),
    });
    const registry = new ServerRegistry(
      accounts,
      new HttpClient({ retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 20, maxRetryAfterMs: 1000 } }),
    );
    setup = { accounts, registry };
  });
  afterAll(async () => {
    await cleanup?.();
  });
  return () => {
    if (!setup) throw new Error('registry not set up');
    return setup;
  };
}
