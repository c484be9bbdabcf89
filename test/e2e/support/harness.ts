// End-to-end harness: the real app in browser mode (src/main/web), driven in a real headless Chromium by
// playwright-core, against the in-process OpenHands simulator. See test/e2e/README.md.
//
//   it('does the thing', async (ctx) => {
//     const app = await startApp({ ctx, simulator: { apiKey: 'sk-sim' } });
//     await app.sim.world.seedMany(3);
//     await addServerViaBridge(app.page, { name: 'Sim', baseUrl: app.sim.url, apiKey: 'sk-sim' });
//     await app.screenshot('added');
//   });
//
// With `ctx`, a missing Chromium or build skips the test with the reason, everything is closed when the test
// finishes, and on failure the collected logs, console messages and page errors are printed. One Chromium
// serves every test of a file and is closed after the file.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Page,
} from 'playwright-core';
import { afterAll, expect, type TestContext } from 'vitest';
import { CHROMIUM_ARGS, findChromium } from '../../support/chromium';
import type { Logger } from '../../../src/main/logger';
import { type RunningWebMain, startWebMain } from '../../../src/main/web/web-main';
import type { BridgeResult, OpenHandsBridge } from '../../../src/shared/bridge/contract';
import type { ServerView } from '../../../src/shared/servers';
import { type Simulator, type SimulatorOptions, startSimulator } from '../../simulator/simulator';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
const RENDERER_INDEX = path.join(REPO_ROOT, 'out', 'renderer', 'index.html');
const RESULTS_ROOT = path.join(REPO_ROOT, 'test-results', 'e2e');

/** Why e2e tests cannot run here, or undefined when they can. */
export function e2eUnavailable(): string | undefined {
  const chromiumFound = findChromium();
  if ('missing' in chromiumFound) return `e2e skipped: ${chromiumFound.missing}`;
  if (!existsSync(RENDERER_INDEX)) return 'e2e skipped: out/renderer is missing; run `npm run build` first';
  return undefined;
}

// --- one browser per test file ------------------------------------------------------------------------------

let sharedBrowser: Promise<Browser> | undefined;

/** The file's Chromium, launched on first use. */
export function sharedChromium(): Promise<Browser> {
  const found = findChromium();
  if ('missing' in found) return Promise.reject(new Error(found.missing));
  sharedBrowser ??= chromium.launch({ executablePath: found.path, args: CHROMIUM_ARGS, timeout: 15_000 });
  const launching = sharedBrowser;
  // A failed launch is not cached: the next test tries again (and reports its own error).
  launching.catch(() => {
    if (sharedBrowser === launching) sharedBrowser = undefined;
  });
  return launching;
}

/** Closes the file's Chromium (registered below for the end of every file that imports this harness). */
export async function closeSharedChromium(): Promise<void> {
  const launching = sharedBrowser;
  sharedBrowser = undefined;
  if (!launching) return;
  const browser = await launching.catch(() => undefined);
  await browser?.close();
}

afterAll(closeSharedChromium);

/**
 * Requests to the app server's removed V0 era routes (OpenHands PR #13952, April 2026): `/api/options/*`
 * and the V0 conversation routes. The `/_sim/` controls are the tests' own.
 */
export function legacyRequests(sim: Simulator): string[] {
  return sim.requests
    .filter((r) => r.server === 'app' && /^\/api\/(options|conversations)(\/|$)/.test(r.path))
    .map((r) => `${r.method} ${r.path}`);
}

// --- what the page did ---------------------------------------------------------------------------------------

/** One WebSocket frame the page sent or received (`payload` as text; binary frames decoded as UTF-8). */
export interface WsFrame {
  direction: 'sent' | 'received';
  url: string;
  payload: string;
  /** Milliseconds since the app started. */
  at: number;
}

/** One console message of the page. */
export interface ConsoleEntry {
  type: string;
  text: string;
  location: string;
}

// --- screenshots ------------------------------------------------------------------------------------------------

/** Per results folder: the next sequence number (numbers go on across the tests of a file). */
const screenshotCounters = new Map<string, number>();

