import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { preloadSource } from './preload-source';
import type { z } from 'zod';
import { INVOKE_SCHEMAS } from '../../src/shared/bridge/contract';
import {
  allInvokeChannels,
  EVENT_NAMES,
  eventChannel,
  INVOKE_METHODS,
  subscriberName,
} from '../../src/shared/bridge/channels';

interface Loaded {
  exposed: Map<string, unknown>;
  invoked: { channel: string; input: unknown }[];
  listeners: Map<string, Set<(...args: unknown[]) => void>>;
  required: string[];
}

/** Runs the preload with a stub `electron` (contextBridge + ipcRenderer), as the sandbox would. */
function load(source: string): Loaded {
  const loaded: Loaded = { exposed: new Map(), invoked: [], listeners: new Map(), required: [] };
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => loaded.exposed.set(key, api) },
    webUtils: { getPathForFile: (file: { name: string }) => `/dropped/${file.name}` },
    ipcRenderer: {
      invoke: (channel: string, input: unknown) => {
        loaded.invoked.push({ channel, input });
        return Promise.resolve({ ok: true, data: channel });
      },
      on: (channel: string, fn: (...args: unknown[]) => void) => {
        const set = loaded.listeners.get(channel) ?? new Set();
        set.add(fn);
        loaded.listeners.set(channel, set);
      },
      removeListener: (channel: string, fn: (...args: unknown[]) => void) =>
        loaded.listeners.get(channel)?.delete(fn),
    },
  };
  const requireStub = (id: string): unknown => {
    loaded.required.push(id);
    if (id === 'electron') return electron;
    throw new Error(`a sandboxed preload cannot require ${id}`);
  };
  runInNewContext(source, { require: requireStub, module: { exports: {} }, exports: {}, console });
  return loaded;
}

describe('the built preload', () => {
  let loaded: Loaded;
  beforeAll(async () => {
    loaded = load(await preloadSource({ preferBuilt: true }));
  });

  it('requires nothing but electron and exposes exactly one API, window.openhands', () => {
    expect([...new Set(loaded.required)]).toEqual(['electron']);
    expect([...loaded.exposed.keys()]).toEqual(['openhands']);
  });

  it('exposes exactly the contract: its namespaces and methods, and one subscription per event', () => {
    const api = loaded.exposed.get('openhands') as Record<string, unknown>;
    const expected = [...Object.keys(INVOKE_METHODS), ...EVENT_NAMES.map(subscriberName)].sort();
    expect(Object.keys(api).sort()).toEqual(expected);
    for (const [ns, methods] of Object.entries(INVOKE_METHODS)) {
      const group = api[ns] as Record<string, unknown>;
      expect(Object.keys(group).sort(), ns).toEqual([...methods].sort());
      for (const m of methods) expect(typeof group[m], `${ns}.${m}`).toBe('function');
    }
    // Nothing generic: no invoke/send/on taking a channel name.
    expect(JSON.stringify(Object.keys(api))).not.toMatch(/"(invoke|send|on|ipc)"/);
  });

  it('maps each method to its own channel and passes the input through', async () => {
    const api = loaded.exposed.get('openhands') as Record<
      string,
      Record<string, (input?: unknown) => Promise<unknown>>
    >;
    for (const channel of allInvokeChannels().filter((c) => c !== 'uploads:plan')) {
      const [ns, method] = channel.split(':') as [string, string];
      const input = { probe: channel };
      await expect(api[ns]![method]!(input)).resolves.toEqual({ ok: true, data: channel });
      // Methods that take no input send none, whatever the page passes.
      const takesInput = !(INVOKE_SCHEMAS as Record<string, Record<string, { input: z.ZodType }>>)[ns]![
        method
      ]!.input.safeParse(undefined).success;
      expect(loaded.invoked.at(-1)).toEqual({ channel, input: takesInput ? input : undefined });
    }
  });

  it('turns dropped files into paths in the preload: the page never passes a path', async () => {
    const api = loaded.exposed.get('openhands') as {
      uploads: { plan: (input: unknown) => Promise<unknown> };
    };
    const ref = { serverId: 's', id: 'c', version: 'V1' };
    await api.uploads.plan({
      ref,
      files: [
        { name: 'a.txt', size: 1 },
        { name: 'b.txt', size: 2 },
      ],
      targetDir: '/workspace/x',
    });
    expect(loaded.invoked.at(-1)).toEqual({
      channel: 'uploads:plan',
      input: { ref, targetDir: '/workspace/x', paths: ['/dropped/a.txt', '/dropped/b.txt'] },
    });
  });

  it('delivers event payloads without the IPC event, and unsubscribes', () => {
    const api = loaded.exposed.get('openhands') as Record<
      string,
      (listener: (payload: unknown) => void) => () => void
    >;
    for (const name of EVENT_NAMES) {
      const got: unknown[] = [];
      const off = api[subscriberName(name)]!((payload) => got.push(payload));
      const channel = eventChannel(name);
      const listeners = [...(loaded.listeners.get(channel) ?? [])];
      expect(listeners).toHaveLength(1);
      listeners[0]!({ sender: 'the IPC event must not leak' }, { changed: [], removed: [], at: 1 });
      expect(got).toEqual([{ changed: [], removed: [], at: 1 }]);
      off();
      expect(loaded.listeners.get(channel)?.size).toBe(0);
    }
  });
});
