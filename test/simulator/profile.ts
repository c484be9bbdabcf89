/**
 * Which OpenHands the simulator imitates. `current` (default): today's app server — no V0 routes and no
 * `/api/options/*` (removed in April 2026, OpenHands PR #13952) — with agent server 1.44. `legacy`: the
 * 156d0686 app server (Nov 2025) with its V0 routes and agent server 1.19, for old self-hosted installs.
 */
export type SimulatorProfile = 'current' | 'legacy';

export const DEFAULT_AGENT_VERSIONS: Record<SimulatorProfile, string> = {
  current: '1.44.0',
  legacy: '1.19.1',
};

export type AppMode = 'oss' | 'saas';
