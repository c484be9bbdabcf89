import type { z } from 'zod';
import { type Clock, systemClock } from '../clock';
import { t } from '../i18n';
import { ApiError, errorForStatus } from './errors';
import type { RequestBudget } from './request-budget';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON with the matching content type. */
  json?: unknown;
  /** Any other body (multipart FormData, streams). */
  body?: RequestInit['body'];
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Safe to send again: reads. Writes are never retried here (the outbox decides). */
  idempotent?: boolean;
  /** Responses larger than this are refused (invalid-response). */
  maxBytes?: number;
  /** The server's request budget; omitted for agent servers, which are not rate limited. */
  budget?: RequestBudget;
  /** Statuses to return to the caller instead of throwing (e.g. 404 when probing a route). */
  acceptStatus?: number[];
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the text when the body is not JSON, or undefined when empty. */
  body: unknown;
}

export interface RetryPolicy {
  /** Total tries for idempotent requests, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A 429 asking to wait longer than this is not retried; the caller gets rate-limited at once. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 300,
  maxDelayMs: 5000,
  maxRetryAfterMs: 30_000,
};
export const DEFAULT_TIMEOUT_MS = 20_000;
export const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

export interface HttpClientOptions {
  clock?: Clock;
  retry?: RetryPolicy;
  /** 0..1, for backoff jitter; injectable for tests. */
  random?: () => number;
  fetch?: typeof fetch;
}

const RETRYABLE = new Set(['offline', 'timeout', 'server-error', 'rate-limited']);

/** `Retry-After` (seconds or an HTTP date), else `X-RateLimit-Reset` (epoch seconds), in ms from now. */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const raw = headers.get('retry-after');
  if (raw !== null) {
    const seconds = Number(raw);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(raw);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const reset = Number(headers.get('x-ratelimit-reset'));
  if (headers.has('x-ratelimit-reset') && Number.isFinite(reset)) return Math.max(0, reset * 1000 - now);
  return undefined;
}

/**
 * HTTP for every OpenHands call: timeouts and cancellation, a response-size cap, JSON parsing, one error
 * taxonomy, the server's request budget, and retries with capped exponential backoff + jitter for
 * idempotent requests only (429 waits as long as the server asks, and blocks the whole budget meanwhile).
 */
