// Window size and position across launches. Pure decisions plus a tiny JSON file in the user-data folder;
// the Electron adapter supplies the displays and the window's bounds.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  bounds: Rect;
  maximized: boolean;
}

export const WINDOW_STATE_FILE = 'window-state.json';
export const DEFAULT_SIZE = { width: 1200, height: 800 } as const;
export const MIN_SIZE = { width: 720, height: 480 } as const;
/** How much of the title bar must be on a display for the user to grab it and move the window. */
const GRAB_WIDTH = 120;
const GRAB_HEIGHT = 32;
/** Larger than any real display arrangement: guards against absurd numbers in a hand-edited file. */
const LIMIT = 100_000;

const coordinate = z.number().int().min(-LIMIT).max(LIMIT);
const size = z.number().int().min(1).max(LIMIT);
const windowStateSchema = z.object({
  bounds: z.object({ x: coordinate, y: coordinate, width: size, height: size }),
  maximized: z.boolean(),
});

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return { width: Math.max(0, width), height: Math.max(0, height) };
}

/**
 * The bounds to open the window with, or null for the default placement (centred on the primary display).
 * Saved bounds are used only when the top strip of the window (where the title bar is) lies on a connected
 * display's work area enough to grab it: a window restored onto an unplugged monitor would be invisible.
 * A window larger than the display it lands on is shrunk to fit that display (never below the minimum).
 */
export function restoreWindowState(saved: unknown, workAreas: readonly Rect[]): WindowState | null {
  const parsed = windowStateSchema.safeParse(saved);
  if (!parsed.success) return null;
  const { bounds, maximized } = parsed.data;
  const titleBar: Rect = { x: bounds.x, y: bounds.y, width: bounds.width, height: GRAB_HEIGHT };
  const home = workAreas.find((area) => {
    const o = overlap(titleBar, area);
    return o.width >= Math.min(GRAB_WIDTH, bounds.width) && o.height >= Math.min(GRAB_HEIGHT, bounds.height);
  });
  if (!home) return null;
  const width = Math.max(MIN_SIZE.width, Math.min(bounds.width, home.width));
  const height = Math.max(MIN_SIZE.height, Math.min(bounds.height, home.height));
  // Keep the title bar below the display's top edge (the menu bar on macOS).
  const y = Math.max(bounds.y, home.y);
  return { bounds: { x: bounds.x, y, width, height }, maximized };
}

/** Reads the saved state; null when there is none or it cannot be read (the default placement is fine). */
export async function loadWindowState(dataDir: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path.join(dataDir, WINDOW_STATE_FILE), 'utf8')) as unknown;
  } catch {
    return null;
  }
}

/** Writes atomically (temp file + rename) so a crash mid-write leaves the previous state. */
export async function saveWindowState(dataDir: string, state: WindowState): Promise<void> {
  const file = path.join(dataDir, WINDOW_STATE_FILE);
  await mkdir(dataDir, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(state)}\n`, 'utf8');
  await rename(temp, file);
}
