// Loads src/renderer/web-bridge.ts into Node (bundled with esbuild: it is DOM code, outside the Node
// TypeScript project), so its transport can be driven with a fake or a real socket.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { OpenHandsBridge } from '../../src/shared/bridge/contract';

/** The socket surface web-bridge.ts uses (the DOM's WebSocket; `ws` offers the same). */
export interface SocketLike {
  addEventListener(type: string, listener: (event: { data?: unknown }) => void): void;
  send(data: string): void;
}

export interface WebBridgeOptionsLike {
  url?: string;
  createSocket?: (url: string) => SocketLike;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  callTimeoutMs?: number;
  origin?: string;
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  onConnection?: (state: 'connected' | 'lost' | 'not-answering') => void;
}

interface WebBridgeModule {
  createWebBridge: (options: WebBridgeOptionsLike) => OpenHandsBridge;
}

let loaded: Promise<WebBridgeModule> | undefined;

export function loadWebBridge(): Promise<WebBridgeModule> {
  loaded ??= (async () => {
    const result = await build({
      entryPoints: [path.resolve(__dirname, '../../src/renderer/web-bridge.ts')],
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      write: false,
    });
    const dir = await mkdtemp(path.join(tmpdir(), 'web-bridge-'));
    const file = path.join(dir, 'web-bridge.mjs');
    await writeFile(file, result.outputFiles[0]!.text);
    return (await import(pathToFileURL(file).href)) as WebBridgeModule;
  })();
  return loaded;
}
