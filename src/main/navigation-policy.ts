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
