import { contextBridge, ipcRenderer, type IpcRendererEvent, webUtils } from 'electron';
import type { EventChannel, InvokeChannel } from '../shared/bridge/channels';
import type { BridgeResult, OpenHandsBridge } from '../shared/bridge/contract';
import type { StatusChangeSet } from '../shared/live';
import type { OutboxItemView } from '../shared/outbox';

// Sandboxed preload: one CommonJS bundle whose only external is `electron`. It exposes named methods only —
// no generic invoke or send — each bound to one channel of the contract; main validates every input.

/** Main's handlers answer `BridgeResult`s; the contract types each method's data. */
function call(channel: InvokeChannel, input?: unknown): Promise<BridgeResult<never>> {
  return ipcRenderer.invoke(channel, input) as Promise<BridgeResult<never>>;
}

function subscribe<T>(channel: EventChannel) {
  return (listener: (payload: T) => void): (() => void) => {
    // Only the payload crosses into the page: never the IPC event (it carries `sender`).
    const handler = (_event: IpcRendererEvent, payload: unknown): void => listener(payload as T);
    ipcRenderer.on(channel, handler);
    return () => {
      ipcRenderer.removeListener(channel, handler);
    };
  };
}

const bridge = {
  app: {
    info: () => call('app:info'),
  },
  servers: {
    list: () => call('servers:list'),
    add: (input) => call('servers:add', input),
    update: (input) => call('servers:update', input),
    remove: (input) => call('servers:remove', input),
    test: (input) => call('servers:test', input),
    testUnsaved: (input) => call('servers:testUnsaved', input),
    keychainStatus: () => call('servers:keychainStatus'),
  },
  conversations: {
    list: () => call('conversations:list'),
    setOnScreen: (input) => call('conversations:setOnScreen', input),
  },
  outbox: {
    list: () => call('outbox:list'),
    enqueue: (input) => call('outbox:enqueue', input),
    retry: (input) => call('outbox:retry', input),
    cancel: (input) => call('outbox:cancel', input),
  },
  uploads: {
    // Paths come only from File objects the user dropped or picked; a page cannot make one for any path.
    plan: ({ ref, files, targetDir }) =>
      call('uploads:plan', {
        ref,
        targetDir,
        paths: files.map((file) => webUtils.getPathForFile(file as File)),
      }),
    start: (input) => call('uploads:start', input),
  },
  onStatusChanges: subscribe<StatusChangeSet>('event:statusChanges'),
  onOutboxChanges: subscribe<OutboxItemView>('event:outboxChanges'),
} satisfies OpenHandsBridge;

contextBridge.exposeInMainWorld('openhands', Object.freeze(bridge));
