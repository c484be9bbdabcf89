import { describe, expect, it } from 'vitest';
import { CrashReloadPolicy } from '../../src/main/shell/crash-policy';
import { closeHidesToTray, ShutdownCoordinator } from '../../src/main/shell/shutdown';

describe('CrashReloadPolicy', () => {
  const crash = { reason: 'crashed', exitCode: 139 };

  it('reloads up to the cap within the window, then gives up with a report', () => {
    const policy = new CrashReloadPolicy({ maxReloads: 3, windowMs: 60_000 });
    expect(policy.decide(crash, 0)).toEqual({
      action: 'reload',
      report: 'renderer process gone (reason crashed, exit code 139); reloading (1 of 3 within 60 s)',
    });
    expect(policy.decide(crash, 1_000).action).toBe('reload');
    expect(policy.decide(crash, 2_000).action).toBe('reload');
    expect(policy.decide(crash, 3_000)).toEqual({
      action: 'give-up',
      report: 'renderer process gone (reason crashed, exit code 139); 3 reloads in the last 60 s, giving up',
    });
  });

  it('forgets crashes older than the window, and after reset', () => {
    const policy = new CrashReloadPolicy({ maxReloads: 1, windowMs: 10_000 });
    expect(policy.decide(crash, 0).action).toBe('reload');
    expect(policy.decide(crash, 5_000).action).toBe('give-up');
    expect(policy.decide(crash, 10_000).action).toBe('reload');
    policy.reset();
    expect(policy.decide(crash, 10_001).action).toBe('reload');
  });

  it('ignores a clean exit and never reloads a page that failed its integrity check', () => {
    const policy = new CrashReloadPolicy();
    expect(policy.decide({ reason: 'clean-exit', exitCode: 0 }, 0).action).toBe('ignore');
    expect(policy.decide({ reason: 'integrity-failure', exitCode: 1 }, 0).action).toBe('give-up');
  });
});

describe('ShutdownCoordinator', () => {
  function setup(close: () => Promise<void>) {
    const events: string[] = [];
    const timers: (() => void)[] = [];
    const coordinator = new ShutdownCoordinator({
      close: async () => {
        events.push('close');
        await close();
        events.push('closed');
      },
      quit: () => events.push('quit'),
      timeoutMs: 1_000,
      setTimer: (fn) => timers.push(fn),
      report: (m) => events.push(m),
    });
    return { coordinator, events, timers };
  }

  it('holds the first quit until closing finished, then lets the second one through', async () => {
    let finish = (): void => undefined;
    const { coordinator, events } = setup(() => new Promise<void>((resolve) => (finish = resolve)));
    expect(coordinator.quitting).toBe(false);
    expect(coordinator.beforeQuit()).toBe(true);
    expect(coordinator.quitting).toBe(true);
    expect(coordinator.beforeQuit()).toBe(true); // pressed again while flushing: still held
    await Promise.resolve();
    expect(events).toEqual(['close']);
    finish();
    await new Promise((r) => setImmediate(r));
    expect(events).toEqual(['close', 'closed', 'quit']);
    expect(coordinator.beforeQuit()).toBe(false);
  });

  it('quits anyway when closing hangs past the timeout, or fails', async () => {
    const hung = setup(() => new Promise<void>(() => undefined));
    hung.coordinator.beforeQuit();
    hung.timers.forEach((fire) => fire());
    await new Promise((r) => setImmediate(r));
    expect(hung.events).toEqual([
      'close',
      'shutdown: closing took longer than 1000 ms; quitting anyway',
      'quit',
    ]);

    const failing = setup(() => Promise.reject(new Error('disk full')));
    failing.coordinator.beforeQuit();
    await new Promise((r) => setImmediate(r));
    expect(failing.events).toEqual(['close', 'shutdown: closing failed (disk full); quitting', 'quit']);
  });
});

describe('closeHidesToTray', () => {
  it('hides only with the setting on, a tray to come back from, and no quit under way', () => {
    expect(closeHidesToTray({ quitting: false, closeToTray: true, trayAvailable: true })).toBe(true);
    expect(closeHidesToTray({ quitting: true, closeToTray: true, trayAvailable: true })).toBe(false);
    expect(closeHidesToTray({ quitting: false, closeToTray: false, trayAvailable: true })).toBe(false);
    expect(closeHidesToTray({ quitting: false, closeToTray: true, trayAvailable: false })).toBe(false);
  });
});
