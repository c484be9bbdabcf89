// Which icon file the tray uses on each platform (files made by scripts/generate-icons.ts into build/).
import type { DesktopPlatform } from '../../shared/app-info';

/**
 * macOS: a template image (black + alpha; the name must end in "Template") so the menu bar tints it for light
 * and dark mode, with an @2x sibling for Retina. Windows: an .ico holding 16–48 px. Linux: a colour PNG with
 * an @2x sibling (indicators scale it).
 */
export function trayIconFile(platform: DesktopPlatform): string {
  switch (platform) {
    case 'darwin':
      return 'trayTemplate.png';
    case 'win32':
      return 'tray.ico';
    default:
      return 'tray.png';
  }
}
