// Locks down every web page the app creates: the policies are pure functions in ../navigation-policy.ts;
// this file only hangs them on Electron's session and webContents hooks.
import type { App, Session, WebContents } from 'electron';
import type { Logger } from '../logger';
import { externalLinkTarget, isAllowedNavigation, isPermissionAllowed } from '../navigation-policy';

export interface HardeningOptions {
  /** The URL our own page is served from (see appUrlFor). */
  appUrl: string;
  /** shell.openExternal: opens a link in the user's browser. */
  openExternal: (url: string) => Promise<void>;
  logger?: Logger;
}

/** Notifications only, and only for our page; no device access (HID, serial, USB) at all. */
export function hardenSession(session: Session, options: Pick<HardeningOptions, 'appUrl' | 'logger'>): void {
  session.setPermissionRequestHandler((contents, permission, callback, details) => {
    const allowed = isPermissionAllowed(options.appUrl, permission, details.requestingUrl);
    if (!allowed) options.logger?.warn(`denied the page's request for permission "${permission}"`);
    callback(allowed);
  });
  session.setPermissionCheckHandler((contents, permission, _origin, details) =>
    isPermissionAllowed(options.appUrl, permission, details.requestingUrl ?? contents?.getURL() ?? ''),
  );
  session.setDevicePermissionHandler(() => false);
}

function openOutside(url: string, options: HardeningOptions): void {
  const target = externalLinkTarget(url);
  if (target === null) {
    options.logger?.warn(`blocked a link to ${describeUrl(url)}`);
    return;
  }
  options.openExternal(target).catch((error: unknown) => {
    options.logger?.warn(
      `could not open ${describeUrl(target)}: ${error instanceof Error ? error.message : String(error)}`,
    );
  });
}

/** Scheme and host only: a full URL could carry tokens into the log. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.host ? `${parsed.protocol}//${parsed.host}` : parsed.protocol;
  } catch {
    return 'an invalid URL';
  }
}

/**
 * Our page may navigate only within itself; anything else (a link in agent output, a redirect) is refused,
 * and http(s) links go to the browser instead. No pop-up windows, no <webview>.
 */
export function hardenWebContents(contents: WebContents, options: HardeningOptions): void {
  contents.on('will-navigate', (event, url) => {
    if (isAllowedNavigation(options.appUrl, url)) return;
    event.preventDefault();
    openOutside(url, options);
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAllowedNavigation(options.appUrl, url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url, options);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    options.logger?.warn('blocked a <webview>');
  });
}

/** Applies hardenWebContents to every page the app ever creates, ours or not (defence in depth). */
export function installWebContentsHardening(app: Pick<App, 'on'>, options: HardeningOptions): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, options));
}
