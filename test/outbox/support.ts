import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { tempDir as sharedTempDir } from '../support/temp-dir';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConversationRef } from '../../src/shared/conversations';
import type { OutboxItemView, StoredOutboxItem } from '../../src/shared/outbox';
import { DEFAULT_RETRY, HttpClient, type RetryPolicy } from '../../src/main/api/http-client';
import { OpenHandsServer } from '../../src/main/api/openhands-server';
import type { AgentEvent } from '../../src/main/api/schemas/agent-server';
import { MemoryLogger } from '../../src/main/logger';
import { Outbox, type OutboxOptions } from '../../src/main/outbox/outbox';
import type { Simulator } from '../simulator/simulator';
import type { FakeClock } from '../support/fake-clock';
import { createConversation, useSimulator } from '../support/sim';

export const FAST_RETRY: RetryPolicy = {
  attempts: 2,
  baseDelayMs: 10,
  maxDelayMs: 50,
  maxRetryAfterMs: 30_000,
};

export const SERVER_ID = 'sim';

export function tempDir(): ReturnType<typeof sharedTempDir> {
  return sharedTempDir('outbox-');
}

export function simServer(sim: Simulator, fetchImpl?: typeof fetch): OpenHandsServer {
  const client = new HttpClient({ retry: FAST_RETRY, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
  return new OpenHandsServer(client, {
    id: SERVER_ID,
    baseUrl: sim.url,
    apiKey: () => Promise.resolve(undefined),
  });
}

/**
 * The simulator of a test file, and a fresh journal per test (`journal()`: its path, in a temp folder
 * removed afterwards); after each test the simulator's faults are reset and it is back online.
 */
export function useOutboxWorld(): { sim: () => Simulator; journal: () => string } {
  const sim = useSimulator();
  let dir = '';
  let cleanup: () => Promise<void> = () => Promise.resolve();
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterEach(async () => {
    sim().faults.reset();
    if (!sim().isOnline) await sim().comeBack();
    await cleanup();
  });
  return { sim, journal: () => path.join(dir, 'outbox.jsonl') };
}

export async function newConversation(sim: Simulator): Promise<ConversationRef> {
  const c = await createConversation(sim);
  return { serverId: SERVER_ID, id: c.id, version: 'V1' };
}

export interface OutboxHarness {
  outbox: Outbox;
  logger: MemoryLogger;
  /** Every view the outbox emitted, in order. */
  changes: OutboxItemView[];
  /** Resolves when the item reaches one of `states`. */
  until(id: string, states: OutboxItemView['state'][], timeoutMs?: number): Promise<OutboxItemView>;
  close(): Promise<void>;
}

export async function openOutbox(
  file: string,
  server: OpenHandsServer,
  options: Partial<OutboxOptions> = {},
): Promise<OutboxHarness> {
  const logger = new MemoryLogger();
  const { outbox } = await Outbox.open(file, {
    servers: () => server,
    upload: () => Promise.reject(new Error('no uploads in this test')),
    logger,
    backoffBaseMs: 20,
    backoffMaxMs: 200,
    random: () => 0.5,
    ...options,
  });
  const changes: OutboxItemView[] = [];
  outbox.onChange((v) => changes.push(v));
  return {
    outbox,
    logger,
    changes,
    until: async (id, states, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const seen = changes.filter((c) => c.id === id).at(-1);
        if (seen && states.includes(seen.state)) return seen;
        if (Date.now() > deadline)
          throw new Error(`item ${id} did not reach ${states.join('/')} (last: ${seen?.state ?? 'none'})`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: () => outbox.close(),
  };
}

/**
 * A test against a new conversation reached through a proxy that can drop one request (`proxy.dropNext`),
 * with an outbox on `journal`; the proxy is closed afterwards.
 */
export async function throughDroppingProxy(
  sim: Simulator,
  journal: string,
  test: (world: {
    proxy: DroppingProxy;
    server: OpenHandsServer;
    ref: ConversationRef;
    h: OutboxHarness;
  }) => Promise<void>,
): Promise<void> {
  const proxy = await startDroppingProxy(sim.url);
  try {
    const server = simServer(sim, proxy.fetch);
    const ref = await newConversation(sim);
    await server.agent(ref.id);
    const h = await openOutbox(journal, server);
    await test({ proxy, server, ref, h });
  } finally {
    await proxy.close();
  }
}

/** The texts of the conversation's user messages, in the agent's order. */
export async function userMessages(server: OpenHandsServer, ref: ConversationRef): Promise<string[]> {
  const page = await server.events(ref, { kind: 'MessageEvent', source: 'user', limit: 100 });
  return page.items.map((e) => {
    const msg = (e as AgentEvent & { llm_message?: { content?: { text?: string }[] } }).llm_message;
    return (msg?.content ?? []).map((p) => p.text ?? '').join('\n');
  });
}

export interface DroppingProxy {
  /** A fetch that sends agent-server requests (any origin but the app server's) through the proxy. */
  fetch: typeof fetch;
  /** The next request matching `match` loses its response: before it is forwarded, or after the upstream answered. */
  dropNext(match: (method: string, path: string) => boolean, when: 'before' | 'after'): void;
  dropped: number;
  close(): Promise<void>;
}

/**
 * A loopback proxy in front of the agent servers. It forwards requests as they are, except the one chosen
 * with `dropNext`, whose client connection is destroyed (before forwarding, or after the server processed
 * it) — the "did it arrive?" case the outbox must reconcile.
 */
export async function startDroppingProxy(appUrl: string): Promise<DroppingProxy> {
  let rule: { match: (m: string, p: string) => boolean; when: 'before' | 'after' } | undefined;
  const state = { dropped: 0 };
  const server = http.createServer((req, res) => {
    const target = req.headers['x-forward-to'];
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const pathname = new URL(req.url ?? '/', 'http://x').pathname;
      const drop = rule && rule.match(method, pathname) ? rule.when : undefined;
      if (drop) rule = undefined;
      if (drop === 'before') {
        state.dropped += 1;
        req.socket.destroy();
        return;
      }
      const headers = { ...req.headers };
      delete headers['x-forward-to'];
      delete headers.host;
      const upstream = http.request(`${String(target)}${req.url ?? '/'}`, { method, headers }, (up) => {
        const body: Buffer[] = [];
        up.on('data', (c: Buffer) => body.push(c));
        up.on('end', () => {
          if (drop === 'after') {
            state.dropped += 1;
            req.socket.destroy();
            return;
          }
          res.writeHead(up.statusCode ?? 502, up.headers);
          res.end(Buffer.concat(body));
        });
      });
      upstream.on('error', () => req.socket.destroy());
      upstream.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const app = new URL(appUrl).origin;
  const proxied: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.origin === app) return fetch(input, init);
    const headers = new Headers(init?.headers);
    headers.set('x-forward-to', url.origin);
    return fetch(`http://127.0.0.1:${port}${url.pathname}${url.search}`, { ...init, headers });
  };
  return {
    fetch: proxied,
    dropNext: (match, when) => {
      rule = { match, when };
    },
    get dropped() {
      return state.dropped;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/**
 * Simulated time over real I/O: the simulator as a server whose client (the app's own retry policy) runs
 * on `clock` and counts requests in flight (reading each body, so "none in flight" means the answers are
 * in), and `run(ms)`, which moves the clock in 500 ms steps and lets the I/O each step started finish.
 */
export function fakeTimeServer(
  sim: Simulator,
  clock: FakeClock,
): { server: OpenHandsServer; run: (ms: number) => Promise<void> } {
  let inFlight = 0;
  const counted: typeof fetch = async (input, init) => {
    inFlight += 1;
    try {
      const res = await fetch(input, init);
      const body = await res.arrayBuffer();
      const empty = res.status === 204 || res.status === 304;
      return new Response(empty ? null : body, {
        status: res.status,
        statusText: res.statusText,
        headers: res.headers,
      });
    } finally {
      inFlight -= 1;
    }
  };
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 5000 && inFlight > 0; i++) await new Promise((r) => setTimeout(r, 1));
    // Journal writes (fsync) are real I/O too.
    for (let i = 0; i < 2; i++) await new Promise((r) => setTimeout(r, 1));
  };
  const run = async (ms: number): Promise<void> => {
    for (let t = 0; t < ms; t += 500) {
      await clock.advance(500);
      await settle();
    }
  };
  const server = new OpenHandsServer(
    new HttpClient({ clock, retry: DEFAULT_RETRY, fetch: counted, random: () => 0.5 }),
    { id: SERVER_ID, baseUrl: sim.url, apiKey: () => Promise.resolve(undefined) },
    { clock },
  );
  return { server, run };
}

/** A queued rename, the `n`th of a journal (ids, seq and times follow n). */
export function storedItem(n: number): StoredOutboxItem {
  return {
    id: `item-${n}`,
    action: {
      kind: 'rename',
      ref: { serverId: 's', id: 'a'.repeat(32), version: 'V1' },
      title: `title ${n}`,
    },
    lane: `s/${'a'.repeat(32)}`,
    seq: n,
    enqueuedAt: 1000 + n,
    state: 'queued',
    attempts: 0,
    firstSentAt: null,
    nextAttemptAt: 1000 + n,
    error: null,
  };
}
