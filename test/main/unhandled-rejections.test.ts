import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileChild } from '../support/compile-child';

const ROOT = path.resolve(__dirname, '../..');

/**
 * Finding 6 of issue 15: one rejected promise nobody handled ended the main process. Both entry points log
 * it and keep running. The child is a plain Node process (as browser mode's is): it installs the handler,
 * lets a promise reject unhandled, and must still be there to say so afterwards.
 */
describe('an unexpected rejection is logged and the process keeps running', () => {
  let child: { script: string; cleanup: () => Promise<void> } | undefined;
  beforeAll(async () => {
    child = await compileChild(
      ['src/main/unhandled-rejections.ts', 'src/main/logger.ts'],
      'src/main/unhandled-rejections.ts',
    );
    const runner = path.join(path.dirname(child.script), 'runner.js');
    await writeFile(
      runner,
      [
        "const { keepRunningOnUnhandledRejection } = require('./unhandled-rejections.js');",
        "const { consoleLogger } = require('./logger.js');",
        'keepRunningOnUnhandledRejection(consoleLogger);',
        "void Promise.reject(new Error('nobody catches this'));",
        "setTimeout(() => { process.stdout.write('still alive\\n'); }, 100);",
      ].join('\n'),
    );
    child.script = runner;
  });
  afterAll(() => child?.cleanup());

  it('survives and logs the reason', async () => {
    const proc = spawn(process.execPath, [child!.script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
    expect(code).toBe(0);
    expect(out).toContain('still alive');
    expect(err).toContain('unhandled rejection (the app keeps running): Error: nobody catches this');
  });

  it('is installed by both entry points (Electron and browser mode)', async () => {
    for (const entry of ['src/main/index.ts', 'src/main/web/web-main.ts']) {
      const source = await readFile(path.join(ROOT, entry), 'utf8');
      expect(source, entry).toMatch(/^\s*keepRunningOnUnhandledRejection\(/m);
    }
  });
});
