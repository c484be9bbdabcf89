// `npm run demo`: the app against the embedded OpenHands simulator, seeded with conversations in
// different states, so a new user sees it working before pointing it at a real server.
import { spawn } from 'node:child_process';
import { seedDemo } from '../test/simulator/seed';
import { startSimulator } from '../test/simulator/simulator';
import { findElectronBinary } from './electron-binary';

async function main(): Promise<void> {
  const portArg = process.argv.indexOf('--port');
  const port = portArg >= 0 ? Number(process.argv[portArg + 1]) : 0;
  // Room for every seeded sandbox: the real default (5) would pause the oldest one to make room.
  const sim = await startSimulator({ port, stepMs: 400, maxSandboxes: 8 });
  await seedDemo(sim);
  const count = sim.world.conversations.size;
  process.stdout.write(`OpenHands simulator listening on ${sim.url}/ with ${count} demo conversations\n`);

  const stop = (): void => {
    void sim.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const electron = findElectronBinary();
  if (!electron) {
    process.stdout.write(
      'The Electron binary is not installed here (ELECTRON_SKIP_BINARY_DOWNLOAD or no network at install time),\n' +
        'so the desktop window cannot open. Browser mode arrives with the bridge issue; until then the simulator\n' +
        `keeps running: try  curl ${sim.url}/api/v1/app-conversations/search  — Ctrl+C to stop.\n`,
    );
    return;
  }
  // The app picks this server up as a preconfigured account once accounts exist (see README).
  const app = spawn('npx', ['electron-vite', 'preview'], {
    stdio: 'inherit',
    env: { ...process.env, OPENHANDS_DESKTOP_DEMO_SERVER: sim.url },
  });
  app.on('exit', (code) => {
    void sim.close().then(() => process.exit(code ?? 0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
