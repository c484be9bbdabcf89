// The servers the user has configured, and their API keys.
//
// Non-secret settings live in `<user data>/servers.json` (atomic writes, validated on load). Keys live in a
// SecretStore: the OS keychain, or — when the keychain cannot be reached and the user agrees — main's
// memory for this run only. Views handed to the renderer carry where a key is kept, never the key;
// `getApiKey` is for main-process code (the API client) only. Nothing here logs a key.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import {
  BACKEND_KINDS,
  type BackendKind,
  entryKind,
  KEY_STORAGES,
  RECENT_DIRS_MAX,
  agentHostsSchema,
  baseUrlSchema,
  describeProblems,
  formatProblems,
  orgIdSchema,
  orgNameSchema,
  serverIdSchema,
  serverInputSchema,
  serverNameSchema,
  serverUpdateSchema,
  type AccountErrorCode,
  type FieldProblem,
  type KeyStorage,
  type KeychainStatus,
  type ServerInput,
  type ServerUpdate,
  type ServerView,
} from '../../shared/servers';
import { ApiError } from '../api/errors';
import { t } from '../i18n';
import type { Logger } from '../logger';
import { readJsonFile, writeJsonAtomic } from '../storage/atomic-json';
import { asStorageError } from '../storage/storage-errors';
import { KeychainUnavailableError, MemorySecretStore, type SecretStore } from './secret-store';

export const SERVERS_FILE = 'servers.json';

const storedServerSchema = z.object({
  id: serverIdSchema,
  name: serverNameSchema,
  baseUrl: baseUrlSchema,
  // 'session' on disk means "this server's key is entered per session"; the key itself is never stored.
  keyStorage: z.enum(KEY_STORAGES),
  // Cloud: the organisation the entry acts in, and its name for display. Absent in files from before
  // organisations (and whenever none was picked): the user's current organisation.
  orgId: orgIdSchema.optional(),
  orgName: orgNameSchema.optional(),
  // Hosts besides the server's own where the user allows its agent servers; absent (files from before, and
  // whenever there are none): none.
  agentHosts: agentHostsSchema.optional(),
  // A bare agent server (absent: an app server, as in files from before agent servers could be added), and
  // the folders conversations were last started in on it (newest first).
  kind: z.enum(BACKEND_KINDS).optional(),
  recentDirs: z.array(z.string().min(1).max(4096)).max(RECENT_DIRS_MAX).optional(),
});
type StoredServer = z.output<typeof storedServerSchema>;

const serversFileSchema = z
  .object({ version: z.literal(1), servers: z.array(storedServerSchema) })
  .superRefine((file, ctx) => {
    const ids = new Set<string>();
    file.servers.forEach((server, index) => {
      if (ids.has(server.id)) {
        ctx.addIssue({ code: 'custom', path: ['servers', index, 'id'], message: 'duplicate server id' });
      }
      ids.add(server.id);
    });
  });
type ServersFile = z.output<typeof serversFileSchema>;

/** A failed account operation. `message` is for the user; `problems` lists invalid fields one by one. */
export class AccountError extends Error {
  override readonly name = 'AccountError';

  constructor(
    readonly code: Exclude<AccountErrorCode, 'keychain-unavailable'>,
    message: string,
    readonly problems: readonly FieldProblem[] = [],
  ) {
    super(message);
  }
}

/** Why the saved servers could not be loaded at start-up. The service then starts with no servers. */
export type LoadProblem =
  | {
      /** servers.json was unreadable JSON or not in the expected format; it was renamed to `movedTo`. */
      kind: 'corrupt';
      message: string;
      movedTo: string;
      detail: string;
    }
  | {
      /** servers.json could not be read at all (e.g. permissions). It is left alone and nothing is saved. */
      kind: 'unreadable';
      message: string;
      detail: string;
    };

/** A load problem as kept: its message is worded when asked for, in the app's language of the moment. */
type StoredLoadProblem =
  { kind: 'corrupt'; movedTo: string; detail: string } | { kind: 'unreadable'; detail: string };

function withMessage(problem: StoredLoadProblem): LoadProblem {
  return problem.kind === 'corrupt'
    ? { ...problem, message: t('mainErrors.serversFileDamaged', { file: problem.movedTo }) }
    : { ...problem, message: t('mainErrors.serversFileUnreadable', { detail: problem.detail }) };
}

