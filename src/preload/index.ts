import { contextBridge } from 'electron';
import { APP_NAME, toDesktopPlatform, type OpenHandsBridgeInfo } from '../shared/app-info';

// Sandboxed preload: bundled into one CommonJS file whose only external is `electron`.
// Static info only for now; the typed bridge (named methods, no generic invoke) arrives with the bridge issue.
const bridge: OpenHandsBridgeInfo = Object.freeze({
  appName: APP_NAME,
  platform: toDesktopPlatform(process.platform),
});

contextBridge.exposeInMainWorld('openhands', bridge);
