import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import { resolve } from 'node:path';
import type { Plugin } from 'vite';

/**
 * Sandboxed preloads can only `require('electron')` (and a few polyfilled modules): everything else,
 * Node built-ins included, must be bundled or not used at all. electron-vite externalizes built-ins by
 * default, so narrow the externals to `electron` and fail the build if the preload ever emits more than
 * one chunk or requires anything else.
 */
function sandboxedPreload(): Plugin {
  return {
    name: 'openhands:sandboxed-preload',
    apply: 'build',
    config(config) {
      const rolldownOptions = (config.build ??= {}).rolldownOptions ?? {};
      rolldownOptions.external = ['electron'];
      config.build.rolldownOptions = rolldownOptions;
      config.build.rollupOptions = rolldownOptions;
    },
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).filter((output) => output.type === 'chunk');
      if (chunks.length !== 1) {
        this.error(`preload must be a single bundle, got: ${chunks.map((c) => c.fileName).join(', ')}`);
      }
      for (const chunk of chunks) {
        // A chunk may list itself (an inlined dynamic import); anything else must be `electron`.
        const extra = [...chunk.imports, ...chunk.dynamicImports].filter(
          (id) => id !== 'electron' && !(id in bundle),
        );
        if (extra.length > 0) this.error(`preload may only require 'electron', found: ${extra.join(', ')}`);
      }
    },
  };
}

/**
 * Vite injects imported CSS as <style> elements in dev, which `style-src 'self'` blocks. Relax style-src
 * for the dev server only; the built index.html keeps the strict policy (CSS is emitted as files there).
 */
function devOnlyInlineStyles(): Plugin {
  return {
    name: 'openhands:dev-inline-styles',
    apply: 'serve',
    transformIndexHtml(html) {
      return html.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'");
    },
  };
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // package.json "dependencies" stay external (loaded from node_modules at runtime); keytar is a
      // native module and must never be bundled, whichever dependency list it ends up in.
      externalizeDeps: { include: ['keytar'] },
      rolldownOptions: {
        input: { index: resolve(__dirname, 'src/main/index.ts') },
      },
    },
  },
  preload: {
    plugins: [sandboxedPreload()],
    build: {
      outDir: 'out/preload',
      // Bundle everything (zod, shared code, …) into the preload: a sandboxed preload cannot load node_modules.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].js', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    plugins: [react(), devOnlyInlineStyles()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      rolldownOptions: {
        input: { index: resolve(__dirname, 'src/renderer/index.html') },
      },
    },
  },
});