function testFileName(ctx: TestContext | undefined): string {
  const file = ctx?.task.file.filepath ?? expect.getState().testPath ?? 'unknown';
  return path
    .basename(file)
    .replace(/\.test\.tsx?$/, '')
    .replace(/\.tsx?$/, '');
}

function safeName(name: string): string {
  return (
    name
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'shot'
  );
}

// --- the app ----------------------------------------------------------------------------------------------------

export interface StartAppOptions {
  /**
   * The test's context (`it('…', async (ctx) => …)`). With it: skip with the reason when Chromium or the
   * build is missing, close everything when the test finishes, print diagnostics when it fails.
   */
  ctx?: TestContext;
  /** Simulator options (merged over `{ stepMs: 20, rateLimit: false }`), or false for no simulator. */
  simulator?: SimulatorOptions | false;
  /** An existing user-data folder (kept on close); default: a fresh temp folder, removed on close. */
  userDataDir?: string;
  /** Extra browser-mode arguments (after `--port` and `--user-data-dir`). */
  webArgs?: readonly string[];
  /** Environment browser mode sees (default: empty, so the host's OPENHANDS_* variables do not leak in). */
  webEnv?: Readonly<Record<string, string | undefined>>;
  /** Passed to `browser.newContext` (default viewport 1280×800, locale en-US, time zone UTC). */
  contextOptions?: BrowserContextOptions;
  /** Wait until `window.openhands` exists after loading (default true). */
  waitForBridge?: boolean;
}

export interface E2eApp {
  /** The page (the same object across `restartWeb`). */
  readonly page: Page;
  readonly context: BrowserContext;
  /** The simulator; throws when the app was started with `simulator: false`. */
  readonly sim: Simulator;
  /** The running browser mode (a new one after `restartWeb`). */
  readonly web: RunningWebMain;
  /** The address with `?token=` the page was opened at. */
  readonly pageUrl: string;
  /** Browser mode's origin, e.g. `http://127.0.0.1:41234`. */
  readonly origin: string;
  readonly userDataDir: string;
  /** Every WebSocket frame the page sent or received, in order (across restarts). */
  readonly frames: WsFrame[];
  /** Every console message of the page. */
  readonly console: ConsoleEntry[];
  /** Console messages of type 'error' (text only). */
  readonly consoleErrors: string[];
  /** Uncaught exceptions in the page (`pageerror`). */
  readonly pageErrors: string[];
  /** Requests of the page that failed or were answered 4xx/5xx. */
  readonly failedRequests: string[];
  /** Browser mode's log, its printed lines and the harness's own notes. */
  readonly logs: string[];
  /** Saves a full-page PNG as test-results/e2e/<test file>/<NN>-<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
  /** Closes browser mode and starts it again on the same user-data folder and port, then reloads the page. */
  restartWeb(options?: { samePort?: boolean }): Promise<void>;
  /** Everything collected, as text (printed automatically when a test started with `ctx` fails). */
  diagnostics(): string;
  /** Closes the page, browser mode and the simulator and removes temp folders; safe to call twice. */
  close(): Promise<void>;
}

const READY_LINE = /\(browser mode\): (http:\/\/\S+\?token=\S+)$/;

