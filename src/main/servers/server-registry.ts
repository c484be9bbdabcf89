import type { AccountService } from '../accounts/account-service';
import { ApiError } from '../api/errors';
import { HttpClient } from '../api/http-client';
import { OpenHandsServer, type OpenHandsServerOptions } from '../api/openhands-server';
import { type ConnectionReport, testConnection } from '../api/test-connection';
import { baseUrlSchema } from '../../shared/servers';

/**
 * Joins the configured accounts to API clients: one `OpenHandsServer` per account (created on first use,
 * dropped when the account changes), reading its key from the account's store on every request.
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
    if (!view) throw new ApiError('not-found', 'That server is no longer configured.');
    const cached = this.servers.get(serverId);
    // A changed URL means a different server: start afresh (capabilities, agents, budget).
    if (cached && cached.baseUrl === view.baseUrl) return cached.server;
    const server = new OpenHandsServer(
      this.http,
      {
        id: serverId,
        baseUrl: view.baseUrl,
        apiKey: async () => (await this.accounts.getApiKey(serverId)) ?? undefined,
      },
      this.options,
    );
    this.servers.set(serverId, { server, baseUrl: view.baseUrl });
    return server;
  }

  /** Forget a server's client (after it was removed or edited). */
  forget(serverId: string): void {
    this.servers.delete(serverId);
  }

  /** "Test connection" for a saved server. */
  async test(serverId: string, signal?: AbortSignal): Promise<ConnectionReport> {
    const view = this.accounts.list().find((s) => s.id === serverId);
    if (!view) throw new ApiError('not-found', 'That server is no longer configured.');
    this.forget(serverId);
    return testConnection(this.get(serverId), view.hasKey, signal);
  }

  /** "Test connection" before saving: the URL and key as typed, the key kept only for this call. */
  async testUnsaved(
    input: { baseUrl: string; apiKey?: string },
    signal?: AbortSignal,
  ): Promise<ConnectionReport> {
    const url = baseUrlSchema.safeParse(input.baseUrl);
    if (!url.success) throw new ApiError('bad-request', 'That is not a valid http(s) server address.');
    const key = input.apiKey?.trim() || undefined;
    const server = new OpenHandsServer(
      this.http,
      { id: 'unsaved', baseUrl: url.data, apiKey: () => Promise.resolve(key) },
      this.options,
    );
    return testConnection(server, key !== undefined, signal);
  }
}
