// Static facts about the app, shared by main, preload and renderer.
// This folder must stay free of `electron` and Node built-ins (enforced by eslint.config.mjs).

export const APP_NAME = 'OpenHands Desktop';
export const APP_ID = 'dev.openhands.desktop';
/** Custom URL scheme registered for deep links (see electron-builder.yml `protocols`). */
export const APP_PROTOCOL = 'openhands-desktop';

/** Operating systems as reported by `process.platform`, narrowed to the ones we build for. */
export type DesktopPlatform = 'darwin' | 'win32' | 'linux' | 'other';

export function toDesktopPlatform(platform: string): DesktopPlatform {
  switch (platform) {
    case 'darwin':
    case 'win32':
    case 'linux':
      return platform;
    default:
      return 'other';
  }
}
