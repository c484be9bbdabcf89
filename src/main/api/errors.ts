// The messages are in the app's language at the moment the error is made (catalog area `apiErrors`).
import type { ApiErrorInfo, ApiErrorKind } from '../../shared/api-errors';
import type { MessageKey, Params } from '../../shared/i18n/translator';
import { t } from '../i18n';

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
  // Each message whole, with and without the server's reason (word order differs between languages).
  const say = (plain: MessageKey, because: MessageKey, params: Params = {}): string =>
    reason ? t(because, { server, reason, ...params }) : t(plain, { server, ...params });
  if (status === 401)
    return new ApiError(
      'unauthorized',
      say('apiErrors.unauthorized', 'apiErrors.unauthorizedBecause'),
      details,
    );
  if (status === 403)
    return new ApiError('forbidden', say('apiErrors.forbidden', 'apiErrors.forbiddenBecause'), details);
  if (status === 404)
    return new ApiError('not-found', say('apiErrors.notFound', 'apiErrors.notFoundBecause'), details);
  if (status === 409)
    return new ApiError('conflict', say('apiErrors.conflict', 'apiErrors.conflictBecause'), details);
  if (status === 429) {
    const message =
      retryAfterMs !== undefined
        ? t('apiErrors.rateLimitedRetry', { server, seconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) })
        : t('apiErrors.rateLimited', { server });
    return new ApiError('rate-limited', message, details);
  }
  if (status === 400 || status === 422 || status === 413)
    return new ApiError('bad-request', say('apiErrors.badRequest', 'apiErrors.badRequestBecause'), details);
  if (status >= 500)
    return new ApiError(
      'server-error',
      say('apiErrors.serverError', 'apiErrors.serverErrorBecause', { status }),
      details,
    );
  return new ApiError(
    'invalid-response',
    say('apiErrors.unexpectedStatus', 'apiErrors.unexpectedStatusBecause', { status }),
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
  let target: string | undefined;
  try {
    if (redirect?.location) {
      // Origin and path only: a query may carry a token of the login page it points at.
      const url = new URL(redirect.location, redirect.requestUrl);
      target = `${url.origin}${url.pathname}`;
    }
  } catch {
    // An unreadable Location: say only that it redirects.
  }
  return new ApiError(
    'invalid-response',
    target === undefined
      ? t('apiErrors.redirect', { server, status })
      : t('apiErrors.redirectTo', { server, target, status }),
    { status },
  );
}