export interface KeyOptions {
  /**
   * Keep the API key in memory for this run only instead of in the keychain. Meant for when the keychain is
   * unavailable (the user has been told and agreed); it also works when it is available.
   */
  sessionOnlyKey?: boolean;
}

export interface RemoveOptions {
  /**
   * Remove the server even if its key cannot be deleted from the keychain right now (the keychain is
   * unavailable); the key then stays in the keychain. Without it, such a removal fails and changes nothing.
   */
  force?: boolean;
}

export interface AccountServiceOptions {
  /** The user-data folder; servers.json lives here. */
  dataDir: string;
  /** Where keys are kept for good: normally a KeytarSecretStore. */
  keychain: SecretStore;
  /** Where session-only keys are kept (default: a fresh MemorySecretStore, i.e. this run only). */
  session?: MemorySecretStore;
  logger?: Logger;
  /** New server ids (default: a random UUID as 32 hex digits). */
  newId?: () => string;
  /** Clock for naming a corrupt settings file aside. */
  now?: () => Date;
}

const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export class AccountService {
  readonly settingsPath: string;
  private readonly keychain: SecretStore;
  private readonly session: MemorySecretStore;
  /**
   * Servers whose keychain entry is gone (and the keychain not locked): told once, and not probed again on
   * every request, until the entry is written again (update) or the server removed.
   */
  private readonly keyMissing = new Set<string>();
  private readonly logger: Logger;
  private readonly newId: () => string;
  private servers: StoredServer[] = [];
  private problem: StoredLoadProblem | null = null;
  /** Mutations run one at a time, so the in-memory list and servers.json never diverge. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(options: AccountServiceOptions) {
    this.settingsPath = path.join(options.dataDir, SERVERS_FILE);
    this.keychain = options.keychain;
    this.session = options.session ?? new MemorySecretStore();
    this.logger = options.logger ?? silentLogger;
    this.newId = options.newId ?? (() => randomUUID().replaceAll('-', ''));
  }

  /** Loads servers.json. Never throws: a bad or unreadable file becomes `loadProblem`. */
  static async open(options: AccountServiceOptions): Promise<AccountService> {
    const service = new AccountService(options);
    await service.load(options.now);
    return service;
  }

  private async load(now: (() => Date) | undefined): Promise<void> {
    try {
      const result = await readJsonFile(this.settingsPath, serversFileSchema, { now });
      if (result.ok) {
        this.servers = result.value.servers;
        this.logger.info(`accounts: loaded ${this.servers.length} server(s)`);
      } else if (result.reason === 'corrupt') {
        this.problem = { kind: 'corrupt', movedTo: result.movedTo, detail: result.error };
        this.logger.warn(`accounts: ${result.error}; moved to ${result.movedTo}`);
      }
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      this.problem = { kind: 'unreadable', detail };
      this.logger.error(`accounts: cannot read ${this.settingsPath}: ${detail}`);
    }
  }

  /** What went wrong loading servers.json at start-up, for the UI to show; null if nothing did. */
  get loadProblem(): LoadProblem | null {
    return this.problem && withMessage(this.problem);
  }

  /** The user has seen the load problem. (An unreadable file still blocks saving.) */
  dismissLoadProblem(): void {
    if (this.problem?.kind === 'corrupt') this.problem = null;
  }

  list(): ServerView[] {
    return this.servers.map((server) => this.view(server));
  }

  /** Whether keys can go to the keychain right now. */
  keychainStatus(): Promise<KeychainStatus> {
    return this.keychain.probe();
  }

  /**
   * Adds a server. With an API key, the key goes to the keychain first; if the keychain is unavailable this
   * throws KeychainUnavailableError and nothing is added — ask the user, then retry with
   * `{ sessionOnlyKey: true }`.
   */
  add(input: ServerInput, options: KeyOptions = {}): Promise<ServerView> {
    return this.exclusive(async () => {
      const valid = parse(serverInputSchema, input);
      this.assertWritable();
      const id = this.newId();
      let keyStorage: KeyStorage = 'none';
      if (valid.apiKey !== undefined) {
        const store = options.sessionOnlyKey ? this.session : this.keychain;
        await store.set(id, valid.apiKey);
        keyStorage = store.storage;
      }
      const server: StoredServer = {
        id,
        name: valid.name,
        baseUrl: valid.baseUrl,
        keyStorage,
        ...withOrg(valid.orgId ?? null, valid.orgName ?? null),
        ...withHosts(valid.agentHosts ?? []),
        ...(valid.kind === 'agent-server' ? { kind: 'agent-server' as const } : {}),
      };
      try {
        await this.save([...this.servers, server]);
      } catch (error) {
        if (keyStorage !== 'none') await this.forgetKey(this.store(keyStorage), id);
        throw error;
      }
      this.servers = [...this.servers, server];
      const hosts = server.agentHosts ? `, agent hosts: ${server.agentHosts.length}` : '';
      this.logger.info(
        `accounts: added server ${id} (${entryKind(server.baseUrl, server.kind)}, key: ${keyStorage}${hosts})`,
      );
      return this.view(server);
    });
  }

  /**
   * Changes a server. `apiKey`: a string replaces the key (keychain, or session with `sessionOnlyKey`),
   * null removes it, absent keeps it. Keychain unavailable → KeychainUnavailableError, nothing changed.
   */
  update(id: string, patch: ServerUpdate, options: KeyOptions = {}): Promise<ServerView> {
    return this.exclusive(async () => {
      const current = this.find(id);
      const valid = parse(serverUpdateSchema, patch);
      this.assertWritable();
      const baseUrl = valid.baseUrl ?? current.baseUrl;
      const addressChanged = baseUrl !== current.baseUrl;
      const next: StoredServer = {
        ...withoutOptional(current),
        name: valid.name ?? current.name,
        baseUrl,
        ...nextOrg(current, valid.orgId, valid.orgName, addressChanged),
        ...nextHosts(current, valid.agentHosts, addressChanged),
        ...nextKind(current, valid.kind, addressChanged),
      };
      const orgChanged = (next.orgId ?? null) !== (current.orgId ?? null);
      const hostsChanged = (next.agentHosts ?? []).join(' ') !== (current.agentHosts ?? []).join(' ');
      let rollback: (() => Promise<void>) | undefined;
      let staleKeychainKey = false;

      if (typeof valid.apiKey === 'string') {
        const store = options.sessionOnlyKey ? this.session : this.keychain;
        await store.set(id, valid.apiKey);
        next.keyStorage = store.storage;
        if (current.keyStorage !== store.storage) {
          rollback = () => this.forgetKey(store, id);
          staleKeychainKey = current.keyStorage === 'keychain';
        }
      } else if (valid.apiKey === null) {
        // Delete from the keychain first: if it is unreachable, fail before changing anything.
        if (current.keyStorage === 'keychain') await this.keychain.delete(id);
        next.keyStorage = 'none';
      }

      try {
        await this.save(this.servers.map((s) => (s.id === id ? next : s)));
      } catch (error) {
        await rollback?.();
        throw error;
      }
      this.servers = this.servers.map((s) => (s.id === id ? next : s));
      this.keyMissing.delete(id);
      if (next.keyStorage !== 'session') await this.session.delete(id);
      // Switched from keychain to a session key (typically because the keychain is down): try to tidy up.
      if (staleKeychainKey) await this.forgetKey(this.keychain, id);
      this.logger.info(
        `accounts: updated server ${id} (key: ${next.keyStorage}${orgChanged ? `, organization: ${next.orgId ?? 'current'}` : ''}${hostsChanged ? `, agent hosts: ${next.agentHosts?.length ?? 0}` : ''})`,
      );
      return this.view(next);
    });
  }

  /**
   * Removes a server and deletes its key. The keychain key is deleted first, so a server never disappears
   * leaving its key behind — unless `force` is given while the keychain is unavailable (`keyDeleted: false`).
   */
  remove(id: string, options: RemoveOptions = {}): Promise<{ keyDeleted: boolean }> {
    return this.exclusive(async () => {
      const current = this.find(id);
      this.assertWritable();
      let keyDeleted = true;
      if (current.keyStorage === 'keychain') {
        try {
          await this.keychain.delete(id);
        } catch (error) {
          if (!(error instanceof KeychainUnavailableError) || !options.force) throw error;
          keyDeleted = false;
          this.logger.warn(
            `accounts: removing server ${id}; its keychain key could not be deleted (${error.detail})`,
          );
        }
      }
      await this.save(this.servers.filter((s) => s.id !== id));
      this.servers = this.servers.filter((s) => s.id !== id);
      this.keyMissing.delete(id);
      await this.session.delete(id);
      this.logger.info(`accounts: removed server ${id}`);
      return { keyDeleted };
    });
  }

  /**
   * The server's API key, for main-process code only (the API client) — never send it to the renderer.
   * null: the server has no key, its session key is gone, or the keychain entry was deleted elsewhere.
   * Throws KeychainUnavailableError if the key is in a keychain that cannot be reached or is locked (a
   * locked keyring reads as "no key": taken for that, requests would go out without it).
   */
  async getApiKey(id: string): Promise<string | null> {
    const server = this.find(id);
    if (server.keyStorage === 'none') return null;
    const store = this.store(server.keyStorage);
    const key = await store.get(id);
    if (key !== null || server.keyStorage !== 'keychain') return key;
    if (this.keyMissing.has(id)) return null;
    if (await store.isLocked())
      throw new KeychainUnavailableError(
        'locked',
        `the key of server ${id} could not be read: keychain locked`,
      );
    this.keyMissing.add(id);
    this.logger.warn(`accounts: server ${id} has no key in the keychain any more`);
    return null;
  }

  /**
   * What detection found a server to be (OpenHandsServer), saved so the next start asks it as that first
   * and the renderer shows the right form. No-op for an unknown server or an unchanged kind.
   */
  setKind(id: string, kind: BackendKind): Promise<ServerView | null> {
    return this.exclusive(async () => {
      const current = this.servers.find((s) => s.id === id);
      if (!current || (current.kind ?? 'app-server') === kind) return null;
      return this.replace(current, { ...withoutKind(current), ...(kind === 'agent-server' ? { kind } : {}) });
    });
  }

  /** An agent server's working directory a conversation was just started in: first of its recent ones. */
  rememberDir(id: string, dir: string): Promise<ServerView | null> {
    return this.exclusive(async () => {
      const current = this.servers.find((s) => s.id === id);
      if (!current || dir.length === 0 || dir.length > 4096) return null;
      const recent = [dir, ...(current.recentDirs ?? []).filter((d) => d !== dir)].slice(0, RECENT_DIRS_MAX);
      if (recent.join('\n') === (current.recentDirs ?? []).join('\n')) return null;
      return this.replace(current, { ...current, recentDirs: recent });
    });
  }

  /** The saved kind, read at each detection (OpenHandsServer's `kind` hint). */
  kindOf(id: string): BackendKind {
    return this.servers.find((s) => s.id === id)?.kind ?? 'app-server';
  }

  private async replace(current: StoredServer, next: StoredServer): Promise<ServerView> {
    this.assertWritable();
    const servers = this.servers.map((s) => (s.id === current.id ? next : s));
    await this.save(servers);
    this.servers = servers;
    return this.view(next);
  }

  /**
   * The organisation a server's requests act in (`X-Org-Id`), read at each request so a change applies at
   * once; null for none picked, or a server that no longer exists (its requests are failing anyway).
   */
  orgId(id: string): string | null {
    return this.servers.find((s) => s.id === id)?.orgId ?? null;
  }

  /**
   * The hosts besides its own where the user allows a server's agent servers (agent-address.ts), read at
   * each check so a change applies at once; empty for none, or a server that no longer exists.
   */
  agentHosts(id: string): readonly string[] {
    return this.servers.find((s) => s.id === id)?.agentHosts ?? [];
  }

  private view(server: StoredServer): ServerView {
    // A 'session' entry whose key is not in this run's memory is one from an earlier run: session keys do
    // not survive a restart, so it comes back as keyStorage 'none' with `sessionKeyLost` telling the UI to
    // ask for the key again. servers.json keeps saying 'session' until the user enters a key or removes it.
    let keyStorage = server.keyStorage;
    let sessionKeyLost = false;
    if (keyStorage === 'session' && !this.session.has(server.id)) {
      keyStorage = 'none';
      sessionKeyLost = true;
    }
    return {
      id: server.id,
      name: server.name,
      baseUrl: server.baseUrl,
      kind: entryKind(server.baseUrl, server.kind),
      keyStorage,
      hasKey: keyStorage !== 'none',
      sessionKeyLost,
      orgId: server.orgId ?? null,
      orgName: server.orgName ?? null,
      agentHosts: [...(server.agentHosts ?? [])],
      recentDirs: [...(server.recentDirs ?? [])],
    };
  }

  private find(id: string): StoredServer {
    const server = this.servers.find((s) => s.id === id);
    if (!server) throw new AccountError('not-found', t('mainErrors.serverGone'));
    return server;
  }

  private store(storage: Exclude<KeyStorage, 'none'>): SecretStore {
    return storage === 'keychain' ? this.keychain : this.session;
  }

  private assertWritable(): void {
    if (this.problem?.kind === 'unreadable')
      throw new AccountError('storage-failed', withMessage(this.problem).message);
  }

  private async save(servers: StoredServer[]): Promise<void> {
    const file: ServersFile = { version: 1, servers };
    try {
      await writeJsonAtomic(this.settingsPath, file);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      this.logger.error(`accounts: cannot save ${this.settingsPath}: ${detail}`);
      // A full disk or read-only folder is said as such (storage-errors.ts), not as the bare errno text.
      const reported = asStorageError(error, path.dirname(this.settingsPath));
      if (reported instanceof ApiError) throw reported;
      throw new AccountError('storage-failed', t('mainErrors.serversSaveFailed', { detail }));
    }
  }

  /** Best-effort key deletion for rollback and tidying: failures are logged (by id), not thrown. */
  private async forgetKey(store: SecretStore, id: string): Promise<void> {
    try {
      await store.delete(id);
    } catch (error) {
      const detail = error instanceof KeychainUnavailableError ? error.detail : String(error);
      this.logger.warn(`accounts: could not delete the ${store.storage} key of server ${id}: ${detail}`);
    }
  }

  private exclusive<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

type OrgFields = Pick<StoredServer, 'orgId' | 'orgName'>;

/** The stored org fields, only when an organisation is picked (files without one stay as they were). */
function withOrg(orgId: string | null, orgName: string | null): OrgFields {
  if (orgId === null) return {};
  return orgName === null ? { orgId } : { orgId, orgName };
}

/** A server without the fields an update decides afresh (organisation, agent hosts). */
function withoutOptional(
  server: StoredServer,
): Omit<StoredServer, 'orgId' | 'orgName' | 'agentHosts' | 'kind' | 'recentDirs'> {
  const {
    orgId: _orgId,
    orgName: _orgName,
    agentHosts: _agentHosts,
    kind: _kind,
    recentDirs: _recentDirs,
    ...rest
  } = server;
  return rest;
}

function withoutKind(server: StoredServer): Omit<StoredServer, 'kind'> {
  const { kind: _kind, ...rest } = server;
  return rest;
}

/**
 * The kind and recent folders after an update: a given kind wins; a new address is another server, so its
 * kind is found again (on first use) and the old one's folders mean nothing there.
 */
function nextKind(
  current: StoredServer,
  kind: BackendKind | undefined,
  addressChanged: boolean,
): Pick<StoredServer, 'kind' | 'recentDirs'> {
  const chosen = kind ?? (addressChanged ? undefined : current.kind);
  return {
    ...(chosen === 'agent-server' ? { kind: chosen } : {}),
    ...(!addressChanged && current.recentDirs ? { recentDirs: current.recentDirs } : {}),
  };
}

/** The stored agent hosts, only when there are some (files without any stay as they were). */
function withHosts(agentHosts: readonly string[]): Pick<StoredServer, 'agentHosts'> {
  return agentHosts.length === 0 ? {} : { agentHosts: [...agentHosts] };
}

/**
 * The agent hosts after an update: a given list wins; otherwise a new address clears them (hosts allowed for
 * one server are not allowed for another), and anything else keeps them.
 */
function nextHosts(
  current: StoredServer,
  agentHosts: readonly string[] | undefined,
  addressChanged: boolean,
): Pick<StoredServer, 'agentHosts'> {
  if (agentHosts !== undefined) return withHosts(agentHosts);
  return addressChanged ? {} : withHosts(current.agentHosts ?? []);
}

/**
 * The org fields after an update: a given `orgId` wins (its name: the given one, else the known one if it is
 * the same organisation); otherwise a new address clears the choice (another server's ids mean nothing
 * there), and anything else keeps it.
 */
function nextOrg(
  current: StoredServer,
  orgId: string | null | undefined,
  orgName: string | null | undefined,
  addressChanged: boolean,
): OrgFields {
  if (orgId === undefined)
    return addressChanged ? {} : withOrg(current.orgId ?? null, current.orgName ?? null);
  if (orgId === null) return {};
  const knownName = orgId === current.orgId ? (current.orgName ?? null) : null;
  return withOrg(orgId, orgName === undefined ? knownName : orgName);
}

function parse<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = describeProblems(result.error);
  throw new AccountError('invalid-input', formatProblems(problems), problems);
}
