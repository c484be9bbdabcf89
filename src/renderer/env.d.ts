/// <reference types="vite/client" />
import type { OpenHandsBridge } from '../shared/bridge/contract';

declare global {
  interface Window {
    /** Exposed by src/preload/index.ts through contextBridge (or the browser-mode transport). */
    readonly openhands: OpenHandsBridge;
  }
}
