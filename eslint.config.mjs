// @ts-check
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

// ---------------------------------------------------------------------------------------------------------
// Import boundaries (architecture guide, "Processes and layers").
// `no-restricted-imports` options do not merge across config objects — a later block replaces the whole
// rule — so every folder block below lists its complete set of restrictions. Proven by
// test/lint-boundaries.test.ts.
// ---------------------------------------------------------------------------------------------------------

/** @typedef {{ group?: string[], regex?: string, message: string }} RestrictedPattern */

const electron = {
  name: 'electron',
  message: 'Only src/main/electron/**, src/main/index.ts and src/preload may import electron.',
};
/** electron-updater loads electron itself: the same boundary. */
const electronUpdater = {
  name: 'electron-updater',
  message: 'Only src/main/electron/** may import electron-updater (it loads electron itself).',
};
/** `electron/main`, `electron/renderer`, … */
const electronSubpath = { regex: '^electron/', message: electron.message };

const nodeBuiltinMessage = 'Node built-ins are not available here (renderer/shared run without Node).';
const nodeBuiltins = builtinModules
  .filter((name) => !name.startsWith('_'))
  .map((name) => ({ name, message: nodeBuiltinMessage }));
const nodePrefixed = { group: ['node:*'], message: nodeBuiltinMessage };

/** A relative import that climbs into a sibling top-level source folder, e.g. `../main/x`, `../../src/preload`. */
const intoFolder = (/** @type {string} */ folder, /** @type {string} */ message) => ({
  regex: `^(?:\\.{1,2}/)+(?:src/)?${folder}(?:/|$)`,
  message,
});
const intoMain = intoFolder('main', 'src/main is main-process code: reach it only through the bridge.');
const intoPreload = intoFolder('preload', 'src/preload is not importable; share code through src/shared.');
const intoRenderer = intoFolder('renderer', 'src/renderer is UI code; share code through src/shared.');

/**
 * @param {Array<{ name: string, message: string }>} paths
 * @param {RestrictedPattern[]} patterns
 */
const restrictImports = (paths, patterns) => ['error', { paths, patterns }];

export default defineConfig([
  globalIgnores(['out/', 'dist/', 'node_modules/', 'coverage/', 'test-results/']),

  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': [
        'error',
        {
          'ts-expect-error': 'allow-with-description',
          'ts-ignore': true,
          'ts-nocheck': true,
          'ts-check': false,
          minimumDescriptionLength: 10,
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },

  // Plain JS config files (eslint.config.mjs): linted, but outside the TS projects, so no type-aware rules.
  {
    files: ['**/*.{js,mjs,cjs}'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },

  // Node-side code.
  {
    files: ['src/main/**', 'src/preload/**', 'test/**', 'scripts/**', '*.config.ts'],
    languageOptions: { globals: globals.node },
  },

  // Renderer: browser globals + React hooks rules.
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended],
    languageOptions: { globals: globals.browser },
  },

  // --- boundaries ---
  {
    files: ['src/renderer/**'],
    rules: {
      'no-restricted-imports': restrictImports(
        [electron, electronUpdater, ...nodeBuiltins],
        [electronSubpath, nodePrefixed, intoMain, intoPreload],
      ),
    },
  },
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': restrictImports(
        [electron, electronUpdater, ...nodeBuiltins],
        [electronSubpath, nodePrefixed, intoMain, intoPreload, intoRenderer],
      ),
    },
  },
  {
    // Services and everything else in main: no electron (adapters live in src/main/electron/).
    files: ['src/main/**'],
    ignores: ['src/main/electron/**', 'src/main/index.ts'],
    rules: {
      'no-restricted-imports': restrictImports(
        [electron, electronUpdater],
        [electronSubpath, intoPreload, intoRenderer],
      ),
    },
  },
  {
    files: ['src/main/electron/**', 'src/main/index.ts'],
    rules: {
      'no-restricted-imports': restrictImports([], [intoPreload, intoRenderer]),
    },
  },
  {
    // Sandboxed preload: `electron`, its own files and src/shared only.
    files: ['src/preload/**'],
    rules: {
      'no-restricted-imports': restrictImports(
        [],
        [
          {
            regex: '^(?!electron$)(?!\\./)(?!(?:\\.\\./)+shared(?:/|$))',
            message: "src/preload may import only 'electron' and src/shared (it is one sandboxed bundle).",
          },
        ],
      ),
    },
  },
  {
    // Tests run in plain Node where `require('electron')` fails: mock it with vi.mock('electron') instead.
    files: ['test/**'],
    rules: {
      'no-restricted-imports': restrictImports(
        [
          {
            ...electron,
            message: "Tests must not import electron; use vi.mock('electron') at the adapter edge.",
          },
        ],
        [{ ...electronSubpath, message: 'Tests must not import electron.' }],
      ),
    },
  },
]);
