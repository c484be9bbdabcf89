import { contextBridge, ipcRenderer, type IpcRendererEvent, webUtils } from 'electron';
import { buildBridge } from '../shared/bridge/build-bridge';
import { eventChannel } from '../shared/bridge/channels';
import type { BridgeResult } from '../shared/bridge/contract';

// Sandboxed preload: one CommonJS bundle whose only external is `electron`. It exposes named methods only —
// no generic invoke or send — each bound to one channel of the contract; main validates every input.

const bridge = buildBridge({
  call: (channel, input) => ipcRenderer.invoke(channel, input) as Promise<BridgeResult<never>>,
  subscribe: (event, listener) => {
    const channel = eventChannel(event);
    // Only the payload crosses into the page: never the IPC event (it carries `sender`).
    const handler = (_event: IpcRendererEvent, payload: unknown): void => listener(payload);
    ipcRenderer.on(channel, handler);
    return () => {
      ipcRenderer.removeListener(channel, handler);
    };
  },
  // Paths come only from File objects the user dropped or picked; a page cannot make one for any path.
  planUploads: ({ ref, files, targetDir }) =>
    ipcRenderer.invoke('uploads:plan', {
      ref,
      targetDir,
      paths: files.map((file) => webUtils.getPathForFile(file as File)),
    }) as Promise<BridgeResult<never>>,
});

contextBridge.exposeInMainWorld('openhands', Object.freeze(bridge));
