// The system Chromium as tests and benchmarks drive it: where to find it, and the flags that keep a fresh
// profile from calling home (this machine's network is closed; see toolchain-notes.md).
import { existsSync } from 'node:fs';

export const CHROMIUM_ARGS: string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export const CHROMIUM_CANDIDATES: readonly string[] = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
];

/** `$CHROMIUM_PATH`, else the first system Chromium found; or why there is none. */
export function findChromium(): { path: string } | { missing: string } {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    return existsSync(fromEnv)
      ? { path: fromEnv }
      : { missing: `CHROMIUM_PATH is set to ${fromEnv}, which does not exist` };
  }
  const found = CHROMIUM_CANDIDATES.find((candidate) => existsSync(candidate));
  return found
    ? { path: found }
    : {
        missing:
          `no Chromium found (looked for ${CHROMIUM_CANDIDATES.join(', ')}); ` +
          'install it (Debian: apt-get install chromium) or set CHROMIUM_PATH',
      };
}