export class HttpClient {
  private readonly clock: Clock;
  private readonly retry: RetryPolicy;
  private readonly random: () => number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: HttpClientOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.random = options.random ?? Math.random;
    this.fetchImpl = options.fetch ?? fetch;
  }

  /** Sends and validates the JSON body with `schema`. */
  async json<S extends z.ZodType>(request: HttpRequest, schema: S): Promise<z.infer<S>> {
    const response = await this.send(request);
    const parsed = schema.safeParse(response.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const server = label(request.url);
      // The issue is the schema library's own words: developer English, shown as it is.
      const detail = issue?.message ?? t('apiErrors.unreadableIssue');
      throw new ApiError(
        'invalid-response',
        issue && issue.path.length > 0
          ? t('apiErrors.unreadableAt', { server, path: issue.path.join('.'), issue: detail })
          : t('apiErrors.unreadable', { server, issue: detail }),
        { status: response.status },
      );
    }
    return parsed.data;
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    const attempts = request.idempotent ? this.retry.attempts : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(request);
      } catch (error) {
        if (!(error instanceof ApiError) || attempt >= attempts || !RETRYABLE.has(error.kind)) throw error;
        let delay: number;
        if (error.kind === 'rate-limited') {
          delay = error.retryAfterMs ?? 1000;
          if (delay > this.retry.maxRetryAfterMs) throw error;
        } else {
          const backoff = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
          delay = backoff / 2 + (this.random() * backoff) / 2;
        }
        try {
          await this.clock.sleep(delay, request.signal);
        } catch {
          throw new ApiError('aborted', t('apiErrors.cancelled'));
        }
      }
    }
  }

  private async once(request: HttpRequest): Promise<HttpResponse> {
    const server = label(request.url);
    if (request.signal?.aborted) throw new ApiError('aborted', t('apiErrors.cancelled'));
    if (request.budget) {
      try {
        await request.budget.acquire(request.signal);
      } catch {
        throw new ApiError('aborted', t('apiErrors.cancelled'));
      }
    }
    const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    let body = request.body;
    if (request.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.json);
    }
    const failed = (error: unknown, phase: 'apiErrors.unreachable' | 'apiErrors.brokeOff'): ApiError => {
      if (request.signal?.aborted) return new ApiError('aborted', t('apiErrors.cancelled'), { cause: error });
      if (timeout.aborted)
        return new ApiError(
          'timeout',
          t('apiErrors.timeout', { server, seconds: Math.round(timeoutMs / 1000) }),
          {
            cause: error,
          },
        );
      return new ApiError('offline', t(phase, { server, reason: networkReason(error) }), { cause: error });
    };

    let response: Response;
    try {
      response = await this.fetchImpl(request.url, {
        method: request.method,
        headers,
        body: body ?? null,
        signal,
        // Not followed: a 3xx is answered with its own error below (errors.ts), never by sending the key on.
        redirect: 'manual',
        ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
      });
    } catch (error) {
      throw failed(error, 'apiErrors.unreachable');
    }

    let text: string;
    try {
      text = await readCapped(response, request.maxBytes ?? DEFAULT_MAX_BYTES);
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw failed(error, 'apiErrors.brokeOff');
    }
    const parsed = parseBody(text, response.headers.get('content-type'));
    const status = response.status;
    if ((status >= 200 && status < 300) || request.acceptStatus?.includes(status)) {
      if (parsed.malformed)
        throw new ApiError('invalid-response', t('apiErrors.malformedJson', { server }), { status });
      return { status, headers: response.headers, body: parsed.value };
    }
    const wait =
      status === 429 || status === 503 ? retryAfterMs(response.headers, this.clock.now()) : undefined;
    if (status === 429) request.budget?.blockFor(wait ?? 1000);
    // A server may echo what it was sent: its words are shown to the user, our keys never are.
    const secrets = Object.entries(headers)
      .filter(([name]) => name === 'authorization' || name === 'x-session-api-key')
      .map(([, value]) => value.replace(/^Bearer /, ''));
    throw errorForStatus(
      status,
      redact(parsed.value, secrets),
      server,
      status === 429 ? (wait ?? 1000) : wait,
      { location: response.headers.get('location'), requestUrl: request.url },
    );
  }
}

/** Replaces every occurrence of the given secrets in a response body (strings, recursively). */
export function redact(value: unknown, secrets: string[]): unknown {
  const real = secrets.filter((s) => s.length >= 4);
  if (real.length === 0) return value;
  const scrub = (v: unknown): unknown => {
    if (typeof v === 'string') return real.reduce((text, secret) => text.split(secret).join('[redacted]'), v);
    if (Array.isArray(v)) return v.map(scrub);
    if (typeof v === 'object' && v !== null)
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrub(x)]));
    return v;
  };
  return scrub(value);
}

/** "127.0.0.1:3000" or "app.all-hands.dev": how messages name a server ("the server" when the URL is unreadable). */
export function label(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return t('apiErrors.theServer');
  }
}

/** Why a connection failed, in the app's language; an unknown failure in the words Node gave it. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  switch (cause?.code) {
    case 'ECONNREFUSED':
      return t('apiErrors.reasonRefused');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return t('apiErrors.reasonUnresolved');
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return t('apiErrors.reasonReset');
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return t('apiErrors.reasonTimedOut');
    default:
      return cause?.message ?? (error instanceof Error ? error.message : t('apiErrors.reasonNetwork'));
  }
}

/** Reads the body as text, refusing more than `maxBytes` without buffering the excess. */
async function readCapped(response: Response, maxBytes: number): Promise<string> {
  const server = label(response.url);
  const tooLarge = (): ApiError =>
    new ApiError(
      'invalid-response',
      t('apiErrors.tooLarge', { server, mb: Math.round(maxBytes / 1024 / 1024) }),
      {
        status: response.status,
      },
    );
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!response.body) return '';
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(text: string, contentType: string | null): { value: unknown; malformed: boolean } {
  if (text.length === 0) return { value: undefined, malformed: false };
  try {
    return { value: JSON.parse(text) as unknown, malformed: false };
  } catch {
    // A JSON content type that does not parse is malformed; anything else is plain text (e.g. a proxy's page).
    return { value: text, malformed: (contentType ?? '').includes('json') };
  }
}