async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Starts simulator + browser mode + a page in the file's Chromium. See the top of this file. */
export async function startApp(options: StartAppOptions = {}): Promise<E2eApp> {
  const { ctx } = options;
  const unavailable = e2eUnavailable();
  if (unavailable) {
    // CI installs Chromium and builds first (.ci/run): there a missing one is a broken setup, not a skip.
    if (ctx && !process.env.CI) ctx.skip(unavailable);
    throw new Error(unavailable);
  }

  const started = Date.now();
  const logs: string[] = [];
  const note = (line: string): void => {
    logs.push(`+${String(Date.now() - started).padStart(5)}ms ${line}`);
  };
  const logger: Logger = {
    info: (m) => note(`info  ${m}`),
    warn: (m) => note(`warn  ${m}`),
    error: (m) => note(`error ${m}`),
  };
  const frames: WsFrame[] = [];
  const consoleEntries: ConsoleEntry[] = [];
  const pageErrors: string[] = [];
  const failedRequests: string[] = [];
  const resultsDir = path.join(RESULTS_ROOT, testFileName(ctx));

  let sim: Simulator | undefined;
  let web: RunningWebMain | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let pageUrl = '';
  const ownsDataDir = options.userDataDir === undefined;
  const userDataDir = options.userDataDir ?? (await mkdtemp(path.join(tmpdir(), 'openhands-e2e-')));
  let closed: Promise<void> | undefined;

  const startWeb = async (port: number): Promise<RunningWebMain> => {
    let ready: string | undefined;
    const running = await startWebMain({
      argv: ['--port', String(port), '--user-data-dir', userDataDir, ...(options.webArgs ?? [])],
      env: options.webEnv ?? {},
      appRoot: REPO_ROOT,
      logger,
      out: (line) => {
        note(`out   ${line}`);
        ready ??= READY_LINE.exec(line)?.[1];
      },
      err: (line) => note(`err   ${line}`),
    });
    if (!running) throw new Error(`browser mode did not start:\n${logs.join('\n')}`);
    if (!ready) {
      await running.close();
      throw new Error(`browser mode printed no address:\n${logs.join('\n')}`);
    }
    pageUrl = ready;
    return running;
  };

  const openPage = async (): Promise<void> => {
    if (!page) throw new Error('no page');
    await page.goto(pageUrl, { waitUntil: 'load' });
    if (options.waitForBridge ?? true) {
      await page.waitForFunction(() => 'openhands' in globalThis, undefined, { timeout: 10_000 });
    }
  };

  const closeAll = async (): Promise<void> => {
    const problems: string[] = [];
    const step = async (what: string, work: () => Promise<unknown> | undefined): Promise<void> => {
      try {
        await withTimeout(Promise.resolve(work()), 10_000, what);
      } catch (error) {
        problems.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    await step('closing the browser context', () => context?.close());
    await step('closing browser mode', () => web?.close());
    // Today's servers have no V0 routes and no /api/options: a journey against one must never call them.
    if (sim?.profile === 'current') {
      const legacy = legacyRequests(sim);
      if (legacy.length > 0)
        problems.push(`the app called routes today's OpenHands removed: ${legacy.slice(0, 5).join(', ')}`);
    }
    await step('closing the simulator', () => sim?.close());
    if (ownsDataDir) {
      await step('removing the user-data folder', () =>
        rm(userDataDir, { recursive: true, force: true, maxRetries: 3 }),
      );
    }
    if (problems.length > 0) throw new Error(`e2e cleanup failed: ${problems.join('; ')}`);
  };
  const close = (): Promise<void> => (closed ??= closeAll());

  const diagnostics = (): string => {
    const section = (title: string, lines: readonly string[], last = 200): string =>
      `--- ${title} (${lines.length}) ---\n${lines.slice(-last).join('\n')}`;
    return [
      section('browser mode log', logs),
      section(
        'page console',
        consoleEntries.map((c) => `[${c.type}] ${c.text} ${c.location}`),
      ),
      section('page errors', pageErrors),
      section('failed requests', failedRequests),
      section(
        'websocket frames (last 30)',
        frames.map((f) => `+${f.at}ms ${f.direction} ${f.payload.slice(0, 500)}`),
        30,
      ),
    ].join('\n');
  };

  if (ctx) {
    // Registered before anything starts so a failure half-way still cleans up. (Hooks run last-in first-out.)
    ctx.onTestFinished(close);
    ctx.onTestFailed(() => {
      console.error(`e2e diagnostics for "${ctx.task.name}":\n${diagnostics()}`);
    });
  }

  try {
    if (options.simulator !== false) {
      sim = await startSimulator({ stepMs: 20, rateLimit: false, ...options.simulator });
      note(`harness simulator at ${sim.url}`);
    }
    web = await startWeb(0);
    const browser = await sharedChromium();
    context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      locale: 'en-US',
      timezoneId: 'UTC',
      ...options.contextOptions,
    });
    page = await context.newPage();
    page.on('websocket', (ws) => {
      const url = ws.url().replace(/token=[^&]+/, 'token=…');
      const record = (direction: WsFrame['direction'], payload: string | Buffer): void => {
        frames.push({
          direction,
          url,
          payload: typeof payload === 'string' ? payload : payload.toString('utf8'),
          at: Date.now() - started,
        });
      };
      ws.on('framesent', (frame) => record('sent', frame.payload));
      ws.on('framereceived', (frame) => record('received', frame.payload));
    });
    page.on('console', (message) => {
      const where = message.location();
      consoleEntries.push({
        type: message.type(),
        text: message.text(),
        location: where.url ? `(${where.url}:${where.lineNumber})` : '',
      });
    });
    page.on('pageerror', (error) => pageErrors.push(error.stack ?? `${error.name}: ${error.message}`));
    page.on('requestfailed', (request) =>
      failedRequests.push(
        `${request.method()} ${request.url()}: ${request.failure()?.errorText ?? 'failed'}`,
      ),
    );
    page.on('response', (response) => {
      if (response.status() >= 400) {
        failedRequests.push(`${response.request().method()} ${response.url()}: HTTP ${response.status()}`);
      }
    });
    await openPage();
  } catch (error) {
    if (!ctx) {
      await close().catch((cleanupError: unknown) => note(String(cleanupError)));
      if (error instanceof Error) error.message += `\n${diagnostics()}`;
    }
    throw error;
  }

  const livePage = page;
  const liveContext = context;
  return {
    page: livePage,
    context: liveContext,
    get sim(): Simulator {
      if (!sim) throw new Error('this app was started with `simulator: false`');
      return sim;
    },
    get web(): RunningWebMain {
      if (!web) throw new Error('browser mode is not running');
      return web;
    },
    get pageUrl() {
      return pageUrl;
    },
    get origin() {
      return new URL(pageUrl).origin;
    },
    userDataDir,
    frames,
    console: consoleEntries,
    get consoleErrors() {
      return consoleEntries.filter((c) => c.type === 'error').map((c) => c.text);
    },
    pageErrors,
    failedRequests,
    logs,
    async screenshot(name) {
      const next = screenshotCounters.get(resultsDir) ?? 1;
      // The first shot of a run clears the folder, so numbers from an older run never mix in.
      if (next === 1) await rm(resultsDir, { recursive: true, force: true });
      screenshotCounters.set(resultsDir, next + 1);
      await mkdir(resultsDir, { recursive: true });
      const file = path.join(resultsDir, `${String(next).padStart(2, '0')}-${safeName(name)}.png`);
      await livePage.screenshot({ path: file, fullPage: true, animations: 'disabled' });
      return file;
    },
    async restartWeb({ samePort = true } = {}) {
      const old = web;
      if (!old) throw new Error('browser mode is not running');
      const port = old.server.port;
      web = undefined;
      note(`harness restarting browser mode (port ${samePort ? port : 'new'})`);
      await old.close();
      web = await startWeb(samePort ? port : 0);
      await openPage();
    },
    diagnostics,
    close,
  };
}

