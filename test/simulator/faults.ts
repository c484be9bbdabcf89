import { seededRandom } from '../support/seeded-random';
import type { IncomingHttpHeaders } from 'node:http';

export type ServerKind = 'app' | 'agent';

/** One request as the simulator saw it; tests assert on these. */
export interface RequestLogEntry {
  at: number;
  server: ServerKind;
  /** For agent servers: whose sandbox. */
  sandboxId?: string;
  method: string;
  /** The decoded path, as routes match it. */
  path: string;
  /** The raw request target: path and query exactly as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  /** Set when the response finished; undefined if the connection was dropped. */
  status?: number;
  /** Which injected fault, if any, answered this request. */
  fault?: string;
}

export interface FaultSettings {
  /** Fraction (0..1) of requests answered with a 500. */
  errorRate: number;
  /** Milliseconds added before each response. */
  latencyMs: number;
  /** Fraction (0..1) of requests whose connection is destroyed without any response. */
  dropRate: number;
}

type OverrideAction =
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** Any bytes as the body: malformed JSON, wrong types, HTML error pages. */
  | { kind: 'raw'; status?: number; body: string; contentType?: string }
  /** A valid JSON object padded to about `bytes` long, streamed. */
  | { kind: 'huge'; bytes: number }
  /** The connection is destroyed before any response. */
  | { kind: 'reset' }
  /** Headers and part of the body are sent, then the connection is destroyed. */
  | { kind: 'resetMidBody' }
  /** No answer at all until the client gives up. */
  | { kind: 'hang' };

export type ResponseOverride = OverrideAction & {
  server?: ServerKind;
  method?: string;
  /** Matched against the decoded path: a string must match exactly, a RegExp anywhere. */
  path: string | RegExp;
  /** How many requests it answers; unlimited when omitted. */
  times?: number;
};

const NO_FAULTS: FaultSettings = { errorRate: 0, latencyMs: 0, dropRate: 0 };

/** Fault injection shared by the app server and every agent server. */
export class Faults {
  private settings: Record<ServerKind, FaultSettings> = { app: { ...NO_FAULTS }, agent: { ...NO_FAULTS } };
  private overrides: ResponseOverride[] = [];
  private burst: Record<ServerKind, { remaining: number; retryAfter: number }> = {
    app: { remaining: 0, retryAfter: 1 },
    agent: { remaining: 0, retryAfter: 1 },
  };
  private random: () => number;

  constructor(seed = 1) {
    this.random = seededRandom(seed);
  }

  set(target: ServerKind | 'all', settings: Partial<FaultSettings>): void {
    for (const kind of target === 'all' ? (['app', 'agent'] as const) : [target]) {
      this.settings[kind] = { ...this.settings[kind], ...settings };
    }
  }

  get(kind: ServerKind): FaultSettings {
    return { ...this.settings[kind] };
  }

  override(override: ResponseOverride): void {
    this.overrides.push({ ...override });
  }

  /** The next `count` requests to that server get 429 with `Retry-After`. */
  burst429(count: number, retryAfterSeconds = 1, target: ServerKind = 'app'): void {
    this.burst[target] = { remaining: count, retryAfter: retryAfterSeconds };
  }

  reset(): void {
    this.settings = { app: { ...NO_FAULTS }, agent: { ...NO_FAULTS } };
    this.overrides = [];
    this.burst.app.remaining = 0;
    this.burst.agent.remaining = 0;
  }

  /** Decides, for one request, which fault (if any) answers it. */
  pick(
    kind: ServerKind,
    method: string,
    path: string,
  ): {
    action:
      OverrideAction | { kind: 'drop' } | { kind: 'error' } | { kind: '429'; retryAfter: number } | undefined;
    latencyMs: number;
  } {
    const s = this.settings[kind];
    const latencyMs = s.latencyMs;
    const index = this.overrides.findIndex(
      (o) =>
        (o.server ?? kind) === kind &&
        (o.method === undefined || o.method === method) &&
        (typeof o.path === 'string' ? o.path === path : o.path.test(path)),
    );
    if (index >= 0) {
      const o = this.overrides[index]!;
      if (o.times !== undefined && --o.times <= 0) this.overrides.splice(index, 1);
      return { action: o, latencyMs };
    }
    const burst = this.burst[kind];
    if (burst.remaining > 0) {
      burst.remaining--;
      return { action: { kind: '429', retryAfter: burst.retryAfter }, latencyMs };
    }
    if (s.dropRate > 0 && this.random() < s.dropRate) return { action: { kind: 'drop' }, latencyMs };
    if (s.errorRate > 0 && this.random() < s.errorRate) return { action: { kind: 'error' }, latencyMs };
    return { action: undefined, latencyMs };
  }
}
