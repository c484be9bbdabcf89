import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { ApiError } from '../../src/main/api/errors';
import { HttpClient, type RetryPolicy } from '../../src/main/api/http-client';
import { OpenHandsServer, type OpenHandsServerOptions } from '../../src/main/api/openhands-server';
import { MemoryLogger } from '../../src/main/logger';
import type { ApiErrorKind } from '../../src/shared/api-errors';
import type { RequestLogEntry } from '../simulator/faults';
import type { Simulator } from '../simulator/simulator';

/** Fast retries, so fault tests take milliseconds; the 429 ceiling is the production one. */
export const FAST_RETRY: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 20,
  maxDelayMs: 100,
  maxRetryAfterMs: 30_000,
};

export interface ClientSetup {
  /** The key the server reads for each request (undefined: none). */
  key?: string | undefined;
  /** A fetch wrapper (e.g. one that counts calls); the real fetch underneath. */
  fetch?: typeof fetch;
  retry?: RetryPolicy;
  options?: OpenHandsServerOptions;
}

/** An OpenHandsServer plus the MemoryLogger it reports to. */
export type TestServer = OpenHandsServer & { log: MemoryLogger };

/**
 * An `OpenHandsServer` as the app builds one, pointed at `baseUrl` (a simulator, a proxy, a closed port).
 * Its logger is a MemoryLogger (on `log`) so tests stay quiet and can read what it said.
 */
export function makeServer(baseUrl: string, setup: ClientSetup = {}): TestServer {
  const log = new MemoryLogger();
  const http = new HttpClient({
    retry: setup.retry ?? FAST_RETRY,
    ...(setup.fetch ? { fetch: setup.fetch } : {}),
  });
  const server = new OpenHandsServer(
    http,
    { id: 'srv', baseUrl, apiKey: async () => Promise.resolve(setup.key) },
    { logger: log, ...setup.options },
  );
  return Object.assign(server, { log });
}

/** Awaits a rejection and checks it is an ApiError of `kind`; returns it for more assertions. */
export async function expectApiError(promise: Promise<unknown>, kind: ApiErrorKind): Promise<ApiError> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected an ApiError of kind ${kind}`).toBeInstanceOf(ApiError);
  const error = caught as ApiError;
  expect(error.kind, error.message).toBe(kind);
  return error;
}

/** Requests logged after index `from` (take `sim.requests.length` before the action). */
export function since(sim: Simulator, from: number): RequestLogEntry[] {
  return sim.requests.slice(from);
}

/** A port nothing listens on: bound once, then closed. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A small HTTP server on loopback for "not OpenHands" answers and fault proxies. */
export async function startHttpServer(
  handler: RequestListener,
): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const HEX32 = /^[0-9a-f]{32}$/;

export const randomHex = (): string => crypto.randomUUID().replace(/-/g, '');

export const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Samples the process RSS every `everyMs` while `work` runs; returns the work's result and the peak growth. */
export async function peakRssGrowth<T>(
  work: () => Promise<T>,
  everyMs = 50,
): Promise<{ result: T; growth: number; baseline: number }> {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, everyMs);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, growth: peak - baseline, baseline };
  } finally {
    clearInterval(timer);
  }
}
