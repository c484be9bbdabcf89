/**
 * The agent server's `X-Session-API-Key` header, or none for an open server (one run without
 * SESSION_API_KEY): an empty header would read as a wrong key.
 */
export function sessionKeyHeader(key: string | undefined): Record<string, string> {
  return key ? { 'x-session-api-key': key } : {};
}
