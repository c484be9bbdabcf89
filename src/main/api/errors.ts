import type { ApiErrorInfo, ApiErrorKind } from '../../shared/api-errors';

/** A failed call to an OpenHands server, with a message a user can act on. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    readonly details: { status?: number; retryAfterMs?: number; serverDetail?: string; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }

  get status(): number | undefined {
    return this.details.status;
  }

  get retryAfterMs(): number | undefined {
    return this.details.retryAfterMs;
  }

  toInfo(): ApiErrorInfo {
    return {
      kind: this.kind,
      message: this.message,
      ...(this.details.status !== undefined ? { status: this.details.status } : {}),
      ...(this.details.retryAfterMs !== undefined ? { retryAfterMs: this.details.retryAfterMs } : {}),
    };
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** The server's own reason from the body shapes OpenHands uses: `{detail}`, `{error}`, `{message}`. */
export function serverReason(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim().slice(0, 300) || undefined;
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  for (const key of ['detail', 'error', 'message']) {
    const value = record[key];
    if (typeof value === 'string' && value.trim()) return value.trim().slice(0, 300);
    // FastAPI validation errors: [{loc, msg}]
    if (Array.isArray(value) && value.length > 0) {
      const first = value[0] as { loc?: unknown; msg?: unknown };
      if (typeof first.msg === 'string') {
        const loc = Array.isArray(first.loc)
          ? first.loc.filter((p) => p !== 'body' && p !== 'query').join('.')
          : '';
        return loc ? `${loc}: ${first.msg}` : first.msg;
      }
    }
  }
  return undefined;
}

/**
 * Maps an HTTP error status to the taxonomy; `server` names the server in messages ("localhost:3000").
 * `location` is a redirect's Location header, resolved against `requestUrl`.
 */
export function errorForStatus(
  status: number,
  body: unknown,
  server: string,
  retryAfterMs: number | undefined,
  redirect?: { location: string | null; requestUrl: string },
): ApiError {
  if (status >= 300 && status < 400) return redirectError(status, server, redirect);
  const reason = serverReason(body);
  const details = {
    status,
    ...(reason ? { serverDetail: reason } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
  const why = reason ? ` (${reason})` : '';
  if (status === 401)
    return new ApiError(
      'unauthorized',
      `${server} did not accept the API key. Check the key in the server's settings.${why}`,
      details,
    );
  if (status === 403)
    return new ApiError('forbidden', `${server} refused access with this key${why}.`, details);
  if (status === 404) return new ApiError('not-found', `${server} has no such item${why}.`, details);
  if (status === 409)
    return new ApiError('conflict', `${server} refused because of the current state${why}.`, details);
  if (status === 429) {
    const wait =
      retryAfterMs !== undefined ? ` Try again in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s.` : '';
    return new ApiError('rate-limited', `${server} is limiting requests.${wait}`, details);
  }
  if (status === 400 || status === 422 || status === 413)
    return new ApiError('bad-request', `${server} rejected the request${why}.`, details);
  if (status >= 500)
    return new ApiError('server-error', `${server} had an internal error (HTTP ${status})${why}.`, details);
  return new ApiError(
    'invalid-response',
    `${server} answered with unexpected HTTP ${status}${why}.`,
    details,
  );
}

/**
 * A 3xx. Redirects are never followed: the key would go wherever the server (or a proxy in front of it) points,
 * which the user never entered. The server answered, so this is not "offline"; what it sends is not usable.
 */
function redirectError(
  status: number,
  server: string,
  redirect: { location: string | null; requestUrl: string } | undefined,
): ApiError {
  let target = '';
  try {
    if (redirect?.location) {
      // Origin and path only: a query may carry a token of the login page it points at.
      const url = new URL(redirect.location, redirect.requestUrl);
      target = ` to ${url.origin}${url.pathname}`;
    }
  } catch {
    // An unreadable Location: say only that it redirects.
  }
  return new ApiError(
    'invalid-response',
    `${server} redirects${target} (HTTP ${status}) instead of answering. If the server has moved, change its address in Servers; the app does not follow redirects, so the API key only goes to the address you entered.`,
    { status },
  );
}
