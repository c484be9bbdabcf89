// Finding 10 (issue 15), Electron transport: `uploads:plan` is the one channel that names files on disk, so
// the preload must be the only thing choosing its paths, and only from files the user dropped or picked
// (`webUtils.getPathForFile`). The page's argument is its own object copied across the context bridge,
// functions included: a page that passes `files` with its own `map` must not get to pick the paths.
// The preload is built from src here (out/ may be older than the source).
import { runInNewContext } from 'node:vm';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { preloadSource } from './preload-source';

interface PlanApi {
  uploads: { plan: (input: unknown) => Promise<{ ok: boolean; error?: { code: string } }> };
}

/** A File the user dropped: Electron knows its path. Anything else has none (or is not a File at all). */
class FakeFile {
  constructor(
    readonly name: string,
    readonly diskPath: string,
  ) {}
}

describe('the preload’s uploads.plan (Electron)', () => {
  let api: PlanApi;
  const invoked: { channel: string; input: unknown }[] = [];

  beforeAll(async () => {
    const source = await preloadSource();
    const exposed = new Map<string, unknown>();
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
      // As Electron: a path for a File backed by a file on disk, '' for one made in the page, a throw otherwise.
      webUtils: {
        getPathForFile: (file: unknown): string => {
          if (file instanceof FakeFile) return file.diskPath;
          throw new TypeError('getPathForFile: expected a File');
        },
      },
      ipcRenderer: {
        invoke: (channel: string, input: unknown) => {
          invoked.push({ channel, input });
          return Promise.resolve({ ok: true, data: null });
        },
        on: () => undefined,
        removeListener: () => undefined,
      },
    };
    const requireStub = (id: string): unknown => {
      if (id === 'electron') return electron;
      throw new Error(`a sandboxed preload cannot require ${id}`);
    };
    runInNewContext(source, {
      require: requireStub,
      module: { exports: {} },
      exports: {},
      console,
    });
    api = exposed.get('openhands') as PlanApi;
  });
  beforeEach(() => {
    invoked.length = 0;
  });

  const ref = { serverId: 's', id: 'c', version: 'V1' };

  it('sends only the paths Electron gives for dropped files', async () => {
    await api.uploads.plan({ ref, files: [new FakeFile('a.txt', '/home/u/a.txt')], targetDir: '/w' });
    expect(invoked).toEqual([
      { channel: 'uploads:plan', input: { ref, targetDir: '/w', paths: ['/home/u/a.txt'] } },
    ]);
  });

  it('never lets the page choose paths: its own map, non-arrays, non-files and pathless files are refused', async () => {
    const dropped = new FakeFile('a.txt', '/home/u/a.txt');
    const hostile: unknown[] = [
      // HEAD called `files.map(...)`: the page's own map returned any path it liked.
      { map: () => ['/etc/passwd'] },
      Object.assign([dropped], { map: () => ['/etc/passwd'] }),
      { length: 1, 0: dropped },
      '/etc/passwd',
      ['/etc/passwd'],
      [{ name: 'passwd', path: '/etc/passwd' }],
      [dropped, new FakeFile('made-in-page.txt', '')],
      [],
    ];
    for (const files of hostile) {
      const answer = await api.uploads.plan({ ref, files });
      const sent = invoked.splice(0);
      // Either nothing was sent, or only what Electron itself said the dropped file's path is.
      for (const call of sent)
        expect((call.input as { paths: string[] }).paths, JSON.stringify(files)).toEqual(['/home/u/a.txt']);
      if (sent.length === 0) expect(answer).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    }
    // The array with its own map is read item by item: its real File gets through, the page's map never runs.
    await api.uploads.plan({ ref, files: Object.assign([dropped], { map: () => ['/etc/passwd'] }) });
    expect(invoked).toEqual([{ channel: 'uploads:plan', input: { ref, paths: ['/home/u/a.txt'] } }]);
  });
});
