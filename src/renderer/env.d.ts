/// <reference types="vite/client" />
import type { OpenHandsBridgeInfo } from '../shared/app-info';

declare global {
  interface Window {
    /** Exposed by src/preload/index.ts through contextBridge. */
    readonly openhands: OpenHandsBridgeInfo;
  }
}
