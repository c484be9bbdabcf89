import type { ServerResponse } from 'node:http';
import { sendJson } from './http';

/**
 * The real servers' limits. Self-hosted (per client IP): over 10 requests in a second each extra one is
 * delayed 1 s; over 20 they get 429 `{"message":"Too many requests"}` with `Retry-After: 1`.
 * Cloud (per user, fixed windows): 10 per second and 100 per minute, 429 with `X-RateLimit-*` and `Retry-After`.
 */
export class RateLimiter {
  private readonly recent = new Map<string, number[]>();
  private readonly windows = new Map<
    string,
    { second: number; secondCount: number; minute: number; minuteCount: number }
  >();

  constructor(private readonly mode: 'oss' | 'saas') {}

  /** Returns true when it answered the request with a 429; may delay before returning false. */
  async apply(key: string, res: ServerResponse, now = Date.now()): Promise<boolean> {
    return this.mode === 'saas' ? this.cloud(key, res, now) : this.selfHosted(key, res, now);
  }

  private async selfHosted(key: string, res: ServerResponse, now: number): Promise<boolean> {
    const times = (this.recent.get(key) ?? []).filter((t) => now - t < 1000);
    times.push(now);
    this.recent.set(key, times);
    if (times.length > 20) {
      sendJson(res, 429, { message: 'Too many requests' }, { 'retry-after': '1' });
      return true;
    }
    if (times.length > 10) await new Promise((r) => setTimeout(r, 1000));
    return false;
  }

  private cloud(key: string, res: ServerResponse, now: number): boolean {
    const second = Math.floor(now / 1000);
    const minute = Math.floor(now / 60_000);
    const w = this.windows.get(key) ?? { second, secondCount: 0, minute, minuteCount: 0 };
    if (w.second !== second) Object.assign(w, { second, secondCount: 0 });
    if (w.minute !== minute) Object.assign(w, { minute, minuteCount: 0 });
    w.secondCount++;
    w.minuteCount++;
    this.windows.set(key, w);
    const overSecond = w.secondCount > 10;
    const overMinute = w.minuteCount > 100;
    if (!overSecond && !overMinute) return false;
    const [limit, resetAt, text] = overMinute
      ? [100, (minute + 1) * 60, '100 per 1 minute']
      : [10, second + 1, '10 per 1 second'];
    const retryAfter = Math.max(1, Math.ceil(resetAt - now / 1000));
    sendJson(
      res,
      429,
      { error: `Rate limit exceeded: ${text}` },
      {
        'x-ratelimit-limit': String(limit),
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(resetAt),
        'retry-after': String(retryAfter),
      },
    );
    return true;
  }
}
