import { beforeEach, describe, expect, it, vi } from 'vitest';
import { watchPowerEvents } from '../../src/main/electron/power-events';
import { MemoryLogger } from '../../src/main/logger';
import { SystemEventEmitter, type SystemEvents } from '../../src/main/system-events';
import { FakeClock } from '../support/fake-clock';
import { net, powerMonitor, resetElectronFake } from './electron-fake';

vi.mock('electron', async () => (await import('./electron-fake')).electronFake);

/** Subscribes to every event and records them in order. */
function record(events: SystemEvents): string[] {
  const seen: string[] = [];
  events.onSuspend(() => seen.push('suspend'));
  events.onResume(() => seen.push('resume'));
  events.onOnline(() => seen.push('online'));
  events.onOffline(() => seen.push('offline'));
  return seen;
}

let online = true;
beforeEach(() => {
  resetElectronFake();
  online = true;
  net.isOnline.mockImplementation(() => online);
});

describe('watchPowerEvents', () => {
  it('turns powerMonitor suspend and resume into SystemEvents', () => {
    const { events, dispose } = watchPowerEvents({ clock: new FakeClock() });
    const seen = record(events);
    powerMonitor.emit('suspend');
    powerMonitor.emit('resume');
    expect(seen).toEqual(['suspend', 'resume']);
    dispose();
  });

  it('starts from the current reachability without an event', () => {
    online = false;
    const { events, dispose } = watchPowerEvents({ clock: new FakeClock() });
    expect(events.isOnline()).toBe(false);
    dispose();
  });

  it('samples reachability on its interval and reports only changes', async () => {
    const clock = new FakeClock();
    const { events, dispose } = watchPowerEvents({ clock, reachabilityIntervalMs: 1_000 });
    const seen = record(events);
    online = false;
    await clock.advance(999);
    expect(seen).toEqual([]);
    await clock.advance(1);
    expect(seen).toEqual(['offline']);
    expect(events.isOnline()).toBe(false);
    await clock.advance(5_000);
    expect(seen).toEqual(['offline']);
    online = true;
    await clock.advance(1_000);
    expect(seen).toEqual(['offline', 'online']);
    dispose();
  });

  it('re-checks reachability on resume, before services hear of the resume', () => {
    const { events, dispose } = watchPowerEvents({ clock: new FakeClock() });
    const seen = record(events);
    powerMonitor.emit('suspend');
    online = false; // woke up before the Wi-Fi did
    powerMonitor.emit('resume');
    expect(seen).toEqual(['suspend', 'offline', 'resume']);
    dispose();
  });

  it('stops listening and sampling when disposed', async () => {
    const clock = new FakeClock();
    const { events, dispose } = watchPowerEvents({ clock, reachabilityIntervalMs: 1_000 });
    const seen = record(events);
    dispose();
    await clock.advance(0);
    expect(powerMonitor.listenerCount('suspend')).toBe(0);
    expect(powerMonitor.listenerCount('resume')).toBe(0);
    expect(clock.pending).toBe(0);
    online = false;
    powerMonitor.emit('resume');
    await clock.advance(10_000);
    expect(seen).toEqual([]);
  });
});

describe('SystemEventEmitter', () => {
  it('unsubscribes each listener on its own, even the same function twice', () => {
    const emitter = new SystemEventEmitter();
    const calls: string[] = [];
    const listener = () => calls.push('resume');
    const first = emitter.onResume(listener);
    emitter.onResume(listener);
    emitter.resume();
    first();
    emitter.resume();
    expect(calls).toEqual(['resume', 'resume', 'resume']);
  });

  it('keeps telling the other listeners when one throws, and logs it', () => {
    const logger = new MemoryLogger();
    const emitter = new SystemEventEmitter({ logger });
    const calls: string[] = [];
    emitter.onSuspend(() => {
      throw new Error('boom');
    });
    emitter.onSuspend(() => calls.push('second'));
    emitter.suspend();
    expect(calls).toEqual(['second']);
    expect(logger.lines).toEqual(["error system event 'suspend' listener failed: Error: boom"]);
  });

  it('emits online/offline only on a change', () => {
    const emitter = new SystemEventEmitter({ online: true });
    const seen = record(emitter);
    emitter.setOnline(true);
    emitter.setOnline(false);
    emitter.setOnline(false);
    emitter.setOnline(true);
    expect(seen).toEqual(['offline', 'online']);
  });

  it('lets a listener unsubscribe while being called', () => {
    const emitter = new SystemEventEmitter();
    const calls: string[] = [];
    const off = emitter.onResume(() => {
      calls.push('once');
      off();
    });
    emitter.onResume(() => calls.push('always'));
    emitter.resume();
    emitter.resume();
    expect(calls).toEqual(['once', 'always', 'always']);
  });
});
