import { beforeEach, describe, expect, it, vi } from 'vitest';
import { allInvokeChannels } from '../../src/shared/bridge/channels';

type Handler = (event: { senderFrame: { url: string } | null }, input: unknown) => Promise<unknown>;
const handlers = new Map<string, Handler>();
const sent: { channel: string; payload: unknown }[] = [];

vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, fn: Handler) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, fn);
    },
    removeHandler: (channel: string) => handlers.delete(channel),
  },
}));

const { registerIpc, sendEvent } = await import('../../src/main/electron/ipc');

describe('registerIpc', () => {
  beforeEach(() => handlers.clear());

  it('registers a handler for every invoke channel of the contract, and removes them all', () => {
    const off = registerIpc(
      () => Promise.resolve({ ok: true, data: null }),
      () => true,
    );
    expect([...handlers.keys()].sort()).toEqual(allInvokeChannels().sort());
    off();
    expect(handlers.size).toBe(0);
  });

  it('answers only our own page, and hands everything else to the dispatcher', async () => {
    const dispatched: [string, unknown][] = [];
    registerIpc(
      (channel, input) => {
        dispatched.push([channel, input]);
        return Promise.resolve({ ok: true, data: 'fine' });
      },
      (url) => url === 'file:///app/index.html',
    );
    const handler = handlers.get('servers:list')!;
    await expect(
      handler({ senderFrame: { url: 'https://evil.example/' } }, undefined),
    ).resolves.toMatchObject({
      ok: false,
      error: { code: 'forbidden-sender' },
    });
    await expect(handler({ senderFrame: null }, undefined)).resolves.toMatchObject({ ok: false });
    expect(dispatched).toEqual([]);
    await expect(handler({ senderFrame: { url: 'file:///app/index.html' } }, { x: 1 })).resolves.toEqual({
      ok: true,
      data: 'fine',
    });
    expect(dispatched).toEqual([['servers:list', { x: 1 }]]);
  });

  it('sends events to a live page only', () => {
    const contents = {
      destroyed: false,
      isDestroyed() {
        return this.destroyed;
      },
      send: (channel: string, payload: unknown) => sent.push({ channel, payload }),
    };
    sendEvent(contents as never, 'statusChanges', { at: 1 });
    contents.destroyed = true;
    sendEvent(contents as never, 'statusChanges', { at: 2 });
    sendEvent(null, 'statusChanges', { at: 3 });
    expect(sent).toEqual([{ channel: 'event:statusChanges', payload: { at: 1 } }]);
  });
});
