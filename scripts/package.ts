// `npm run package [-- --dir] [-- --electron-dist <dir>] [-- --skip-build] [-- --update-url <url>] [-- <electron-builder args>]`
// Builds the app (out/) and packages it for the current platform with electron-builder.yml:
// dmg + zip (macOS), nsis (Windows), AppImage + deb (Linux); `--dir` makes only the unpacked app.
// Fails at once, with what to do, when no Electron distribution is available (see chooseElectronDist).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chooseElectronDist, ensureElectronBinary } from './electron-binary';

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
let explicitDist: string | undefined;
let dirOnly = false;
let skipBuild = false;
let updateUrl: string | undefined;
const passThrough: string[] = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i] ?? '';
  if (arg === '--electron-dist') {
    explicitDist = args[++i];
    if (explicitDist === undefined) fail('package: --electron-dist needs a folder');
  } else if (arg.startsWith('--electron-dist=')) explicitDist = arg.slice('--electron-dist='.length);
  else if (arg === '--update-url') {
    updateUrl = args[++i];
    if (updateUrl === undefined) fail('package: --update-url needs an https:// address');
  } else if (arg.startsWith('--update-url=')) updateUrl = arg.slice('--update-url='.length);
  else if (arg === '--dir') dirOnly = true;
  else if (arg === '--skip-build') skipBuild = true;
  else if (arg === '--help' || arg === '-h') {
    console.log(readFileSync(__filename, 'utf8').split('\n').slice(0, 4).join('\n'));
    process.exit(0);
  } else passThrough.push(arg);
}

if (updateUrl !== undefined && !/^https:\/\/[^/\s]+/.test(updateUrl))
  fail(`package: --update-url must be an https:// address (got "${updateUrl}")`);

function fail(message: string, code = 2): never {
  console.error(message);
  process.exit(code);
}

const electronVersion = (
  JSON.parse(readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')) as {
    version: string;
  }
).version;
const explicit = explicitDist === undefined ? undefined : path.resolve(explicitDist);
const envDist = process.env.ELECTRON_DIST ? path.resolve(process.env.ELECTRON_DIST) : undefined;
// No distribution given: the electron package's own, fetched now if it has none yet (Electron ≥ 42).
const installed = (explicit ?? envDist) ? undefined : ensureElectronBinary();
if (installed && 'missing' in installed) console.error(`package: the Electron binary: ${installed.missing}`);
const choice = chooseElectronDist({
  explicit,
  env: envDist,
  platform: process.platform,
  installedBinary: installed && 'path' in installed ? installed.path : undefined,
  electronVersion,
});
if ('error' in choice) fail(choice.error);
console.log(`package: Electron ${electronVersion} from ${choice.source} (${choice.dist})`);

function run(command: string, commandArgs: string[]): void {
  const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', env: process.env });
  if (result.error) fail(`package: could not run ${command}: ${result.error.message}`, 1);
  if (result.status !== 0) fail(`package: ${command} ${commandArgs.join(' ')} failed`, result.status ?? 1);
}

const platformFlag = { darwin: '--mac', win32: '--win', linux: '--linux' }[process.platform as string];
if (!platformFlag)
  fail(`package: ${process.platform} is not a platform we package for (macOS, Windows, Linux)`);

if (!skipBuild)
  run(process.execPath, [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build']);
run(process.execPath, [
  path.join(root, 'node_modules/electron-builder/cli.js'),
  platformFlag,
  ...(dirOnly ? ['--dir'] : []),
  `-c.electronDist=${choice.dist}`,
  `-c.electronVersion=${electronVersion}`,
  // A generic feed instead of GitHub releases (electron-builder.yml, `publish`).
  ...(updateUrl ? ['-c.publish.provider=generic', `-c.publish.url=${updateUrl}`] : []),
  // Packaging builds; releasing is a separate, deliberate step.
  ...(passThrough.some((a) => a === '--publish' || a.startsWith('--publish=') || a === '-p')
    ? []
    : ['--publish', 'never']),
  ...passThrough,
]);
