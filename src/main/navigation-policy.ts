/**
 * Decides whether the app window may navigate to `candidate`. Pure (no electron), so it is unit-tested.
 *
 * - Dev (`appUrl` is the electron-vite http dev server): same origin only.
 * - Packaged (`appUrl` is the file:// URL of out/renderer/index.html): that exact file only. A file:// or
 *   data: URL's origin is the opaque "null", so origins cannot be compared there.
 */
export function isAllowedNavigation(appUrl: string, candidate: string): boolean {
  let app: URL;
  let target: URL;
  try {
    app = new URL(appUrl);
    target = new URL(candidate);
  } catch {
    return false;
  }
  if (app.protocol === 'file:') {
    return target.protocol === 'file:' && target.host === app.host && target.pathname === app.pathname;
  }
  return target.origin === app.origin;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The URL to hand to the OS browser for a link the page tried to open, or null to drop it. Only https
 * anywhere, and http to this machine (a self-hosted OpenHands on localhost:3000). Never file:, javascript:,
 * custom schemes (which launch other apps) or URLs with credentials in them. Pure, unit-tested.
 */
export function externalLinkTarget(candidate: string): string | null {
  if (candidate.length > 2048) return null;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  if (url.username || url.password) return null;
  if (url.protocol === 'https:' && url.hostname !== '') return url.href;
  if (
    url.protocol === 'http:' &&
    (LOOPBACK_HOSTS.has(url.hostname) || /^127(?:\.\d{1,3}){3}$/.test(url.hostname))
  )
    return url.href;
  return null;
}

/** Chromium permissions our page may have: native notifications only (no camera, mic, geolocation…). */
const ALLOWED_PERMISSIONS = new Set(['notifications']);

/**
 * Permission request/check policy: granted only when asked for an allowed permission by our own page. Pure so
 * the session handlers in src/main/electron/hardening.ts stay one line each.
 */
export function isPermissionAllowed(appUrl: string, permission: string, requestingUrl: string): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && isAllowedNavigation(appUrl, requestingUrl);
}
