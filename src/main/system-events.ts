// Sleep/wake and network reachability as main services see them (architecture.md, "Background work in
// main": the poller stops while suspended, live streams reconnect after resume). Plain TypeScript: the
// Electron source lives in src/main/electron/power-events.ts; tests and browser mode drive the emitter below.
import type { Logger } from './logger';

export type SystemEventName = 'suspend' | 'resume' | 'online' | 'offline';

/** Every `onX` returns its own unsubscribe, like the bridge's listeners. */
export interface SystemEvents {
  onSuspend(listener: () => void): () => void;
  onResume(listener: () => void): () => void;
  onOnline(listener: () => void): () => void;
  onOffline(listener: () => void): () => void;
  /** The last known reachability (a hint, not a promise: see power-events.ts). */
  isOnline(): boolean;
}

/**
 * An in-process `SystemEvents` that whoever knows the facts pushes into: the Electron adapter, a test, or
 * browser mode (which has no powerMonitor and may simply never call `suspend`).
 */
export class SystemEventEmitter implements SystemEvents {
  private readonly listeners: Record<SystemEventName, Set<() => void>> = {
    suspend: new Set(),
    resume: new Set(),
    online: new Set(),
    offline: new Set(),
  };
  private online: boolean;
  private readonly logger: Logger | undefined;

  constructor(options: { online?: boolean; logger?: Logger } = {}) {
    this.online = options.online ?? true;
    this.logger = options.logger;
  }

  onSuspend(listener: () => void): () => void {
    return this.add('suspend', listener);
  }
  onResume(listener: () => void): () => void {
    return this.add('resume', listener);
  }
  onOnline(listener: () => void): () => void {
    return this.add('online', listener);
  }
  onOffline(listener: () => void): () => void {
    return this.add('offline', listener);
  }

  isOnline(): boolean {
    return this.online;
  }

  suspend(): void {
    this.emit('suspend');
  }

  resume(): void {
    this.emit('resume');
  }

  /**
   * Records reachability; emits only on a change, so a source that samples periodically can call this on
   * every sample without waking every service each time.
   */
  setOnline(online: boolean): void {
    if (online === this.online) return;
    this.online = online;
    this.emit(online ? 'online' : 'offline');
  }

  private add(name: SystemEventName, listener: () => void): () => void {
    // Wrapped so the same function can be subscribed twice and unsubscribed independently.
    const entry = (): void => listener();
    this.listeners[name].add(entry);
    return () => {
      this.listeners[name].delete(entry);
    };
  }

  private emit(name: SystemEventName): void {
    // A copy: a listener may unsubscribe (itself or another) while we iterate.
    for (const listener of [...this.listeners[name]]) {
      try {
        listener();
      } catch (error) {
        // One failing service must not keep the others from hearing about a resume.
        this.logger?.error(`system event '${name}' listener failed: ${String(error)}`);
      }
    }
  }
}
