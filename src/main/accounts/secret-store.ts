// Where API keys are kept: the OS keychain through keytar (macOS Keychain, Windows Credential Vault,
// libsecret on Linux), or main's memory for this run only. Callers see one async interface, so another
// backend (e.g. Electron safeStorage) can be added without touching them.
//
// Keys never leave these stores except through `get`, never go to disk in plain text and are never part of
// an error message (keytar's own messages do not contain them either).
import { createRequire } from 'node:module';
import { APP_NAME } from '../../shared/app-info';
import type { MessageKey } from '../../shared/i18n/translator';
import type { KeychainStatus, KeychainUnavailableReason } from '../../shared/servers';
import { t } from '../i18n';

export interface SecretStore {
  /** Which `keyStorage` a key kept here has. */
  readonly storage: 'keychain' | 'session';
  /** Whether the store can be used right now. Never throws; bounded in time. */
  probe(): Promise<KeychainStatus>;
  /** The secret, or null when there is none. */
  get(account: string): Promise<string | null>;
  /** Stores or replaces the secret. */
  set(account: string, secret: string): Promise<void>;
  /** Removes the secret; false if there was none. */
  delete(account: string): Promise<boolean>;
  /**
   * Whether the store is locked, so `get` could not see what it holds. A locked libsecret collection
   * answers every read with "nothing there" rather than an error, which would send requests without
   * their key: a caller that expected a secret asks this before taking null for "gone".
   */
  isLocked(): Promise<boolean>;
}

/** What the user reads for each reason, in the app's language (catalog area `mainErrors`). */
const USER_MESSAGES: Record<KeychainUnavailableReason, MessageKey> = {
  // keytar is an optional dependency: an install without libsecret's headers (Linux) still works, without it.
  'module-missing': 'mainErrors.keychainModuleMissing',
  locked: 'mainErrors.keychainLocked',
  unreachable: 'mainErrors.keychainUnreachable',
  timeout: 'mainErrors.keychainTimeout',
};

/** The OS keychain cannot be used. `message` is for the user; `detail` is the technical cause (no secrets). */
export class KeychainUnavailableError extends Error {
  readonly code = 'keychain-unavailable' as const;
  override readonly name = 'KeychainUnavailableError';

  constructor(
    readonly reason: KeychainUnavailableReason,
    readonly detail: string,
  ) {
    super(t(USER_MESSAGES[reason]));
  }

  toStatus(): KeychainStatus {
    return { state: 'unavailable', reason: this.reason, message: this.message, detail: this.detail };
  }
}

/** The part of keytar we use. */
interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

function isKeytarApi(value: unknown): value is KeytarApi {
  if (typeof value !== 'object' || value === null) return false;
  const api = value as Record<string, unknown>;
  return (
    typeof api.getPassword === 'function' &&
    typeof api.setPassword === 'function' &&
    typeof api.deletePassword === 'function'
  );
}

export interface KeytarSecretStoreOptions {
  /** Keychain service name (default "OpenHands Desktop"). Tests use their own so they never touch real keys. */
  service?: string;
  /** Module to load (default 'keytar'). Pointing it at a module that does not exist shows the no-module path. */
  moduleId?: string;
  /** How long one keychain call may take before it counts as "keychain unavailable" (default 5 s). */
  timeoutMs?: number;
}

/** Probe account: read (never written) to check that the keychain answers. */
const PROBE_ACCOUNT = 'openhands-desktop-availability-probe';
/** Written and deleted at once by `isLocked`: only a write tells a locked collection from an empty one. */
const LOCK_PROBE_ACCOUNT = 'openhands-desktop-lock-probe';

/** libsecret's words for a locked collection ("Cannot create an item in a locked collection"). */
const LOCKED = /\blocked\b/i;

export class KeytarSecretStore implements SecretStore {
  readonly storage = 'keychain' as const;
  readonly service: string;
  private readonly moduleId: string;
  private readonly timeoutMs: number;
  private keytar: KeytarApi | undefined;
  /** Why keytar could not be loaded (each use then fails with a fresh error, worded in the language of now). */
  private loadError: string | undefined;
  /**
   * Calls that timed out but have not returned yet. Each one holds a libuv thread-pool thread (keytar
   * blocks one per call), so while any is outstanding new calls fail fast instead of piling up and
   * starving file I/O.
   */
  private stuckCalls = 0;

