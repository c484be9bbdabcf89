import { describe, expect, it } from 'vitest';
import { loadWebBridge, type SocketLike } from './load-web-bridge';

/** A socket that opens, records what is sent, and answers only when told to. */
class FakeSocket implements SocketLike {
  readonly sent: { id: number; channel: string }[] = [];
  private readonly listeners = new Map<string, ((event: { data?: unknown }) => void)[]>();

  addEventListener(type: string, listener: (event: { data?: unknown }) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data) as { id: number; channel: string });
  }
  emit(type: string, data?: unknown): void {
    for (const listener of this.listeners.get(type) ?? []) listener({ data });
  }
}

describe('web bridge call timeouts', () => {
  it('resolves an unanswered call with a timeout error and drops a late answer', async () => {
    const { createWebBridge } = await loadWebBridge();
    const socket = new FakeSocket();
    const bridge = createWebBridge({
      url: 'ws://fake/bridge',
      createSocket: () => socket,
      callTimeoutMs: 50,
      origin: 'http://127.0.0.1:1',
    });
    socket.emit('open');
    const started = Date.now();
    const pending = bridge.servers.list();
    expect(socket.sent.map((f) => f.channel)).toEqual(['servers:list']);
    expect(await pending).toEqual({
      ok: false,
      error: { code: 'timeout', message: expect.any(String) as string },
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    // The late answer is forgotten; a new call still works and gets its own answer.
    socket.emit('message', JSON.stringify({ id: socket.sent[0]!.id, result: { ok: true, data: ['late'] } }));
    const next = bridge.servers.list();
    socket.emit('message', JSON.stringify({ id: socket.sent[1]!.id, result: { ok: true, data: [] } }));
    expect(await next).toEqual({ ok: true, data: [] });
  });

  it('times out a call still queued while the socket is connecting, and never sends it', async () => {
    const { createWebBridge } = await loadWebBridge();
    const socket = new FakeSocket();
    const bridge = createWebBridge({
      url: 'ws://fake/bridge',
      createSocket: () => socket,
      callTimeoutMs: 30,
      origin: 'http://127.0.0.1:1',
    });
    expect(await bridge.app.info()).toMatchObject({ ok: false, error: { code: 'timeout' } });
    socket.emit('open');
    expect(socket.sent).toEqual([]);
  });

  it('answers in time are not affected by the timer', async () => {
    const { createWebBridge } = await loadWebBridge();
    const socket = new FakeSocket();
    const bridge = createWebBridge({
      url: 'ws://fake/bridge',
      createSocket: () => socket,
      callTimeoutMs: 40,
      origin: 'http://127.0.0.1:1',
    });
    socket.emit('open');
    const call = bridge.app.info();
    socket.emit(
      'message',
      JSON.stringify({ id: socket.sent[0]!.id, result: { ok: true, data: { name: 'x' } } }),
    );
    expect(await call).toEqual({ ok: true, data: { name: 'x' } });
    await new Promise((r) => setTimeout(r, 60));
  });
});

// Issue 15, finding 9: when main was gone the page showed nothing. The transport now says so (the page's
// ConnectionBanner shows it; test/e2e/main-gone.test.ts checks that in Chromium).
describe('web bridge connection state', () => {
  it('reports connected, not-answering after an unanswered call, connected on the next frame, lost on close', async () => {
    const { createWebBridge } = await loadWebBridge();
    const socket = new FakeSocket();
    const states: string[] = [];
    const bridge = createWebBridge({
      url: 'ws://fake/bridge',
      createSocket: () => socket,
      callTimeoutMs: 20,
      minBackoffMs: 60_000,
      origin: 'http://127.0.0.1:1',
      onConnection: (state) => states.push(state),
    });
    // A call queued before the socket opened and timed out says nothing about main.
    expect(await bridge.app.info()).toMatchObject({ ok: false, error: { code: 'timeout' } });
    expect(states).toEqual([]);
    socket.emit('open');
    expect(await bridge.servers.list()).toMatchObject({ ok: false, error: { code: 'timeout' } });
    socket.emit('message', JSON.stringify({ event: 'serverHealth', payload: {} }));
    socket.emit('close');
    expect(states).toEqual(['connected', 'not-answering', 'connected', 'lost']);
  });
});
