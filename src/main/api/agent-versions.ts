// Agent-server releases: how they compare, and which a backend needs (docs/openhands-api.md §4.10, §4.11).

/** Whether `version` starts with a dotted number (`"unknown"` and `""` do not). */
export function isVersion(version: string): boolean {
  return /^\d+(\.\d+)*/.test(version);
}

/** Dotted versions compared numerically ("1.3.0" < "1.12.0"); suffixes after the numbers are ignored. */
export function versionAtLeast(version: string, min: string): boolean {
  const parse = (v: string): number[] => (/^\d+(?:\.\d+)*/.exec(v)?.[0] ?? '0').split('.').map(Number);
  const a = parse(version);
  const b = parse(min);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d > 0;
  }
  return true;
}

/**
 * The oldest bare agent server this app takes as a backend: the release OpenHands' own GUI requires, and
 * the first with everything a backend is used through here (search with `sort_order`, `/interrupt`,
 * `/api/workspaces`, `/api/profiles`, `client_tools`).
 */
export const MIN_BACKEND_VERSION = '1.28.0';

/** Agent profiles (`/api/agent-profiles`, `agent_profile_id` on create) and deferred init. */
export const AGENT_PROFILES_SINCE = '1.29.0';
