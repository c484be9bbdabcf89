// The main-process services as the app composes them (createMainServices), pointed at a simulator, with
// a forward adapter that records when each change set leaves main. Keys stay in memory (no OS keychain).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { KeytarSecretStore } from '../../src/main/accounts/secret-store';
import { createMainServices, type MainServices } from '../../src/main/compose';
import { MemoryLogger } from '../../src/main/logger';
import { SystemEventEmitter } from '../../src/main/system-events';
import type { TrackedConversation } from '../../src/shared/live';

export interface Forwarded {
  /** performance.now() when the change set was forwarded. */
  at: number;
  conversation: TrackedConversation;
}

export interface BenchServices {
  services: MainServices;
  serverId: string;
  system: SystemEventEmitter;
  logger: MemoryLogger;
  /** Resolves with the first forwarded change (from now on) that `match` accepts. */
  nextForwarded(match: (c: TrackedConversation) => boolean, timeoutMs: number): Promise<Forwarded>;
  close(): Promise<void>;
}

export async function startServices(
  baseUrl: string,
  options: { apiKey?: string } = {},
): Promise<BenchServices> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'openhands-bench-data-'));
  const logger = new MemoryLogger();
  const system = new SystemEventEmitter({ online: true });
  const waiters = new Set<{ match: (c: TrackedConversation) => boolean; resolve: (f: Forwarded) => void }>();
  const services = await createMainServices({
    dataDir,
    keychain: new KeytarSecretStore({ moduleId: 'keytar-not-used-by-benchmarks' }),
    logger,
    adapters: {
      notify: () => undefined,
      renderTray: () => undefined,
      forward: (set) => {
        const at = performance.now();
        for (const waiter of waiters)
          for (const conversation of set.changed)
            if (waiter.match(conversation)) {
              waiters.delete(waiter);
              waiter.resolve({ at, conversation });
              break;
            }
      },
      system,
    },
  });
  const view = await services.accounts.add(
    { name: 'Benchmark simulator', baseUrl, ...(options.apiKey ? { apiKey: options.apiKey } : {}) },
    { sessionOnlyKey: true },
  );
  services.poller.refreshNow();
  return {
    services,
    serverId: view.id,
    system,
    logger,
    nextForwarded: (match, timeoutMs) =>
      new Promise<Forwarded>((resolve, reject) => {
        const waiter = {
          match,
          resolve: (f: Forwarded) => {
            clearTimeout(timer);
            resolve(f);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching change set within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(waiter);
      }),
    async close() {
      await services.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls `check` every 20 ms until it returns true, or throws after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
