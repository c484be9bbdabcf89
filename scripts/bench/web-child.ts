// Starts browser mode (the bundled web entry under plain `node`) as a child process and talks to its
// /bridge socket the way the page does.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { bundle } from './bundle';

const ROOT = path.resolve(__dirname, '../..');
const READY = /\(browser mode\): (http:\/\/127\.0\.0\.1:(\d+)\/)\?token=([A-Za-z0-9_-]+)\n/;

export interface WebChild {
  process: ChildProcess;
  pid: number;
  /** performance.now() at spawn, at the ready line, at the first bridge answer. */
  spawnedAt: number;
  readyAt: number;
  bridgeAt: number;
  call(channel: string, input?: unknown): Promise<unknown>;
  close(): Promise<void>;
}

export function webEntry(): Promise<string> {
  return bundle('scripts/bench/web-entry.ts', 'web-entry');
}

export async function startWebChild(entry: string): Promise<WebChild> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'openhands-bench-web-'));
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [entry, '--port', '0', '--user-data-dir', dataDir], {
    cwd: ROOT,
    env: { ...process.env, OPENHANDS_BENCH_APP_ROOT: ROOT },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const cleanup = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const match = await new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`browser mode did not start: ${out} ${err}`)), 30_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = READY.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`browser mode exited with ${code}: ${out} ${err}`));
      });
    });
    const readyAt = performance.now();
    const port = match[2]!;
    const origin = `http://127.0.0.1:${port}`;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/bridge?token=${match[3]!}`, { headers: { origin } });
    const replies = new Map<number, (result: unknown) => void>();
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as { id?: unknown; result?: unknown };
      if (typeof message.id === 'number') replies.get(message.id)?.(message.result);
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    let nextId = 1;
    const call = (channel: string, input?: unknown): Promise<unknown> =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        const timer = setTimeout(() => reject(new Error(`no answer to ${channel}`)), 15_000);
        replies.set(id, (result) => {
          clearTimeout(timer);
          replies.delete(id);
          resolve(result);
        });
        ws.send(JSON.stringify({ id, channel, input }));
      });
    const info = (await call('app:info')) as { ok?: boolean };
    if (info.ok !== true) throw new Error(`app:info answered ${JSON.stringify(info)}`);
    const bridgeAt = performance.now();
    return {
      process: child,
      pid: child.pid!,
      spawnedAt,
      readyAt,
      bridgeAt,
      call,
      async close() {
        ws.terminate();
        await cleanup();
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
