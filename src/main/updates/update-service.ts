// Keeps the app up to date without ever surprising the user: checks on start and then daily, downloads in the
// background, and says "Update ready — restart". It restarts only when the user asks, and not while an outbox
// item is being sent: then it waits until nothing is sending. No Electron here: the updater is an adapter
// (src/main/electron/updater.ts wraps electron-updater), so tests drive this with a fake or the real library.
import type { UpdateState } from '../../shared/updates';
import type { Clock } from '../clock';
import { t } from '../i18n';
import type { Logger } from '../logger';

export interface UpdaterEvents {
  checking(): void;
  available(version: string): void;
  notAvailable(): void;
  progress(percent: number): void;
  downloaded(version: string): void;
  error(error: Error): void;
}

/** The one thing that talks to an update feed: electron-updater in the app. */
export interface Updater {
  /** Whether this copy can update itself at all (a packaged build with a feed). */
  active(): boolean;
  /** Asks the feed; a newer version downloads on its own, reported through the events. */
  check(): Promise<void>;
  /** Quits, installs the downloaded update and starts the new version. */
  install(): void;
  /** Called once, before the first check. */
  subscribe(listeners: UpdaterEvents): void;
}

/** What the service needs to know of the outbox: whether anything is on its way to a server right now. */
export interface SendingWatch {
  isSending(): boolean;
  /** Called on every outbox change; returns an unsubscribe. */
  onChange(listener: () => void): () => void;
}

export const FIRST_CHECK_DELAY_MS = 10_000;
export const CHECK_INTERVAL_MS = 24 * 60 * 60 * 1000;

export interface UpdateServiceOptions {
  /** Absent: this copy cannot update (browser mode). */
  updater?: Updater;
  outbox: SendingWatch;
  clock: Clock;
  logger: Logger;
}

export class UpdateService {
  private current: UpdateState;
  private readonly listeners = new Set<(state: UpdateState) => void>();
  private manual = false;
  private readonly stop = new AbortController();
  private unwatchOutbox: (() => void) | null = null;

  constructor(private readonly options: UpdateServiceOptions) {
    const { updater } = options;
    this.current = !updater
      ? { phase: 'unavailable', reason: 'browser' }
      : updater.active()
        ? { phase: 'idle', checkedAt: null, manual: false }
        : { phase: 'unavailable', reason: 'not-packaged' };
    if (!updater) return;
    updater.subscribe({
      checking: () => this.set({ phase: 'checking', manual: this.manual }),
      available: (version) => this.set({ phase: 'downloading', version, percent: 0 }),
      progress: (percent) => {
        if (this.current.phase === 'downloading')
          this.set({ ...this.current, percent: Math.max(0, Math.min(100, percent)) });
      },
      notAvailable: () => this.set({ phase: 'idle', checkedAt: options.clock.now(), manual: this.manual }),
      downloaded: (version) => this.set({ phase: 'ready', version, waitingForOutbox: false }),
      error: (error) => {
        options.logger.warn(`updates: ${error.message}`);
        // A download already verified stays ready.
        if (this.current.phase !== 'ready')
          this.set({ phase: 'error', message: t('updates.failed'), manual: this.manual });
      },
    });
  }

  state(): UpdateState {
    return this.current;
  }

  onChange(listener: (state: UpdateState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Checks now (after a short wait, so start-up is not slowed) and then once a day, until `close`. */
  start(): void {
    if (this.current.phase === 'unavailable') return;
    void this.loop();
  }

  private async loop(): Promise<void> {
    let wait = FIRST_CHECK_DELAY_MS;
    for (;;) {
      try {
        await this.options.clock.sleep(wait, this.stop.signal);
      } catch {
        return;
      }
      wait = CHECK_INTERVAL_MS;
      // Nothing to look for once an update is waiting to be installed.
      if (this.current.phase !== 'ready') await this.check(false);
    }
  }

  /** Asks the feed now; `manual` when the user asked (Help → Check for Updates), so the answer is shown. */
  async check(manual = true): Promise<UpdateState> {
    const { updater } = this.options;
    if (!updater || this.current.phase === 'unavailable' || this.current.phase === 'ready')
      return this.current;
    if (this.current.phase === 'checking' || this.current.phase === 'downloading') {
      this.manual ||= manual;
      return this.current;
    }
    this.manual = manual;
    try {
      await updater.check();
    } catch (error) {
      // electron-updater also emits `error`; this covers an updater that only rejects.
      const phase = this.state().phase;
      if (phase === 'checking' || phase === 'idle')
        this.set({ phase: 'error', message: t('updates.failed'), manual });
      this.options.logger.warn(`updates: check failed: ${(error as Error).message}`);
    }
    return this.current;
  }

  /**
   * The user chose "Restart": installs now, or — while an outbox item is being sent — once nothing is, so an
   * action is never cut off mid-request.
   */
  restart(): UpdateState {
    const { updater } = this.options;
    if (!updater || this.current.phase !== 'ready') return this.current;
    if (!this.options.outbox.isSending()) {
      this.install();
      return this.current;
    }
    this.set({ ...this.current, waitingForOutbox: true });
    this.unwatchOutbox ??= this.options.outbox.onChange(() => {
      if (this.options.outbox.isSending()) return;
      this.install();
    });
    return this.current;
  }

  private install(): void {
    this.unwatchOutbox?.();
    this.unwatchOutbox = null;
    this.options.logger.info('updates: restarting to install the update');
    this.options.updater?.install();
  }

  close(): void {
    this.stop.abort();
    this.unwatchOutbox?.();
    this.unwatchOutbox = null;
  }

  private set(next: UpdateState): void {
    this.current = next;
    for (const listener of this.listeners) listener(next);
  }
}
