// Sleep/wake and reachability from Electron, exposed as the plain SystemEvents that services consume.
// Create it after `app.whenReady()`: powerMonitor cannot be used before the app is ready.
import { net, powerMonitor } from 'electron';
import { systemClock, type Clock } from '../clock';
import type { Logger } from '../logger';
import { SystemEventEmitter, type SystemEvents } from '../system-events';

export interface PowerEventsOptions {
  clock?: Clock;
  logger?: Logger;
  /** How often reachability is sampled. */
  reachabilityIntervalMs?: number;
}

export interface PowerEvents {
  events: SystemEvents;
  dispose: () => void;
}

/**
 * `net.isOnline()` is Chromium's own network-change state: cheap to ask (no packets sent), and main has no
 * 'online'/'offline' event, so it is sampled. `false` reliably means offline; `true` only means some link
 * is up, which is why the poller's own request failures stay the real signal for a given server.
 */
const REACHABILITY_INTERVAL_MS = 5_000;

export function watchPowerEvents(options: PowerEventsOptions = {}): PowerEvents {
  const clock = options.clock ?? systemClock;
  const interval = options.reachabilityIntervalMs ?? REACHABILITY_INTERVAL_MS;
  const emitter = new SystemEventEmitter({ online: net.isOnline(), logger: options.logger });
  const sample = (): void => emitter.setOnline(net.isOnline());

  const onSuspend = (): void => emitter.suspend();
  const onResume = (): void => {
    // Sample first: services reacting to 'resume' then see whether the network came back with the machine.
    sample();
    emitter.resume();
  };
  // 'lock-screen'/'unlock-screen' are left out: a locked machine keeps its network and timers, so no service
  // has anything to do, and the user still wants to find notifications waiting when they unlock.
  powerMonitor.on('suspend', onSuspend);
  powerMonitor.on('resume', onResume);

  const stop = new AbortController();
  void (async () => {
    for (;;) {
      try {
        await clock.sleep(interval, stop.signal);
      } catch {
        return; // disposed
      }
      sample();
    }
  })();

  return {
    events: emitter,
    dispose: () => {
      stop.abort();
      powerMonitor.off('suspend', onSuspend);
      powerMonitor.off('resume', onResume);
    },
  };
}
