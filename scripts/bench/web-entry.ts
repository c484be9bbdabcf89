// Browser mode's entry for the start-up benchmark: what scripts/web.ts runs, with the repository root
// passed in (the bundle lives under node_modules/.cache, so __dirname cannot find it).
import { webMain } from '../../src/main/web/web-main';

webMain(process.env.OPENHANDS_BENCH_APP_ROOT ?? process.cwd()).catch((error: unknown) => {
  process.stderr.write(`web: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
