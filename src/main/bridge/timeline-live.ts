// The live state a page is shown for the conversation on screen. A socket that is not live while its
// server does not answer is reported as `stopped` (not "reconnecting"): the page is then showing the cached
// timeline, and saying "Not live" is the truth the user needs offline.
import type { TimelineLiveState } from '../../shared/timeline';
import type { StreamState } from '../live/event-stream';
import type { ServerHealthTracker } from '../servers/server-health';

export function timelineLive(
  health: Pick<ServerHealthTracker, 'list'>,
  serverId: string,
  state: StreamState | undefined,
): TimelineLiveState {
  if (state === 'live') return 'live';
  if (health.list([serverId])[0]?.state === 'offline') return 'stopped';
  return state ?? 'stopped';
}
