/**
 * Test-setup workaround for `@openhands/typescript-client@1.39.0` in Node. The client itself is not patched
 * or mocked; this module only gives it the `ws` package it asks for. Import it before anything from
 * `@openhands/typescript-client`.
 *
 * The problem: `dist/events/websocket-client.js` (and `dist/events/bash-websocket-client.js`) choose their
 * WebSocket class once, when the module is first evaluated:
 *
 *     if (typeof window !== 'undefined' && window.WebSocket) WebSocketImpl = window.WebSocket;
 *     else try { WebSocketImpl = require('ws'); } catch { WebSocketImpl = undefined; }
 *
 * The package is ESM (`"type": "module"`), and an ES module has no `require`, so in Node the lookup always
 * throws a ReferenceError, is swallowed, and every `WebSocketCallbackClient.connect()` then reports
 * "WebSocket implementation not available…" through `onError` and retries forever; the socket never opens.
 * A global `WebSocket` does not help: Node 20 has none, and the code only looks at `window.WebSocket`.
 *
 * The workaround: `require` in that module is a free identifier, so it resolves to a global binding if one
 * exists. Before the client is imported we define `globalThis.require`, made with `createRequire` from the
 * client's own `dist/events/` folder, so `require('ws')` loads exactly the `ws` the package declares as its
 * dependency (`ws@^8.20.0`). Vitest runs each test file in its own worker (pool: 'forks'), so the global
 * stays inside the official-client files.
 */
import { createRequire } from 'node:module';

const clientModule = new URL(
  '../../node_modules/@openhands/typescript-client/dist/events/websocket-client.js',
  import.meta.url,
);

const scope = globalThis as { require?: NodeJS.Require };
scope.require ??= createRequire(clientModule);
