// `npm run demo`: the app against the embedded OpenHands simulator, seeded with conversations in
// different states and already configured as a server, so a new user sees it working before pointing
// it at a real one. Electron where its binary is installed; browser mode otherwise.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AccountService } from '../src/main/accounts/account-service';
import { KeytarSecretStore } from '../src/main/accounts/secret-store';
import { startWebMain } from '../src/main/web/web-main';
import { seedDemo } from '../test/simulator/seed';
import { startSimulator } from '../test/simulator/simulator';
import { ensureElectronBinary } from './electron-binary';

const ROOT = path.resolve(__dirname, '..');

async function main(): Promise<void> {
  const portArg = process.argv.indexOf('--port');
  const port = portArg >= 0 ? Number(process.argv[portArg + 1]) : 0;
  // Room for every seeded sandbox: the real default (5) would pause the oldest one to make room.
  const sim = await startSimulator({ port, stepMs: 400, maxSandboxes: 8 });
  await seedDemo(sim);
  const count = sim.world.conversations.size;
  process.stdout.write(`OpenHands simulator listening on ${sim.url}/ with ${count} demo conversations\n`);

  // A throwaway user-data folder with the simulator as its one server (no key, so no keychain is touched).
  const dataDir = await mkdtemp(path.join(tmpdir(), 'openhands-demo-'));
  const accounts = await AccountService.open({ dataDir, keychain: new KeytarSecretStore() });
  await accounts.add({ name: 'Demo (simulator)', baseUrl: sim.url });

  // Electron fetches its binary on first launch (not at install): fetched here, bounded, so that a machine
  // that cannot reach Electron's downloads gets browser mode instead of a hang.
  const electron = ensureElectronBinary(120_000);
  if ('path' in electron) {
    const app = spawn('npx', ['electron-vite', 'preview'], {
      stdio: 'inherit',
      env: { ...process.env, OPENHANDS_DESKTOP_USER_DATA: dataDir },
    });
    app.on('exit', (code) => {
      void sim.close().then(() => process.exit(code ?? 0));
    });
    return;
  }

  process.stdout.write(
    `The Electron binary could not be had here (${electron.missing}), so the app opens in browser mode: open the address below.\n`,
  );
  if (!existsSync(path.join(ROOT, 'out', 'renderer', 'index.html')))
    execFileSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: 'ignore' });
  const web = await startWebMain({
    argv: ['--port', '0', '--user-data-dir', dataDir],
    env: {},
    appRoot: ROOT,
  });
  if (!web) {
    await sim.close();
    process.exit(1);
  }
  const stop = (): void => {
    void web
      .close()
      .then(() => sim.close())
      .then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
