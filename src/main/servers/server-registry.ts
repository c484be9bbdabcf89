import type { AccountService } from '../accounts/account-service';
import { KeychainUnavailableError } from '../accounts/secret-store';
import { ApiError } from '../api/errors';
import { HttpClient, label } from '../api/http-client';
import { OpenHandsServer, type OpenHandsServerOptions } from '../api/openhands-server';
import { type ConnectionReport, testConnection } from '../api/test-connection';
import { t } from '../i18n';
import { baseUrlSchema } from '../../shared/servers';

/**
 * Joins the configured accounts to API clients: one `OpenHandsServer` per account (created on first use,
 * dropped when the account changes), reading its key from the account's store, its Cloud organisation
 * (`X-Org-Id`) and its agent hosts from the account on every request, so a change applies to the next one.
 */
export class ServerRegistry {
  private readonly servers = new Map<string, { server: OpenHandsServer; baseUrl: string }>();

  constructor(
    private readonly accounts: AccountService,
    private readonly http: HttpClient = new HttpClient(),
    private readonly options: OpenHandsServerOptions = {},
  ) {}

  /** The client for a configured server; throws `not-found` for an unknown id. */
  get(serverId: string): OpenHandsServer {
    const view = this.accounts.list().find((s) => s.id === serverId);
    if (!view) throw new ApiError('not-found', t('mainErrors.serverNotConfigured'));
    const cached = this.servers.get(serverId);
    // A changed URL means a different server: start afresh (capabilities, agents, budget).
    if (cached && cached.baseUrl === view.baseUrl) return cached.server;
    const server = this.client(serverId, view.baseUrl, () => this.accounts.orgId(serverId));
    this.servers.set(serverId, { server, baseUrl: view.baseUrl });
    return server;
  }

  /** Forget a server's client (after it was removed or edited). */
  forget(serverId: string): void {
    this.servers.delete(serverId);
  }

  /**
   * "Test connection" for a saved server, as its requests will be made (its key, its organisation). When
   * Cloud refuses the saved organisation (the user left it, or it is gone), the server is asked again as the
   * user's current organisation: the report then fails but lists the organisations there are, to pick one.
   */
  async test(serverId: string, signal?: AbortSignal): Promise<ConnectionReport> {
    const view = this.accounts.list().find((s) => s.id === serverId);
    if (!view) throw new ApiError('not-found', t('mainErrors.serverNotConfigured'));
    this.forget(serverId);
    const report = await testConnection(this.get(serverId), view.hasKey, signal);
    if (report.ok || view.orgId === null || report.problem?.kind !== 'forbidden') return report;
    const asCurrent = await testConnection(
      this.client(serverId, view.baseUrl, () => null),
      view.hasKey,
      signal,
    );
    if (!asCurrent.ok || asCurrent.organizations === null) return report;
    const where = asCurrent.appMode === 'saas' ? 'OpenHands Cloud' : label(view.baseUrl);
    return {
      ...asCurrent,
      ok: false,
      summary: t('mainErrors.orgRefused', { where }),
      problem: report.problem,
    };
  }

  /** "Test connection" before saving: the URL and key as typed, the key kept only for this call. */
  async testUnsaved(
    input: { baseUrl: string; apiKey?: string },
    signal?: AbortSignal,
  ): Promise<ConnectionReport> {
    const url = baseUrlSchema.safeParse(input.baseUrl);
    if (!url.success) throw new ApiError('bad-request', t('mainErrors.invalidServerAddress'));
    const key = input.apiKey?.trim() || undefined;
    const server = new OpenHandsServer(
      this.http,
      { id: 'unsaved', baseUrl: url.data, apiKey: () => Promise.resolve(key) },
      this.options,
    );
    return testConnection(server, key !== undefined, signal);
  }

  /**
   * The key for a request. A keychain that cannot give it (locked, not answering) fails the request before
   * it leaves, as an ApiError the outbox waits out and the UI shows, never a request without its key.
   */
  private async keyOf(serverId: string): Promise<string | undefined> {
    try {
      return (await this.accounts.getApiKey(serverId)) ?? undefined;
    } catch (error) {
      if (error instanceof KeychainUnavailableError)
        throw new ApiError('keychain', error.message, { cause: error });
      throw error;
    }
  }

  private client(serverId: string, baseUrl: string, orgId: () => string | null): OpenHandsServer {
    return new OpenHandsServer(
      this.http,
      {
        id: serverId,
        baseUrl,
        apiKey: () => this.keyOf(serverId),
        orgId,
        agentHosts: () => this.accounts.agentHosts(serverId),
        kind: () => this.accounts.kindOf(serverId),
        // Saved, so the next start asks it as what it is and the new-conversation form fits it.
        onKindDetected: (kind) => {
          this.accounts.setKind(serverId, kind).catch((error: unknown) => {
            this.options.logger?.warn(
              `server ${serverId}: could not save its kind (${error instanceof Error ? error.message : String(error)})`,
            );
          });
        },
      },
      this.options,
    );
  }
}
