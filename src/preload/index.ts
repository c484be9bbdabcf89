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
  planUploads: ({ ref, files, targetDir }) => {
    const paths = droppedPaths(files);
    if (!paths)
      return Promise.resolve({
        ok: false,
        error: { code: 'invalid-input', message: 'Only files dropped or picked from disk can be uploaded.' },
      });
    return ipcRenderer.invoke('uploads:plan', { ref, targetDir, paths }) as Promise<BridgeResult<never>>;
  },
});

/**
 * The paths of files the user dropped or picked, or undefined when `files` is anything else. Paths come only
 * from `webUtils.getPathForFile`, which knows a path only for a File backed by a file on disk (a drop, a file
 * picker); a page cannot make one for a path of its choosing (`new File()` has none: ''). What the page
 * passes is its own object copied across the context bridge, functions included, so none of its methods is
 * called (not even `map`): a real array is read item by item, and one item without a path refuses it all.
 */
function droppedPaths(files: unknown): string[] | undefined {
  if (!Array.isArray(files) || files.length === 0) return undefined;
  const paths: string[] = [];
  for (let i = 0; i < files.length; i += 1) {
    let filePath: unknown;
    try {
      filePath = webUtils.getPathForFile(files[i] as File);
    } catch {
      // Not a File at all (Electron throws for anything else).
      return undefined;
    }
    if (typeof filePath !== 'string' || filePath.length === 0) return undefined;
    paths.push(filePath);
  }
  return paths;
}

contextBridge.exposeInMainWorld('openhands', Object.freeze(bridge));
