// `npm run package` where no Electron distribution exists (as on this project's CI): it must stop before
// building anything and say what to do. And the electronegativity gate's judging logic.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseElectronDist, ensureElectronBinary } from '../../scripts/electron-binary';
import { findingsFromCsv, judge, parseCsv, wellFormed } from '../../scripts/electronegativity';

const root = path.resolve(__dirname, '../..');
const tsx = path.join(root, 'node_modules/tsx/dist/cli.mjs');

function runPackage(env: NodeJS.ProcessEnv, args: string[] = []) {
  return spawnSync(process.execPath, [tsx, 'scripts/package.ts', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('npm run package without Electron', () => {
  it('fails with a clear message when --electron-dist / ELECTRON_DIST points at nothing', () => {
    const result = runPackage({ ELECTRON_DIST: '/nonexistent/electron-dist' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('package: ELECTRON_DIST is /nonexistent/electron-dist, but');
    expect(result.stderr).toMatch(/Point it at an unpacked Electron \d+\.\d+\.\d+/);
  });

  it('fails with a clear message when the electron package has no binary', (ctx) => {
    if ('path' in ensureElectronBinary())
      ctx.skip('an Electron binary is available here, so packaging would really run');
    const result = runPackage({ ELECTRON_DIST: '' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('package: no Electron distribution is available');
    expect(result.stderr).toContain('--electron-dist <dir>');
    // It tried to fetch the binary first, and says why that failed.
    expect(result.stderr).toMatch(/package: the Electron binary: downloading it failed \(.+\)/);
    expect(result.stderr).toContain('npx install-electron');
  });

  it('takes Electron from the installed package when its binary is there', () => {
    const choice = chooseElectronDist({
      explicit: undefined,
      env: undefined,
      platform: 'linux',
      installedBinary: '/p/node_modules/electron/dist/electron',
      electronVersion: '45.5.0',
    });
    expect(choice).toEqual({ dist: '/p/node_modules/electron/dist', source: 'the electron package' });
  });
});

describe('electronegativity gate', () => {
  const csv = [
    'issue, severity, confidence, filename, location, sample, description, url',
    'A_CHECK,"HIGH","FIRM","main/a.ts","1:0","x = {""a"": 1,\nb}","desc",https://x',
    'B_CHECK,"INFORMATIONAL","FIRM","main/b.ts","2:0","y","desc",https://x',
    'C_CHECK,"LOW","FIRM","main/c.ts","3:0","shell.openExternal(u)","desc",https://x',
  ].join('\n');

  it('parses its CSV report, quotes and newlines included', () => {
    expect(parseCsv('a,"b,""c"""\n"d\ne",f')).toEqual([
      ['a', 'b,"c"'],
      ['d\ne', 'f'],
    ]);
    expect(findingsFromCsv(csv).map((f) => [f.check, f.severity, f.sample])).toEqual([
      ['A_CHECK', 'HIGH', 'x = {"a": 1,\nb}'],
      ['B_CHECK', 'INFORMATIONAL', 'y'],
      ['C_CHECK', 'LOW', 'shell.openExternal(u)'],
    ]);
    expect(() => findingsFromCsv('')).toThrow(/no CSV report/);
  });

  // Seen in CI on a busy machine: two rows written over each other, one inside the other's sample.
  it('tells a spliced report from a whole one (the gate then runs Electronegativity again)', () => {
    expect(wellFormed(findingsFromCsv(csv))).toBe(true);
    const spliced = [
      'issue, severity, confidence, filename, location, sample, description, url',
      `PROTOCOL_HANDLER_JS_CHECK,"MEDIUM","TENTATIVE","main/electron/lifecycle.ts","36:11","return app.setAsDefaultProtocolClient(APP_PROTOCOL lf'; script-src 'self'","One or more CSP directives detected seems to be vulnerable",https://x`,
      'OPEN_EXTERNAL_JS_CHECK,"MEDIUM","TENTATIVE","main/index.ts","185:27","openExternal: (url) => shell.openExternal(url)  [script]);,Review the use of custom protocol handlers",https://x',
      ',Review the use of openExternal,https://x',
    ].join('\n');
    expect(wellFormed(findingsFromCsv(spliced))).toBe(false);
  });

  it('fails on findings above informational unless accepted, and on acceptances that match nothing', () => {
    const accepted = [
      {
        check: 'C_CHECK',
        file: 'main/c.ts',
        sample: 'openExternal(u)',
        justification: 'a reason that is long enough',
      },
      { check: 'D_CHECK', file: 'main/d.ts', sample: 'gone', justification: 'a reason that is long enough' },
    ];
    const verdict = judge(findingsFromCsv(csv), accepted);
    expect(verdict.failures.map((f) => f.check)).toEqual(['A_CHECK']);
    expect(verdict.acceptedFindings.map((f) => f.check)).toEqual(['C_CHECK']);
    expect(verdict.informational.map((f) => f.check)).toEqual(['B_CHECK']);
    expect(verdict.unused.map((a) => a.check)).toEqual(['D_CHECK']);
  });
});
