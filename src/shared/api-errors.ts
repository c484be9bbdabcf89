// The one taxonomy of failures talking to an OpenHands server. Main builds these; the renderer shows
// `message` and decides on actions (retry, re-enter key, wait) from `kind`.

export const API_ERROR_KINDS = [
  /** Nothing answered: DNS, refused connection, reset, no network. */
  'offline',
  'timeout',
  /** 401: missing or wrong API key (or session key). */
  'unauthorized',
  /** 403: the key is valid but not allowed (e.g. Cloud email not verified). */
  'forbidden',
  'not-found',
  /** 429: wait `retryAfterMs`. */
  'rate-limited',
  /** 5xx. */
  'server-error',
  /** The server answered something we cannot use: malformed JSON, wrong types, too large. */
  'invalid-response',
  /** 409 or a server-side limit (too many running conversations). */
  'conflict',
  /** 400/422: the server refused the request as sent. */
  'bad-request',
  /** The sandbox is paused or stopped, so its agent server cannot be reached (null session key). */
  'sandbox-not-running',
  /** Cancelled by the app or the user. */
  'aborted',
  /** This computer's disk is full (ENOSPC): the app could not save (outbox, cache, settings). */
  'disk-full',
  /** The app's data folder cannot be written (read-only disk, permissions): the app runs read-only. */
  'read-only',
  /** The server's API key could not be read from the system keychain (locked, or not answering): nothing was sent. */
  'keychain',
] as const;

export type ApiErrorKind = (typeof API_ERROR_KINDS)[number];

/** Kinds that say the server gave no usable answer at all: it counts as Offline, and is probed for. */
export const NO_ANSWER_KINDS: readonly ApiErrorKind[] = ['offline', 'timeout', 'server-error'];

/** Kinds that come from this computer, not from an answer (or silence) of the server. */
export const LOCAL_ERROR_KINDS: readonly ApiErrorKind[] = ['disk-full', 'read-only', 'keychain'];

/** What crosses the bridge: plain data, no stack, never a key. */
export interface ApiErrorInfo {
  kind: ApiErrorKind;
  message: string;
  status?: number;
  retryAfterMs?: number;
}
