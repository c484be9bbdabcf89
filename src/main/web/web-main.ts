// `npm run web`: browser mode's Node entry. Hosts the same main services as the Electron app (built by
// createMainServices with Node adapters) and serves the built renderer through web-server.ts. No Electron.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { APP_NAME } from '../../shared/app-info';
import { forwardBridgeEvents } from '../bridge/bridge-events';
import { createDispatch, type Dispatch } from '../bridge/dispatch';
import { createBridgeHandlers } from '../bridge/handlers';
import { createMainServices, type MainServices } from '../compose';
import { createFileLogger } from '../file-logger';
import { trustSystemCertificates, useEnvironmentProxy } from '../network/environment';
import { consoleLogger, type Logger } from '../logger';
import { SystemEventEmitter } from '../system-events';
import { keepRunningOnUnhandledRejection } from '../unhandled-rejections';
import { resolveUserDataDir } from '../user-data-dir';
import { PLAN_STAGED_CHANNEL } from '../../shared/bridge/staged-uploads';
import { createStagedUploads } from './staged-uploads';
import { startWebServer, type WebServer } from './web-server';

export interface WebMainOptions {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  /** The repository root (where out/renderer and package.json live). */
  appRoot: string;
  logger?: Logger;
  /** Where the ready line and problems go (default: stdout / stderr). */
  out?: (line: string) => void;
  err?: (line: string) => void;
}

export interface RunningWebMain {
  server: WebServer;
  services: MainServices;
  close(): Promise<void>;
}

/** `--port <n>` or `--port=<n>`; default 0 (a free port). */
export function parsePort(argv: readonly string[]): number | undefined {
  let raw: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--port') raw = argv[i + 1];
    else if (arg?.startsWith('--port=')) raw = arg.slice('--port='.length);
  }
  if (raw === undefined) return 0;
  const port = Number(raw);
  return Number.isInteger(port) && port >= 0 && port <= 65535 ? port : undefined;
}

function appVersion(appRoot: string): string {
  try {
    const pkg = JSON.parse(readFileSync(path.join(appRoot, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Starts browser mode; resolves once the page can be opened, or undefined after reporting a problem. */
export async function startWebMain(options: WebMainOptions): Promise<RunningWebMain | undefined> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = options.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  const port = parsePort(options.argv);
  if (port === undefined) {
    err('npm run web: --port must be a whole number from 0 to 65535 (0 picks a free port).');
    return undefined;
  }
  const rendererDir = path.join(options.appRoot, 'out', 'renderer');
  if (!existsSync(path.join(rendererDir, 'index.html'))) {
    err(`npm run web: the built renderer is missing (${rendererDir}). Run \`npm run build\` first.`);
    return undefined;
  }
  const dataDir = resolveUserDataDir({
    argv: options.argv,
    env: options.env,
    platform: process.platform,
    homedir: homedir(),
    cwd: process.cwd(),
  });
  // Browser mode's log: in the user-data folder (and on the console), unless the caller brings its own.
  const logger = options.logger ?? createFileLogger(path.join(dataDir, 'logs', 'main.log'));

  // Events reach pages through the server, which starts after the services: until then there is no page.
  let server: WebServer | undefined;
  const services = await createMainServices({
    dataDir,
    logger,
    systemLocale: Intl.DateTimeFormat().resolvedOptions().locale,
    adapters: {
      // No system notifications in a browser tab (yet): the log says what would have been shown.
      notify: (list) => list.forEach((n) => logger.info(`notification (${n.kind}): ${n.title}`)),
      renderTray: () => undefined,
      forward: (changes) => server?.broadcast('statusChanges', changes),
      system: new SystemEventEmitter({ logger }),
    },
  });
  forwardBridgeEvents(services, (name, payload) => server?.broadcast(name, payload));
  // A page has files but no paths: it streams them into a staging folder first (staged-uploads.ts).
  const staged = await createStagedUploads({ dataDir, outbox: services.outbox, logger });
  const contract = createDispatch(
    createBridgeHandlers(
      services,
      { name: APP_NAME, version: appVersion(options.appRoot), platform: process.platform },
      staged.plans,
    ),
    logger,
  );
  // The one channel that exists only on this transport (not in the shared contract, so never over IPC).
  const dispatch: Dispatch = (channel, input) =>
    channel === PLAN_STAGED_CHANNEL ? staged.planStaged(input) : contract(channel, input);
  try {
    server = await startWebServer({
      port,
      host: '127.0.0.1',
      rendererDir,
      dispatch,
      logger,
      stageUpload: (req, stageId, name) => staged.receive(req, stageId, name),
    });
  } catch (error) {
    staged.close();
    await services.close();
    err(
      `npm run web: cannot listen on 127.0.0.1:${port}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return undefined;
  }
  const started = server;
  out(`${APP_NAME} (browser mode): ${started.url}?token=${started.token}`);
  return {
    server: started,
    services,
    async close() {
      await started.close();
      staged.close();
      await services.close();
    },
  };
}

/** The CLI: start, print the line, close cleanly on SIGINT/SIGTERM. */
export async function webMain(appRoot: string): Promise<void> {
  // Before anything starts: a missed `.catch` is logged, and the page keeps its server (see the module).
  keepRunningOnUnhandledRejection(consoleLogger);
  // The network like the rest of the command line: the environment's proxy, the OS certificate store.
  const proxied = useEnvironmentProxy(process.env);
  const systemCerts = trustSystemCertificates();
  consoleLogger.info(
    `network: ${proxied ? 'through the proxy HTTPS_PROXY/HTTP_PROXY names (NO_PROXY honoured)' : 'direct'}; ${systemCerts} certificates from the system store trusted`,
  );
  const running = await startWebMain({ argv: process.argv.slice(2), env: process.env, appRoot });
  if (!running) {
    process.exitCode = 1;
    return;
  }
  let closing = false;
  const stop = (): void => {
    if (closing) return;
    closing = true;
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
