// A real electron-builder run (`--linux --dir`) against a stand-in Electron distribution: proves that the
// config packs what the app needs into app.asar, unpacks keytar's native module and flips the fuses — all
// that can be checked here, where neither Electron nor the AppImage/deb tools can be downloaded.
// The stand-in "electron" is a tiny file carrying the fuse wire (sentinel + version + states) that
// @electron/fuses edits in a real binary.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const fromBuilder = createRequire(require.resolve('electron-builder/package.json'));
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron's defaults: RunAsNode, CookieEncryption, NodeOptions, Inspect, AsarIntegrity, OnlyAsar, V8Snapshot, FilePrivileges. */
const DEFAULT_WIRE = '10110001';

const scratch = mkdtempSync(path.join(tmpdir(), 'dir-build-'));
const electronVersion = (
  JSON.parse(readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8')) as {
    version: string;
  }
).version;
/** A few of the Chromium locales a real Electron distribution carries (about 55 in all). */
const LOCALES = ['de', 'en-US', 'fr', 'ja', 'zh-CN', 'zh-TW'];
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function fakeElectronDist(): string {
  const dist = path.join(scratch, 'electron-dist');
  mkdirSync(path.join(dist, 'resources'), { recursive: true });
  mkdirSync(path.join(dist, 'locales'), { recursive: true });
  for (const locale of LOCALES) writeFileSync(path.join(dist, 'locales', `${locale}.pak`), locale);
  const binary = Buffer.concat([
    Buffer.from('#!/bin/sh\nexit 0\n'),
    Buffer.from(SENTINEL),
    Buffer.from([1, DEFAULT_WIRE.length]),
    Buffer.from(DEFAULT_WIRE),
  ]);
  writeFileSync(path.join(dist, 'electron'), binary, { mode: 0o755 });
  writeFileSync(path.join(dist, 'version'), electronVersion);
  writeFileSync(path.join(dist, 'LICENSE'), 'stand-in');
  return dist;
}

describe('electron-builder --dir with a stand-in Electron', () => {
  it('packs out/, the tray icons and keytar, and sets the fuses', (ctx) => {
    if (process.platform !== 'linux') ctx.skip('the stand-in Electron has the Linux layout');
    if (!existsSync(path.join(root, 'out/main/index.js')))
      ctx.skip('no build in out/: run `npm run build` first');
    const output = path.join(scratch, 'dist');
    const result = spawnSync(
      process.execPath,
      [
        path.join(root, 'node_modules/electron-builder/cli.js'),
        '--linux',
        '--dir',
        `-c.electronDist=${fakeElectronDist()}`,
        `-c.electronVersion=${electronVersion}`,
        // Rebuilding keytar for Electron downloads Electron's headers: not possible here.
        '-c.npmRebuild=false',
        `-c.directories.output=${output}`,
      ],
      { cwd: root, encoding: 'utf8', timeout: 240_000 },
    );
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    const app = path.join(output, 'linux-unpacked');
    const executable = readFileSync(path.join(app, 'openhands-desktop'));
    const at = executable.indexOf(SENTINEL) + SENTINEL.length;
    const wire = executable.subarray(at + 2, at + 2 + DEFAULT_WIRE.length).toString('ascii');
    // runAsNode off, cookies encrypted, NODE_OPTIONS off, --inspect off, asar integrity on, only asar,
    // (V8 snapshot untouched), file:// privileges kept (see electron-builder.yml).
    expect(wire).toBe('01001101');
    // Only the locales the app speaks are shipped.
    expect(readdirSync(path.join(app, 'locales')).sort()).toEqual(['en-US.pak', 'zh-CN.pak']);

    const asar = fromBuilder('@electron/asar') as { listPackage(archive: string, options: object): string[] };
    const files = asar
      .listPackage(path.join(app, 'resources/app.asar'), {})
      .map((f) => f.replace(/\\/g, '/'));
    for (const needed of [
      '/package.json',
      '/out/main/index.js',
      '/out/preload/index.js',
      '/out/renderer/index.html',
      '/build/trayTemplate.png',
      '/build/tray.png',
      '/build/tray.ico',
      '/node_modules/keytar/package.json',
    ])
      expect(files).toContain(needed);
    expect(
      files.filter((f) => f.startsWith('/src/') || f.startsWith('/test/') || f.endsWith('.map')),
    ).toEqual([]);
    expect(
      existsSync(path.join(app, 'resources/app.asar.unpacked/node_modules/keytar/build/Release/keytar.node')),
    ).toBe(true);
  }, 300_000);
});
