import type { INVOKE_SCHEMAS, InvokeInput, InvokeOutput } from '../../shared/bridge/contract';
import type { MainServices } from '../compose';
import { UploadPlans } from '../uploads/upload-plans';

type Schemas = typeof INVOKE_SCHEMAS;

/** One async function per channel, typed by the contract (inputs arrive already validated). */
export type BridgeHandlers = {
  [N in keyof Schemas]: {
    [M in keyof Schemas[N]]: (input: InvokeInput<N, M>) => Promise<InvokeOutput<N, M>>;
  };
};

export interface AppInfo {
  name: string;
  version: string;
  platform: string;
}

/** What the renderer may ask main to do, on top of the services. Keys never leave main through here. */
export function createBridgeHandlers(services: MainServices, info: AppInfo): BridgeHandlers {
  const { accounts, registry, poller, live, outbox } = services;
  const plans = new UploadPlans();
  return {
    app: {
      info: () => Promise.resolve(info),
    },
    servers: {
      list: () => Promise.resolve(accounts.list()),
      add: async ({ server, sessionOnlyKey }) => {
        const view = await accounts.add(server, { sessionOnlyKey: sessionOnlyKey ?? false });
        poller.refreshNow();
        return view;
      },
      update: async ({ id, patch, sessionOnlyKey }) => {
        const view = await accounts.update(id, patch, { sessionOnlyKey: sessionOnlyKey ?? false });
        registry.forget(id);
        poller.refreshNow();
        return view;
      },
      remove: async ({ id }) => {
        const result = await accounts.remove(id);
        registry.forget(id);
        poller.forgetServer(id);
        return result;
      },
      test: ({ id }) => registry.test(id),
      testUnsaved: (input) => registry.testUnsaved(input),
      keychainStatus: () => accounts.keychainStatus(),
    },
    conversations: {
      list: () => Promise.resolve(poller.list()),
      setOnScreen: (ref) => {
        live.setOnScreen(ref);
        return Promise.resolve(null);
      },
    },
    outbox: {
      list: () => Promise.resolve(outbox.list()),
      // Resolves once the action is on disk: only then is the page told it is queued.
      enqueue: (action) => outbox.enqueue(action),
      retry: ({ id }) => outbox.retry(id),
      cancel: ({ id }) => outbox.cancel(id),
    },
    uploads: {
      plan: async ({ ref, paths, targetDir }) => {
        const made = await plans.make(ref, paths, targetDir);
        const { count, totalBytes, needsConfirmation, skipped } = made.plan;
        return {
          planId: made.planId,
          count,
          totalBytes,
          needsConfirmation,
          skipped,
          targetDir: made.targetDir,
        };
      },
      start: async ({ planId }) => {
        const { ref, plan } = plans.take(planId);
        const items = [];
        for (const file of plan.files) items.push(await outbox.enqueue({ kind: 'upload', ref, ...file }));
        return items;
      },
    },
  };
}
