// `npm run web -- --port <n> --user-data-dir <dir>` — browser mode: the main services in Node and the built
// renderer served on 127.0.0.1, the bridge carried over a token-guarded WebSocket (src/main/web/).
import { resolve } from 'node:path';
import { webMain } from '../src/main/web/web-main';

webMain(resolve(__dirname, '..')).catch((error: unknown) => {
  process.stderr.write(`npm run web: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
