// The icon files in build/ read with readers written here from the formats' specifications (PNG: RFC 2083 /
// ISO 15948; ICO: Microsoft's ICONDIR/ICONDIRENTRY; ICNS: Apple's icon family), not with the decoders in
// scripts/icon-image.ts that the encoders were written alongside: an encoder and its own decoder can agree
// on a wrong format. CRCs use Node's zlib, pixel data is inflated with Node's zlib.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const build = path.resolve(__dirname, '../../build');
const read = (name: string): Buffer => readFileSync(path.join(build, name));
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Walks a PNG's chunks, checking each CRC; returns IHDR's fields and the raw (filtered) scanlines. */
function readPng(png: Buffer): {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  raw: Buffer;
} {
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE), 'PNG signature').toBe(true);
  let at = 8;
  const types: string[] = [];
  const idat: Buffer[] = [];
  let header: Buffer | undefined;
  while (at < png.length) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    const crc = png.readUInt32BE(at + 8 + length);
    expect(crc, `CRC of ${type}`).toBe(crc32(png.subarray(at + 4, at + 8 + length)));
    types.push(type);
    if (type === 'IHDR') header = data;
    if (type === 'IDAT') idat.push(data);
    at += 12 + length;
  }
  expect(at, 'the last chunk ends at the end of the file').toBe(png.length);
  expect(types[0]).toBe('IHDR');
  expect(types.at(-1)).toBe('IEND');
  expect(header?.length).toBe(13);
  const width = header!.readUInt32BE(0);
  const height = header!.readUInt32BE(4);
  expect(header![10], 'compression method').toBe(0);
  expect(header![11], 'filter method').toBe(0);
  expect(header![12], 'interlace').toBe(0);
  return {
    width,
    height,
    bitDepth: header![8]!,
    colorType: header![9]!,
    raw: inflateSync(Buffer.concat(idat)),
  };
}

/** A square 8-bit RGBA PNG of `size` px, every scanline with a valid filter type. */
function expectRgbaPng(png: Buffer, size: number, what: string): void {
  const { width, height, bitDepth, colorType, raw } = readPng(png);
  expect({ width, height, bitDepth, colorType }, what).toEqual({
    width: size,
    height: size,
    bitDepth: 8,
    colorType: 6,
  });
  expect(raw.length, `${what}: one filter byte and 4 bytes a pixel per row`).toBe(size * (1 + size * 4));
  for (let row = 0; row < size; row++)
    expect(raw[row * (1 + size * 4)]!, `${what}: filter type`).toBeLessThan(5);
}

describe('build/ icons, read by independent readers', () => {
  it('the PNGs are valid 8-bit RGBA of their sizes, every chunk CRC right', () => {
    expectRgbaPng(read('icon.png'), 1024, 'icon.png');
    for (const size of [16, 24, 32, 48, 64, 128, 256, 512])
      expectRgbaPng(read(`icons/${size}x${size}.png`), size, `icons/${size}x${size}.png`);
    expectRgbaPng(read('tray.png'), 16, 'tray.png');
    expectRgbaPng(read('tray@2x.png'), 32, 'tray@2x.png');
    expectRgbaPng(read('trayTemplate.png'), 16, 'trayTemplate.png');
    expectRgbaPng(read('trayTemplate@2x.png'), 32, 'trayTemplate@2x.png');
  });

  it('a broken CRC is caught (so the check above means something)', () => {
    const png = Buffer.from(read('tray.png'));
    png[20] = (png[20]! ^ 0xff) & 0xff; // inside IHDR's data
    expect(() => readPng(png)).toThrow(/CRC of IHDR/);
  });

  for (const [file, sizes] of [
    ['icon.ico', [16, 24, 32, 48, 64, 128, 256]],
    ['tray.ico', [16, 20, 24, 32, 48]],
  ] as const)
    it(`${file}: ICONDIR, one entry a size, each pointing at a PNG of that size inside the file`, () => {
      const ico = read(file);
      expect(ico.readUInt16LE(0), 'reserved').toBe(0);
      expect(ico.readUInt16LE(2), 'type 1 = icon').toBe(1);
      const count = ico.readUInt16LE(4);
      expect(count).toBe(sizes.length);
      const seen: number[] = [];
      for (let i = 0; i < count; i++) {
        const entry = 6 + i * 16;
        const width = ico[entry] || 256; // 0 means 256
        const height = ico[entry + 1] || 256;
        expect(height).toBe(width);
        expect(ico[entry + 3], 'reserved').toBe(0);
        expect(ico.readUInt16LE(entry + 4), 'planes').toBeLessThanOrEqual(1);
        const bytes = ico.readUInt32LE(entry + 8);
        const offset = ico.readUInt32LE(entry + 12);
        expect(offset).toBeGreaterThanOrEqual(6 + count * 16);
        expect(offset + bytes).toBeLessThanOrEqual(ico.length);
        expectRgbaPng(ico.subarray(offset, offset + bytes), width, `${file} entry ${i}`);
        seen.push(width);
      }
      expect(seen).toEqual([...sizes]);
    });

  it('icon.icns: "icns" and the file length, then elements whose lengths add up, each a PNG of its type’s size', () => {
    const icns = read('icon.icns');
    expect(icns.toString('latin1', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    // Apple's PNG-carrying icon types and their pixel sizes.
    const SIZE: Record<string, number> = {
      icp4: 16,
      icp5: 32,
      icp6: 64,
      ic07: 128,
      ic08: 256,
      ic09: 512,
      ic10: 1024,
      ic11: 32,
      ic12: 64,
      ic13: 256,
      ic14: 512,
    };
    const types: string[] = [];
    let at = 8;
    while (at < icns.length) {
      const type = icns.toString('latin1', at, at + 4);
      const length = icns.readUInt32BE(at + 4);
      expect(length).toBeGreaterThan(8);
      if (type !== 'TOC ') {
        expect(SIZE[type], `known PNG icon type ${type}`).toBeDefined();
        expectRgbaPng(icns.subarray(at + 8, at + length), SIZE[type]!, `icon.icns ${type}`);
        types.push(type);
      }
      at += length;
    }
    expect(at).toBe(icns.length);
    // Retina and standard sizes from 16 to 1024 px are all there.
    expect(new Set(types.map((t) => SIZE[t]))).toEqual(new Set([16, 32, 64, 128, 256, 512, 1024]));
  });
});
