// Online / Offline per server, from whatever last talked to it (the status poller every tick, the outbox
// when it sends or probes). Only a change is announced, so a steady state costs the renderer nothing.
import type { ServerHealth } from '../../shared/server-health';
import { type Clock, systemClock } from '../clock';
import { ApiError } from '../api/errors';
import { LOCAL_ERROR_KINDS, NO_ANSWER_KINDS } from '../../shared/api-errors';

export class ServerHealthTracker {
  private readonly health = new Map<string, ServerHealth>();
  private readonly listeners = new Set<(health: ServerHealth) => void>();

  constructor(private readonly clock: Clock = systemClock) {}

  list(serverIds: readonly string[]): ServerHealth[] {
    return serverIds.map(
      (serverId) =>
        this.health.get(serverId) ?? { serverId, state: 'unknown', lastOkAt: null, problem: null },
    );
  }

  onChange(listener: (health: ServerHealth) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Before any request: state unknown, but "last heard from" as the local cache remembers it, so the UI can
   * say "last synced …" from the first frame. Ignored once the server has been heard from this run.
   */
  seed(serverId: string, lastOkAt: number | null): void {
    if (this.health.has(serverId) || lastOkAt === null) return;
    this.health.set(serverId, { serverId, state: 'unknown', lastOkAt, problem: null });
  }

  /** The server answered (`error` null, or an error that is an answer) or did not. */
  report(serverId: string, error: unknown): void {
    const previous = this.health.get(serverId);
    const info =
      error instanceof ApiError
        ? error.toInfo()
        : error
          ? { kind: 'offline' as const, message: error instanceof Error ? error.message : 'Unreachable.' }
          : null;
    // Anything but no answer (401, 404, 429 …) is an answer, so the server is up.
    const reachable = !info || !NO_ANSWER_KINDS.includes(info.kind);
    // A problem on this computer (a locked keychain, say) sent nothing: the server's state is as it was.
    const local = info !== null && LOCAL_ERROR_KINDS.includes(info.kind);
    const next: ServerHealth = {
      serverId,
      state: local ? (previous?.state ?? 'unknown') : reachable ? 'online' : 'offline',
      lastOkAt: local || !reachable ? (previous?.lastOkAt ?? null) : this.clock.now(),
      problem: info
        ? {
            kind: info.kind,
            message: info.message,
            ...(info.status !== undefined ? { status: info.status } : {}),
          }
        : null,
    };
    this.health.set(serverId, next);
    const changed =
      !previous ||
      previous.state !== next.state ||
      previous.problem?.kind !== next.problem?.kind ||
      previous.problem?.message !== next.problem?.message;
    if (changed) for (const listener of this.listeners) listener(next);
  }

  forget(serverId: string): void {
    this.health.delete(serverId);
  }
}
