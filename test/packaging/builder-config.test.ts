// electron-builder.yml checked by electron-builder's own loader and JSON schema, without building.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
// app-builder-lib is electron-builder's engine; reach it through electron-builder so the versions match.
const fromBuilder = createRequire(require.resolve('electron-builder/package.json'));

interface BuilderConfig {
  appId?: string;
  productName?: string;
  asar?: boolean;
  asarUnpack?: string[];
  npmRebuild?: boolean;
  files?: (string | { filter?: string[] })[];
  electronFuses?: Record<string, boolean>;
  protocols?: { schemes: string[] }[];
  mac?: {
    target?: string[];
    hardenedRuntime?: boolean;
    entitlements?: string;
    icon?: string;
    notarize?: unknown;
  };
  win?: { target?: string[]; icon?: string };
  linux?: { target?: string[]; icon?: string };
  [key: string]: unknown;
}
interface ConfigModule {
  getConfig: (
    projectDir: string,
    configPath: string | null,
    configFromOptions: unknown,
  ) => Promise<BuilderConfig>;
  validateConfiguration: (config: BuilderConfig, debugLogger: unknown) => Promise<void>;
}
const { getConfig, validateConfiguration } = fromBuilder(
  'app-builder-lib/out/util/config/config',
) as ConfigModule;
const { DebugLogger } = fromBuilder('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

/** A private copy: electron-builder caches the loaded file and validation normalises it in place. */
async function load(): Promise<BuilderConfig> {
  return structuredClone(await getConfig(root, path.join(root, 'electron-builder.yml'), null));
}

describe('electron-builder.yml', () => {
  it("passes electron-builder's own schema validation", async () => {
    const config = await load();
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('the validator does reject a wrong option (so the check above means something)', async () => {
    const config = { ...(await load()), mac: { hardenedRuntim: true } as unknown as BuilderConfig['mac'] };
    await expect(validateConfiguration(config, new DebugLogger(false))).rejects.toThrow(
      /Invalid configuration object/,
    );
  });

  it('names the app, packs it in asar with native modules unpacked and rebuilt for Electron', async () => {
    const config = await load();
    expect(config.appId).toBe('dev.openhands.desktop');
    expect(config.productName).toBe('OpenHands Desktop');
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toContain('**/*.node');
    expect(config.npmRebuild).toBe(true);
    expect(config.protocols?.[0]?.schemes).toEqual(['openhands-desktop']);
    // electron-builder may hand `files` back normalised to [{ filter: [...] }].
    const files = (config.files ?? []).flatMap((f) => (typeof f === 'string' ? [f] : (f.filter ?? [])));
    expect(files).toEqual(expect.arrayContaining(['out/**', 'build/tray*.png', 'build/tray.ico']));
  });

  it('targets dmg+zip (hardened, notarisation left to the environment), nsis, AppImage+deb', async () => {
    const config = await load();
    expect(config.mac).toMatchObject({
      target: ['dmg', 'zip'],
      hardenedRuntime: true,
      entitlements: 'build/entitlements.mac.plist',
      icon: 'build/icon.icns',
    });
    expect(config.mac?.notarize).toBeUndefined();
    expect(config.win).toMatchObject({ target: ['nsis'], icon: 'build/icon.ico' });
    expect(config.linux).toMatchObject({ target: ['AppImage', 'deb'], icon: 'build/icons' });
  });

  it('ships only the Chromium locales the app speaks, and no renderer package twice', async () => {
    expect((await load()).electronLanguages).toEqual(['en-US', 'zh-CN']);
    // The renderer's packages are bundled into out/renderer by Vite; as dependencies electron-builder would
    // copy them into the installer's node_modules as well.
    const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    for (const name of ['react', 'react-dom', 'zustand', '@tanstack/react-virtual']) {
      expect(manifest.dependencies[name], name).toBeUndefined();
      expect(manifest.devDependencies[name], name).toMatch(/^\d+\.\d+\.\d+$/);
    }
  });

  it('flips the hardening fuses', async () => {
    expect((await load()).electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: true,
    });
  });
});
