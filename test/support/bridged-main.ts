import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { MemorySecretStore } from '../../src/main/accounts/secret-store';
import { forwardBridgeEvents } from '../../src/main/bridge/bridge-events';
import { createDispatch, type Dispatch } from '../../src/main/bridge/dispatch';
import { createBridgeHandlers } from '../../src/main/bridge/handlers';
import { createMainServices, type MainServices } from '../../src/main/compose';
import { MemoryLogger } from '../../src/main/logger';
import { SystemEventEmitter } from '../../src/main/system-events';

export interface BridgedMain {
  /** Every event main pushed to the renderer, in order. */
  readonly events: { name: string; payload: unknown }[];
  /** Calls a bridge method as the renderer would (`'servers:add'`). */
  readonly dispatch: Dispatch;
}

/**
 * Real main services for the describe block's tests (a temp data dir, in-memory keychain, 50 ms polls, no
 * OS adapters), with their bridge events recorded and a dispatch to call the handlers; closed after.
 */
export function useBridgedMain(dirPrefix: string): BridgedMain {
  const events: { name: string; payload: unknown }[] = [];
  let started: { dataDir: string; services: MainServices; dispatch: Dispatch; stop: () => void } | undefined;
  const current = () => {
    if (!started) throw new Error('main services not started');
    return started;
  };

  beforeAll(async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), dirPrefix));
    const services = await createMainServices({
      dataDir,
      keychain: new MemorySecretStore(),
      logger: new MemoryLogger(),
      fastMs: 50,
      slowMs: 50,
      adapters: {
        notify: () => undefined,
        renderTray: () => undefined,
        forward: () => undefined,
        system: new SystemEventEmitter(),
      },
    });
    const stop = forwardBridgeEvents(services, (name, payload) => events.push({ name, payload }));
    const dispatch = createDispatch(
      createBridgeHandlers(services, { name: 'x', version: '0', platform: 'linux' }),
      new MemoryLogger(),
    );
    started = { dataDir, services, dispatch, stop };
  });
  afterAll(async () => {
    if (!started) return;
    const { dataDir, services, stop } = started;
    stop();
    await services.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  return {
    events,
    dispatch: (channel, input) => current().dispatch(channel, input),
  };
}
