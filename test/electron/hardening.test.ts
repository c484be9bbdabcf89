import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  hardenSession,
  hardenWebContents,
  installWebContentsHardening,
} from '../../src/main/electron/hardening';
import { MemoryLogger } from '../../src/main/logger';

type WebContents = Parameters<typeof hardenWebContents>[0];
type Session = Parameters<typeof hardenSession>[0];
type App = Parameters<typeof installWebContentsHardening>[0];
import { app, FakeEvent, FakeSession, FakeWebContents, resetElectronFake } from './electron-fake';

vi.mock('electron', async () => (await import('./electron-fake')).electronFake);

const APP_URL = 'file:///opt/app/resources/app.asar/out/renderer/index.html';

beforeEach(resetElectronFake);

function hardened() {
  const contents = new FakeWebContents();
  const opened: string[] = [];
  const logger = new MemoryLogger();
  hardenWebContents(contents as unknown as WebContents, {
    appUrl: APP_URL,
    openExternal: (url) => {
      opened.push(url);
      return Promise.resolve();
    },
    logger,
  });
  return { contents, opened, logger };
}

function emit(contents: FakeWebContents, name: string, url?: string): FakeEvent {
  const event = new FakeEvent();
  contents.emit(name, event, url);
  return event;
}

describe('hardenWebContents', () => {
  it('lets our page navigate within itself', () => {
    const { contents, opened } = hardened();
    expect(emit(contents, 'will-navigate', `${APP_URL}#/list`).defaultPrevented).toBe(false);
    expect(opened).toEqual([]);
  });

  it('blocks navigation anywhere else; https and loopback http go to the browser instead', () => {
    const { contents, opened, logger } = hardened();
    expect(emit(contents, 'will-navigate', 'https://example.com/docs').defaultPrevented).toBe(true);
    expect(emit(contents, 'will-navigate', 'http://localhost:3000/').defaultPrevented).toBe(true);
    expect(emit(contents, 'will-navigate', 'file:///etc/passwd').defaultPrevented).toBe(true);
    expect(emit(contents, 'will-navigate', 'http://evil.example/?token=secret').defaultPrevented).toBe(true);
    expect(opened).toEqual(['https://example.com/docs', 'http://localhost:3000/']);
    // Only scheme and host are logged: a URL may carry a token.
    expect(logger.lines).toEqual([
      'warn blocked a link to file:',
      'warn blocked a link to http://evil.example',
    ]);
  });

  it('blocks redirects away from our page', () => {
    const { contents } = hardened();
    expect(emit(contents, 'will-redirect', 'https://example.com/').defaultPrevented).toBe(true);
    expect(emit(contents, 'will-redirect', APP_URL).defaultPrevented).toBe(false);
  });

  it('denies every new window, opening only safe links externally', () => {
    const { contents, opened } = hardened();
    const handler = contents.windowOpenHandler;
    if (!handler) throw new Error('no window open handler');
    for (const url of [
      'https://example.com/',
      'javascript:alert(1)',
      'file:///etc/passwd',
      APP_URL,
      'ms-settings:',
    ])
      expect(handler({ url })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://example.com/']);
  });

  it('prevents <webview> attachment', () => {
    const { contents } = hardened();
    expect(emit(contents, 'will-attach-webview').defaultPrevented).toBe(true);
  });

  it('logs, not throws, when the OS cannot open a link', async () => {
    const contents = new FakeWebContents();
    const logger = new MemoryLogger();
    hardenWebContents(contents as unknown as WebContents, {
      appUrl: APP_URL,
      openExternal: () => Promise.reject(new Error('no handler')),
      logger,
    });
    contents.windowOpenHandler?.({ url: 'https://example.com/x?secret=1' });
    await new Promise((r) => setImmediate(r));
    expect(logger.lines).toEqual(['warn could not open https://example.com: no handler']);
  });
});

describe('installWebContentsHardening', () => {
  it('hardens every webContents the app creates', () => {
    installWebContentsHardening(app as unknown as App, {
      appUrl: APP_URL,
      openExternal: () => Promise.resolve(),
    });
    const contents = new FakeWebContents();
    app.emit('web-contents-created', new FakeEvent(), contents);
    expect(contents.windowOpenHandler).toBeDefined();
    expect(contents.listenerCount('will-navigate')).toBe(1);
    expect(contents.listenerCount('will-attach-webview')).toBe(1);
  });
});

describe('hardenSession', () => {
  function setup() {
    const session = new FakeSession();
    const logger = new MemoryLogger();
    hardenSession(session as unknown as Session, { appUrl: APP_URL, logger });
    const request = (permission: string, requestingUrl: string): boolean => {
      let granted: boolean | undefined;
      session.requestHandler?.(new FakeWebContents(), permission, (g) => (granted = g), { requestingUrl });
      if (granted === undefined) throw new Error('callback not called');
      return granted;
    };
    return { session, logger, request };
  }

  it('grants notifications to our page and nothing else to anyone', () => {
    const { request, logger } = setup();
    expect(request('notifications', APP_URL)).toBe(true);
    expect(request('notifications', 'https://evil.example/')).toBe(false);
    for (const permission of ['media', 'geolocation', 'openExternal', 'clipboard-read', 'display-capture'])
      expect(request(permission, APP_URL)).toBe(false);
    expect(logger.lines).toContain('warn denied the page\'s request for permission "media"');
  });

  it('answers permission checks the same way, using the page URL when no requesting URL is given', () => {
    const { session } = setup();
    const ours = new FakeWebContents();
    ours.url = APP_URL;
    expect(session.checkHandler?.(ours, 'notifications', 'file://', {})).toBe(true);
    expect(session.checkHandler?.(null, 'notifications', 'file://', {})).toBe(false);
    expect(session.checkHandler?.(ours, 'media', 'file://', { requestingUrl: APP_URL })).toBe(false);
  });

  it('denies all device access (HID, serial, USB)', () => {
    const { session } = setup();
    expect(session.deviceHandler?.({ deviceType: 'usb' })).toBe(false);
  });
});
