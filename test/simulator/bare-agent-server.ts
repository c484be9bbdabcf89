import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentServer } from './agent-server';
import { Faults, type RequestLogEntry } from './faults';
import { Scheduler } from './scheduler';

export interface BareAgentServerOptions {
  /** Default 1.44.0. */
  version?: string;
  /** Default a fixed test key; null runs an open server. */
  sessionApiKey?: string | null;
  /** `root_path`, e.g. `/runtime/{port}` (see AgentServerOptions.pathPrefix). */
  pathPrefix?: string;
  stepMs?: number;
  host?: string;
  socketAuthTimeoutMs?: number;
}

export interface BareAgentServer {
  readonly agent: AgentServer;
  /** Origin + path prefix. */
  readonly baseUrl: string;
  readonly sessionApiKey: string | null;
  readonly requests: RequestLogEntry[];
  readonly faults: Faults;
  close(): Promise<void>;
}

/**
 * One agent server on its own, without an app server: what `docker run ghcr.io/openhands/agent-server`
 * or a local `python -m openhands.agent_server` gives. Conversations are created with
 * `POST /api/conversations`, as the official client's RemoteConversation does.
 */
export async function startBareAgentServer(options: BareAgentServerOptions = {}): Promise<BareAgentServer> {
  const filesRoot = await mkdtemp(join(tmpdir(), 'openhands-agent-'));
  const scheduler = new Scheduler(options.stepMs ?? 10);
  const faults = new Faults(1);
  const requests: RequestLogEntry[] = [];
  const sessionApiKey =
    options.sessionApiKey === undefined ? 'bare-agent-session-key' : options.sessionApiKey;
  const agent = new AgentServer({
    sandboxId: 'bare',
    host: options.host ?? '127.0.0.1',
    version: options.version ?? '1.44.0',
    sessionApiKey,
    filesRoot,
    faults,
    log: requests,
    scheduler,
    socketAuthTimeoutMs: options.socketAuthTimeoutMs ?? 10_000,
    ...(options.pathPrefix !== undefined ? { pathPrefix: options.pathPrefix } : {}),
  });
  await agent.resume();
  return {
    agent,
    get baseUrl() {
      return agent.baseUrl;
    },
    sessionApiKey,
    requests,
    faults,
    async close() {
      scheduler.close();
      await agent.close();
      await rm(filesRoot, { recursive: true, force: true });
    },
  };
}
