import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  loadWindowState,
  restoreWindowState,
  saveWindowState,
  WINDOW_STATE_FILE,
} from '../../src/main/shell/window-state';

const LAPTOP = { x: 0, y: 25, width: 1440, height: 875 };
const MONITOR_RIGHT = { x: 1440, y: 0, width: 2560, height: 1415 };

describe('restoreWindowState', () => {
  it('restores bounds that are on a connected display', () => {
    const saved = { bounds: { x: 1600, y: 100, width: 1200, height: 800 }, maximized: true };
    expect(restoreWindowState(saved, [LAPTOP, MONITOR_RIGHT])).toEqual(saved);
  });

  it('falls back to the default placement when the display it was on is gone', () => {
    const saved = { bounds: { x: 1600, y: 100, width: 1200, height: 800 }, maximized: false };
    expect(restoreWindowState(saved, [LAPTOP])).toBeNull();
  });

  it('needs enough of the title bar on screen to grab it, not just a corner', () => {
    const almostOff = { bounds: { x: 1400, y: 100, width: 1000, height: 700 }, maximized: false };
    expect(restoreWindowState(almostOff, [LAPTOP])).toBeNull();
    const titleBarAbove = { bounds: { x: 100, y: -600, width: 1000, height: 700 }, maximized: false };
    expect(restoreWindowState(titleBarAbove, [LAPTOP])).toBeNull();
    const grabbable = { bounds: { x: 1300, y: 100, width: 1000, height: 700 }, maximized: false };
    expect(restoreWindowState(grabbable, [LAPTOP])).toEqual(grabbable);
  });

  it('shrinks a window larger than its display, never below the minimum size', () => {
    const huge = { bounds: { x: 0, y: 25, width: 3000, height: 2000 }, maximized: false };
    expect(restoreWindowState(huge, [LAPTOP])?.bounds).toEqual({ x: 0, y: 25, width: 1440, height: 875 });
    const tiny = { bounds: { x: 10, y: 30, width: 200, height: 100 }, maximized: false };
    expect(restoreWindowState(tiny, [LAPTOP])?.bounds).toEqual({ x: 10, y: 30, width: 720, height: 480 });
  });

  it.each([
    ['nothing', null],
    ['a string', 'x'],
    ['missing fields', { bounds: { x: 0, y: 0 } }],
    ['fractional numbers', { bounds: { x: 0.5, y: 30, width: 800, height: 600 }, maximized: false }],
    ['absurd numbers', { bounds: { x: 1e12, y: 30, width: 800, height: 600 }, maximized: false }],
    ['a zero size', { bounds: { x: 0, y: 30, width: 0, height: 600 }, maximized: false }],
  ])('ignores a saved state with %s', (_what, saved) => {
    expect(restoreWindowState(saved, [LAPTOP])).toBeNull();
  });

  it('is null with no displays at all', () => {
    expect(
      restoreWindowState({ bounds: { x: 0, y: 30, width: 800, height: 600 }, maximized: false }, []),
    ).toBeNull();
  });
});

describe('window state file', () => {
  it('saves atomically and loads back; a missing or corrupt file loads as null', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'window-state-'));
    try {
      expect(await loadWindowState(dir)).toBeNull();
      const state = { bounds: { x: 1, y: 2, width: 800, height: 600 }, maximized: false };
      await saveWindowState(dir, state);
      expect(await loadWindowState(dir)).toEqual(state);
      expect(JSON.parse(await readFile(path.join(dir, WINDOW_STATE_FILE), 'utf8'))).toEqual(state);
      await writeFile(path.join(dir, WINDOW_STATE_FILE), '{not json');
      expect(await loadWindowState(dir)).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
