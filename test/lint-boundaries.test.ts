import { ESLint } from 'eslint';
import { defineConfig } from 'eslint/config';
import path from 'node:path';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

// Proves the import boundaries in eslint.config.mjs by linting snippets at virtual paths.
// The snippets are not on disk, so type-aware parsing is switched off for this test only;
// the boundary rules themselves are the real ones from the project config.
const eslint = new ESLint({
  cwd: path.resolve(__dirname, '..'),
  overrideConfig: defineConfig({ files: ['**/*.{ts,tsx}'], extends: [tseslint.configs.disableTypeChecked] }),
});

async function restrictedImportMessages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  if (!result) throw new Error(`no lint result for ${filePath}`);
  expect(
    result.messages.filter((m) => m.fatal),
    `parse errors in ${filePath}`,
  ).toEqual([]);
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

type Case = { file: string; spec: string; blocked: boolean };
const blocked = (file: string, spec: string): Case => ({ file, spec, blocked: true });
const allowed = (file: string, spec: string): Case => ({ file, spec, blocked: false });

const cases: Case[] = [
  // renderer: no main, preload, electron or Node built-ins
  blocked('src/renderer/x.ts', '../main/foo'),
  blocked('src/renderer/deep/x.tsx', '../../preload/index'),
  blocked('src/renderer/x.ts', 'electron'),
  blocked('src/renderer/x.ts', 'node:fs'),
  blocked('src/renderer/x.ts', 'path'),
  blocked('src/renderer/x.ts', 'fs/promises'),
  allowed('src/renderer/x.ts', '../shared/app-info'),
  allowed('src/renderer/x.tsx', 'react'),
  // shared: pure, imports no other layer
  blocked('src/shared/x.ts', 'node:fs'),
  blocked('src/shared/x.ts', 'electron'),
  blocked('src/shared/x.ts', '../renderer/a'),
  blocked('src/shared/x.ts', '../main/a'),
  allowed('src/shared/x.ts', 'zod'),
  // main: only the adapter folder and the composition root touch electron
  blocked('src/main/services/x.ts', 'electron'),
  blocked('src/main/services/x.ts', '../../renderer/a'),
  allowed('src/main/services/x.ts', 'node:fs'),
  allowed('src/main/electron/x.ts', 'electron'),
  allowed('src/main/electron/x.ts', 'electron-updater'),
  blocked('src/main/updates/x.ts', 'electron-updater'),
  blocked('src/renderer/x.ts', 'electron-updater'),
  allowed('src/main/index.ts', 'electron'),
  // preload: electron + shared only
  allowed('src/preload/x.ts', 'electron'),
  allowed('src/preload/x.ts', '../shared/app-info'),
  blocked('src/preload/x.ts', 'node:fs'),
  blocked('src/preload/x.ts', 'zod'),
  blocked('src/preload/x.ts', '../main/a'),
  // tests: never electron
  blocked('test/x.test.ts', 'electron'),
  allowed('test/deep/x.test.ts', 'node:fs'),
];

describe('import boundaries (eslint no-restricted-imports)', () => {
  it.each(cases)('$file importing $spec → blocked: $blocked', async ({ file, spec, blocked }) => {
    const messages = await restrictedImportMessages(file, `import * as m from '${spec}';\nexport { m };\n`);
    expect(messages.length > 0, messages.join('\n')).toBe(blocked);
  });

  it('also checks re-exports', async () => {
    const messages = await restrictedImportMessages('src/renderer/x.ts', "export * from '../main/a';\n");
    expect(messages).toHaveLength(1);
  });

  it('lints the app folders (they are not ignored)', async () => {
    for (const file of [
      'src/main/index.ts',
      'src/preload/index.ts',
      'src/renderer/App.tsx',
      'test/x.test.ts',
    ]) {
      expect(await eslint.isPathIgnored(file), file).toBe(false);
    }
  });
});