// --- the bridge, from the test's side -----------------------------------------------------------------------------

/** `servers`, `conversations`, … — the namespaces of `window.openhands` (not the `on…` subscriptions). */
export type BridgeNamespace = {
  [K in keyof OpenHandsBridge]: K extends `on${string}` ? never : K;
}[keyof OpenHandsBridge];
export type BridgeMethod<N extends BridgeNamespace> = keyof OpenHandsBridge[N] & string;
type BridgeArgs<N extends BridgeNamespace, M extends BridgeMethod<N>> = OpenHandsBridge[N][M] extends (
  ...args: infer A
) => unknown
  ? A
  : never;
type BridgeReturn<N extends BridgeNamespace, M extends BridgeMethod<N>> = OpenHandsBridge[N][M] extends (
  ...args: never[]
) => Promise<infer R>
  ? R
  : never;

/**
 * Calls `window.openhands.<namespace>.<method>(input)` in the page, exactly as the UI would, and returns
 * its `BridgeResult`, e.g. `await callBridge(app.page, 'servers', 'test', { id })`.
 */
export async function callBridge<N extends BridgeNamespace, M extends BridgeMethod<N>>(
  page: Page,
  namespace: N,
  method: M,
  ...args: BridgeArgs<N, M>
): Promise<BridgeReturn<N, M>> {
  const input: unknown = args[0];
  const result = await page.evaluate(
    async ([ns, name, arg]) => {
      type Callable = (input?: unknown) => Promise<unknown>;
      const bridge = (globalThis as unknown as { openhands?: Record<string, Record<string, Callable>> })
        .openhands;
      const target = bridge?.[ns];
      if (!target || typeof target[name] !== 'function') {
        throw new Error(`window.openhands.${ns}.${name} is not a function`);
      }
      return target[name](arg);
    },
    [namespace, method, input] as const,
  );
  return result as BridgeReturn<N, M>;
}

