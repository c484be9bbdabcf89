// Browser mode started in this process for a test: a random port, the given user-data folder, nothing
// printed. (test/e2e/support/harness.ts starts it with its log kept, for diagnostics.)
import path from 'node:path';
import { MemoryLogger } from '../../src/main/logger';
import { type RunningWebMain, startWebMain } from '../../src/main/web/web-main';

const root = path.resolve(__dirname, '../..');

export async function startQuietWebMain(dataDir: string): Promise<RunningWebMain> {
  const started = await startWebMain({
    argv: ['--port', '0', '--user-data-dir', dataDir],
    env: {},
    appRoot: root,
    logger: new MemoryLogger(),
    out: () => undefined,
    err: () => undefined,
  });
  if (!started) throw new Error('browser mode did not start');
  return started;
}
