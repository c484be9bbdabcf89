import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decodePng,
  drawAppIcon,
  drawTrayIcon,
  ICNS_TYPES,
  ICO_SIZES,
  LINUX_ICON_SIZES,
  pngSize,
  readIcnsTypes,
  readIcoSizes,
  TRAY_ICO_SIZES,
} from '../../scripts/icon-image';

const build = path.resolve(__dirname, '../../build');
const read = (name: string): Buffer => readFileSync(path.join(build, name));

describe('generated icons in build/ (npm run icons)', () => {
  it('match the drawing in scripts/icon-image.ts (regenerate with npm run icons after changing it)', () => {
    expect(decodePng(read('icons/64x64.png'))).toEqual(drawAppIcon(64));
    expect(decodePng(read('icons/16x16.png'))).toEqual(drawAppIcon(16));
    expect(decodePng(read('trayTemplate@2x.png'))).toEqual(drawTrayIcon(32, true));
    expect(decodePng(read('tray.png'))).toEqual(drawTrayIcon(16, false));
  });

  it('have every size each platform needs', () => {
    expect(pngSize(read('icon.png'))).toEqual({ width: 1024, height: 1024 });
    for (const size of LINUX_ICON_SIZES)
      expect(pngSize(read(`icons/${size}x${size}.png`))).toEqual({ width: size, height: size });
    expect(readIcoSizes(read('icon.ico'))).toEqual([...ICO_SIZES]);
    expect(readIcoSizes(read('tray.ico'))).toEqual([...TRAY_ICO_SIZES]);
    expect(readIcnsTypes(read('icon.icns'))).toEqual(ICNS_TYPES.map(([type]) => type));
    expect(pngSize(read('trayTemplate.png'))).toEqual({ width: 16, height: 16 });
    expect(pngSize(read('tray@2x.png'))).toEqual({ width: 32, height: 32 });
  });

  it('the macOS tray template is black with alpha only (the menu bar tints it)', () => {
    const { pixels } = decodePng(read('trayTemplate.png'));
    let opaque = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      expect([pixels[i], pixels[i + 1], pixels[i + 2]]).toEqual([0, 0, 0]);
      if ((pixels[i + 3] ?? 0) > 0) opaque++;
    }
    expect(opaque).toBeGreaterThan(50);
  });
});
