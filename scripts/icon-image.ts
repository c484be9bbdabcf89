// The app's icons, drawn from one geometric description (a speech bubble with three dots: conversations
// waiting on an agent) and written in the formats each platform needs, with nothing but node:zlib:
// PNG (RGBA, 8 bit), ICO (PNG entries, Windows Vista+), ICNS (PNG entries, macOS 10.7+).
// scripts/generate-icons.ts writes them into build/; test/packaging/icons.test.ts re-draws and compares.
import { deflateSync, inflateSync } from 'node:zlib';

export interface Image {
  width: number;
  height: number;
  /** RGBA, row-major, 4 bytes per pixel, not premultiplied. */
  pixels: Uint8Array;
}

type Rgb = readonly [number, number, number];
type Shape = (x: number, y: number) => boolean;

function roundedRect(x0: number, y0: number, x1: number, y1: number, r: number): Shape {
  return (x, y) => {
    if (x < x0 || x > x1 || y < y0 || y > y1) return false;
    const cx = Math.min(Math.max(x, x0 + r), x1 - r);
    const cy = Math.min(Math.max(y, y0 + r), y1 - r);
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  };
}

function circle(cx: number, cy: number, r: number): Shape {
  return (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

function triangle(a: [number, number], b: [number, number], c: [number, number]): Shape {
  const side = (p: [number, number], q: [number, number], x: number, y: number): number =>
    (x - q[0]) * (p[1] - q[1]) - (p[0] - q[0]) * (y - q[1]);
  return (x, y) => {
    const d1 = side(a, b, x, y);
    const d2 = side(b, c, x, y);
    const d3 = side(c, a, x, y);
    const negative = d1 < 0 || d2 < 0 || d3 < 0;
    const positive = d1 > 0 || d2 > 0 || d3 > 0;
    return !(negative && positive);
  };
}

const union =
  (...shapes: Shape[]): Shape =>
  (x, y) =>
    shapes.some((s) => s(x, y));

/** A speech bubble with a tail, in a unit box, and its three dots. */
function bubble(box: { x0: number; y0: number; x1: number; y1: number }): { body: Shape; dots: Shape } {
  const w = box.x1 - box.x0;
  const h = box.y1 - box.y0;
  const X = (u: number): number => box.x0 + u * w;
  const Y = (v: number): number => box.y0 + v * h;
  const body = union(
    roundedRect(X(0), Y(0), X(1), Y(0.74), 0.22 * Math.min(w, h)),
    triangle([X(0.16), Y(0.6)], [X(0.44), Y(0.6)], [X(0.1), Y(1)]),
  );
  const r = 0.085 * w;
  const dots = union(circle(X(0.27), Y(0.37), r), circle(X(0.5), Y(0.37), r), circle(X(0.73), Y(0.37), r));
  return { body, dots };
}

const SUPERSAMPLE = 4;

/** Paints layers (later over earlier) with SUPERSAMPLE² samples per pixel for smooth edges. */
function paint(
  size: number,
  layers: { shape: Shape; color: (x: number, y: number) => Rgb; erase?: boolean }[],
): Image {
  const pixels = new Uint8Array(size * size * 4);
  const n = SUPERSAMPLE * SUPERSAMPLE;
  for (let py = 0; py < size; py++)
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < SUPERSAMPLE; sy++)
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const x = (px + (sx + 0.5) / SUPERSAMPLE) / size;
          const y = (py + (sy + 0.5) / SUPERSAMPLE) / size;
          let sample: Rgb | null = null;
          for (const layer of layers) {
            if (!layer.shape(x, y)) continue;
            sample = layer.erase ? null : layer.color(x, y);
          }
          if (sample) {
            r += sample[0];
            g += sample[1];
            b += sample[2];
            a += 1;
          }
        }
      const i = (py * size + px) * 4;
      if (a > 0) {
        pixels[i] = Math.round(r / a);
        pixels[i + 1] = Math.round(g / a);
        pixels[i + 2] = Math.round(b / a);
      }
      pixels[i + 3] = Math.round((a / n) * 255);
    }
  return { width: size, height: size, pixels };
}

const YELLOW: Rgb = [0xfb, 0xbf, 0x24];
const INK: Rgb = [0x0f, 0x17, 0x2a];
const mix = (a: Rgb, b: Rgb, t: number): Rgb => [
  Math.round(a[0] + (b[0] - a[0]) * t),
  Math.round(a[1] + (b[1] - a[1]) * t),
  Math.round(a[2] + (b[2] - a[2]) * t),
];

/**
 * The app icon: a dark rounded square (inset like macOS Big Sur icons, 824/1024 of the canvas) with a
 * yellow bubble. Used at every size on every platform.
 */
export function drawAppIcon(size: number): Image {
  const inset = (1 - 824 / 1024) / 2;
  const { body, dots } = bubble({ x0: 0.28, y0: 0.3, x1: 0.72, y1: 0.74 });
  return paint(size, [
    {
      shape: roundedRect(inset, inset, 1 - inset, 1 - inset, 0.225 * (1 - 2 * inset)),
      color: (_x, y) => mix([0x33, 0x41, 0x55], INK, y),
    },
    { shape: body, color: () => YELLOW },
    { shape: dots, color: () => INK },
  ]);
}