  constructor(options: KeytarSecretStoreOptions = {}) {
    this.service = options.service ?? APP_NAME;
    this.moduleId = options.moduleId ?? 'keytar';
    this.timeoutMs = options.timeoutMs ?? 5_000;
  }

  async probe(): Promise<KeychainStatus> {
    try {
      await this.call('probe', (k) => k.getPassword(this.service, PROBE_ACCOUNT));
      // A locked collection answers reads as if empty; only a write shows it.
      if (await this.isLocked())
        return new KeychainUnavailableError('locked', 'the keychain answers but is locked').toStatus();
      return { state: 'available' };
    } catch (error) {
      if (error instanceof KeychainUnavailableError) return error.toStatus();
      throw error;
    }
  }

  get(account: string): Promise<string | null> {
    return this.call('read', (k) => k.getPassword(this.service, account));
  }

  set(account: string, secret: string): Promise<void> {
    // Callers validate keys (shared/servers.ts); an empty one here is a bug, not an unavailable keychain.
    if (secret.length === 0 || account.length === 0) {
      return Promise.reject(new TypeError('KeytarSecretStore.set: empty account or secret'));
    }
    return this.call('write', (k) => k.setPassword(this.service, account, secret));
  }

  delete(account: string): Promise<boolean> {
    return this.call('delete', (k) => k.deletePassword(this.service, account));
  }

  async isLocked(): Promise<boolean> {
    try {
      await this.set(LOCK_PROBE_ACCOUNT, 'probe');
      await this.delete(LOCK_PROBE_ACCOUNT);
      return false;
    } catch (error) {
      return error instanceof KeychainUnavailableError && error.reason === 'locked';
    }
  }

  /**
   * Loads keytar on first use, not at import: a missing or broken native module then means "keychain
   * unavailable" instead of a crash when the accounts code is imported.
   */
  private load(): KeytarApi {
    if (this.keytar) return this.keytar;
    if (this.loadError !== undefined) throw new KeychainUnavailableError('module-missing', this.loadError);
    try {
      const requireHere = createRequire(__filename);
      const loaded: unknown = requireHere(this.moduleId);
      if (!isKeytarApi(loaded)) throw new Error(`'${this.moduleId}' does not look like keytar`);
      this.keytar = loaded;
      return loaded;
    } catch (error) {
      this.loadError = describe(error);
      throw new KeychainUnavailableError('module-missing', this.loadError);
    }
  }

  private async call<T>(operation: string, run: (keytar: KeytarApi) => Promise<T>): Promise<T> {
    const keytar = this.load();
    if (this.stuckCalls > 0) {
      throw new KeychainUnavailableError(
        'timeout',
        `keychain ${operation} skipped: an earlier call has not returned`,
      );
    }
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const attempt = Promise.resolve()
      .then(() => run(keytar))
      .catch((error: unknown) => {
        const detail = `keychain ${operation} failed: ${describe(error)}`;
        throw new KeychainUnavailableError(LOCKED.test(describe(error)) ? 'locked' : 'unreachable', detail);
      })
      .finally(() => {
        if (timedOut) this.stuckCalls -= 1;
      });
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        this.stuckCalls += 1;
        reject(
          new KeychainUnavailableError('timeout', `keychain ${operation} took over ${this.timeoutMs} ms`),
        );
      }, this.timeoutMs);
    });
    try {
      return await Promise.race([attempt, deadline]);
    } finally {
      clearTimeout(timer);
      // A call that lost the race may still fail later; its outcome has been reported already.
      attempt.catch(() => undefined);
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Keys kept in main's memory for this run only ("session-only"): nothing is written anywhere. */
export class MemorySecretStore implements SecretStore {
  readonly storage = 'session' as const;
  private readonly secrets = new Map<string, string>();

  probe(): Promise<KeychainStatus> {
    return Promise.resolve({ state: 'available' });
  }

  /** Synchronous check, so views can be built without awaiting. */
  has(account: string): boolean {
    return this.secrets.has(account);
  }

  get(account: string): Promise<string | null> {
    return Promise.resolve(this.secrets.get(account) ?? null);
  }

  set(account: string, secret: string): Promise<void> {
    this.secrets.set(account, secret);
    return Promise.resolve();
  }

  delete(account: string): Promise<boolean> {
    return Promise.resolve(this.secrets.delete(account));
  }

  isLocked(): Promise<boolean> {
    return Promise.resolve(false);
  }
}