/** Like `callBridge`, but returns `data` and throws with the bridge's error when the call failed. */
export async function bridgeData<N extends BridgeNamespace, M extends BridgeMethod<N>>(
  page: Page,
  namespace: N,
  method: M,
  ...args: BridgeArgs<N, M>
): Promise<BridgeReturn<N, M> extends BridgeResult<infer T> ? T : never> {
  const result = (await callBridge(page, namespace, method, ...args)) as BridgeResult<unknown>;
  if (!result.ok) {
    throw new Error(`${namespace}.${method} failed: ${result.error.code}: ${result.error.message}`);
  }
  return result.data as BridgeReturn<N, M> extends BridgeResult<infer T> ? T : never;
}

/** Adds a server through the page's bridge (`window.openhands.servers.add`) and returns the bridge's result. */
export function addServerViaBridge(
  page: Page,
  server: { name: string; baseUrl: string; apiKey?: string },
  options: { sessionOnlyKey?: boolean } = {},
): Promise<BridgeResult<ServerView>> {
  return callBridge(page, 'servers', 'add', { server, ...options });
}

/**
 * Adds a server through the Servers dialog, as a user would: name, URL, key, Test connection (its result
 * must match `success` exactly, so a failure sentence cannot pass), Save, then waits for Online.
 */
export async function addServerThroughUi(
  app: E2eApp,
  server: { name: string; url: string; apiKey?: string; success: RegExp; screenshot?: string },
): Promise<void> {
  const { page } = app;
  await page.getByRole('button', { name: 'Servers' }).click();
  const dialog = page.getByRole('dialog', { name: 'Servers' });
  await dialog.getByRole('button', { name: 'Add server' }).click();
  await dialog.getByRole('textbox', { name: 'Name' }).fill(server.name);
  await dialog.getByRole('textbox', { name: 'Server URL' }).fill(server.url);
  if (server.apiKey) await dialog.getByLabel('API key').fill(server.apiKey);
  await dialog.getByRole('button', { name: 'Test connection' }).click();
  const result = dialog.locator('.test-result');
  await expect
    .poll(async () => (await result.textContent())?.trim() ?? '', { timeout: 10_000 })
    .toMatch(server.success);
  expect(await result.getAttribute('class')).toBe('test-result test-ok');
  if (server.screenshot) await app.screenshot(server.screenshot);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog
    .getByRole('listitem', { name: server.name })
    .getByRole('status')
    .filter({ hasText: 'Online' })
    .waitFor({ timeout: 15_000 });
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
}

/** Polls `check` every 50 ms until it returns something other than undefined/false; fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until `conversations.list` (through the page's bridge) has at least `count` conversations. */
export async function waitForConversations(
  page: Page,
  count: number,
  timeoutMs = 10_000,
): Promise<Awaited<ReturnType<typeof bridgeData<'conversations', 'list'>>>> {
  return eventually(
    async () => {
      const list = await bridgeData(page, 'conversations', 'list');
      return list.length >= count && list;
    },
    `${count} conversation(s) in conversations.list`,
    timeoutMs,
  );
}

export { findChromium };