/**
 * The tray icon: the bubble alone, dots cut out. `template`: black + alpha, the macOS menu bar tints it;
 * otherwise yellow, which reads on both light and dark Windows taskbars and Linux panels.
 */
export function drawTrayIcon(size: number, template: boolean): Image {
  const { body, dots } = bubble({ x0: 0.06, y0: 0.08, x1: 0.94, y1: 0.96 });
  return paint(size, [
    { shape: body, color: () => (template ? [0, 0, 0] : YELLOW) },
    { shape: dots, color: () => [0, 0, 0], erase: true },
  ]);
}

// --- PNG ---------------------------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function encodePng(image: Image): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(image.width, 0);
  header.writeUInt32BE(image.height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const stride = image.width * 4;
  const raw = Buffer.alloc((stride + 1) * image.height);
  for (let y = 0; y < image.height; y++) {
    raw[y * (stride + 1)] = 0; // filter: none
    raw.set(image.pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** Decodes the PNGs encodePng writes (8-bit RGBA, filter 0), for tests. */
export function decodePng(png: Buffer): Image {
  if (!png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || data[9] !== 6) throw new Error('only 8-bit RGBA is supported');
    } else if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    if (raw[y * (stride + 1)] !== 0) throw new Error('only filter 0 is supported');
    pixels.set(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)), y * stride);
  }
  return { width, height, pixels };
}

/** Width and height from a PNG's IHDR. */
export function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

// --- ICO and ICNS ------------------------------------------------------------------------------------

/** A Windows .ico whose entries are PNGs (square, 1–256 px). */
export function encodeIco(pngs: readonly Buffer[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // icon
  header.writeUInt16LE(pngs.length, 4);
  const entries: Buffer[] = [];
  let offset = 6 + 16 * pngs.length;
  for (const png of pngs) {
    const { width, height } = pngSize(png);
    const entry = Buffer.alloc(16);
    entry[0] = width >= 256 ? 0 : width;
    entry[1] = height >= 256 ? 0 : height;
    entry.writeUInt16LE(1, 4); // planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    entries.push(entry);
    offset += png.length;
  }
  return Buffer.concat([header, ...entries, ...pngs]);
}

export function readIcoSizes(ico: Buffer): number[] {
  const count = ico.readUInt16LE(4);
  return Array.from({ length: count }, (_, i) => ico[6 + 16 * i] || 256);
}

/** ICNS element types holding PNG data, with their pixel size. */
export const ICNS_TYPES: readonly (readonly [string, number])[] = [
  ['icp4', 16],
  ['icp5', 32],
  ['ic11', 32], // 16@2x
  ['icp6', 64],
  ['ic12', 64], // 32@2x
  ['ic07', 128],
  ['ic08', 256],
  ['ic13', 256], // 128@2x
  ['ic09', 512],
  ['ic14', 512], // 256@2x
  ['ic10', 1024], // 512@2x
];

export function encodeIcns(pngBySize: ReadonlyMap<number, Buffer>): Buffer {
  const elements: Buffer[] = [];
  for (const [type, size] of ICNS_TYPES) {
    const png = pngBySize.get(size);
    if (!png) throw new Error(`no ${size} px image for ${type}`);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(8 + png.length, 4);
    elements.push(head, png);
  }
  const body = Buffer.concat(elements);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + body.length, 4);
  return Buffer.concat([head, body]);
}

export function readIcnsTypes(icns: Buffer): string[] {
  if (icns.toString('ascii', 0, 4) !== 'icns') throw new Error('not an icns file');
  const types: string[] = [];
  let offset = 8;
  while (offset < icns.length) {
    types.push(icns.toString('ascii', offset, offset + 4));
    offset += icns.readUInt32BE(offset + 4);
  }
  return types;
}

// --- the set ---------------------------------------------------------------------------------------

export const LINUX_ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512] as const;
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256] as const;
export const TRAY_ICO_SIZES = [16, 20, 24, 32, 48] as const;

/** Every file under build/ that the generator owns, relative to build/, with its bytes. */
export function iconFiles(): Map<string, Buffer> {
  const app = new Map<number, Buffer>();
  const appPng = (size: number): Buffer => {
    let png = app.get(size);
    if (!png) {
      png = encodePng(drawAppIcon(size));
      app.set(size, png);
    }
    return png;
  };
  const files = new Map<string, Buffer>();
  files.set('icon.png', appPng(1024));
  for (const size of LINUX_ICON_SIZES) files.set(`icons/${size}x${size}.png`, appPng(size));
  files.set('icon.ico', encodeIco(ICO_SIZES.map(appPng)));
  files.set('icon.icns', encodeIcns(new Map(ICNS_TYPES.map(([, size]) => [size, appPng(size)]))));
  files.set('trayTemplate.png', encodePng(drawTrayIcon(16, true)));
  files.set('trayTemplate@2x.png', encodePng(drawTrayIcon(32, true)));
  files.set('tray.png', encodePng(drawTrayIcon(16, false)));
  files.set('tray@2x.png', encodePng(drawTrayIcon(32, false)));
  files.set('tray.ico', encodeIco(TRAY_ICO_SIZES.map((size) => encodePng(drawTrayIcon(size, false)))));
  return files;
}
