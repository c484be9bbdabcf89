// Main process: the ApiError messages of any call to a server — errors.ts (errorForStatus, redirectError),
// http-client.ts (timeouts, network failures and their reasons, unreadable answers), ids.ts (ids checked
// before they go into a URL), file-transfer.ts (uploads and downloads), agent-address.ts (agent addresses a
// server gives) and json-array-stream.ts (a streamed answer that breaks off). `{server}` is a host name
// ("localhost:3000"); `{reason}` is the server's own words, shown as it sent them.
export const apiErrors = {
  // errors.ts: an HTTP error status
  unauthorized: "{server} did not accept the API key. Check the key in the server's settings.",
  unauthorizedBecause:
    "{server} did not accept the API key. Check the key in the server's settings. ({reason})",
  forbidden: '{server} refused access with this key.',
  forbiddenBecause: '{server} refused access with this key ({reason}).',
  notFound: '{server} has no such item.',
  notFoundBecause: '{server} has no such item ({reason}).',
  conflict: '{server} refused because of the current state.',
  conflictBecause: '{server} refused because of the current state ({reason}).',
  rateLimited: '{server} is limiting requests.',
  rateLimitedRetry: '{server} is limiting requests. Try again in {seconds} s.',
  badRequest: '{server} rejected the request.',
  badRequestBecause: '{server} rejected the request ({reason}).',
  serverError: '{server} had an internal error (HTTP {status}).',
  serverErrorBecause: '{server} had an internal error (HTTP {status}) ({reason}).',
  unexpectedStatus: '{server} answered with unexpected HTTP {status}.',
  unexpectedStatusBecause: '{server} answered with unexpected HTTP {status} ({reason}).',
  redirect:
    '{server} redirects (HTTP {status}) instead of answering. If the server has moved, change its address in Servers; the app does not follow redirects, so the API key only goes to the address you entered.',
  redirectTo:
    '{server} redirects to {target} (HTTP {status}) instead of answering. If the server has moved, change its address in Servers; the app does not follow redirects, so the API key only goes to the address you entered.',

  // http-client.ts
  /** How a message names a server whose address cannot be read. */
  theServer: 'the server',
  cancelled: 'The request was cancelled.',
  timeout: '{server} did not answer within {seconds} s.',
  unreachable: '{server} could not be reached: {reason}.',
  brokeOff: '{server} broke off the response: {reason}.',
  unreadable: '{server} sent a response this app cannot read: {issue}.',
  unreadableAt: '{server} sent a response this app cannot read at {path}: {issue}.',
  unreadableIssue: 'invalid',
  malformedJson: '{server} sent malformed JSON.',
  tooLarge: '{server} sent a response larger than {mb} MB; it was refused.',
  // Why a connection failed (the reason in `unreachable` / `brokeOff`).
  reasonRefused: 'nothing is listening there (connection refused)',
  reasonUnresolved: 'the host name could not be resolved',
  reasonReset: 'the connection was reset',
  reasonTimedOut: 'the connection timed out',
  reasonNetwork: 'network error',

  // ids.ts
  invalidConversationId: '{value} is not a valid conversation id.',
  invalidStartTaskId: '{value} is not a valid start task id.',
  invalidSandboxId: '{value} is not a valid sandbox id.',

  // file-transfer.ts
  notAbsolutePath: '"{path}" is not an absolute path in the workspace.',
  dotSegments: '"{path}" may not contain "." or ".." segments.',
  cannotReadFile: 'Cannot read {file}: {reason}',
  notAFile: '{file} is not a file.',
  transferCancelled: 'The transfer was cancelled.',
  transferStalled: '{server} stopped responding during the transfer.',
  transferFailed: 'The connection to {server} failed during the transfer ({code}).',
  downloadEndedEarly: 'The download from {server} ended early.',

  // agent-address.ts: `{reason}` is one of the agentReason… clauses, `{hint}` empty or agentHostHint.
  invalidAgentAddress:
    "Invalid agent address from {server}: {reason}. The app only talks to agents over http or https on the server's own host or a host allowed for it.{hint}",
  agentReasonNotUrl: 'it is not a URL',
  agentReasonNotHttp: '{protocol} is not http or https',
  agentReasonCredentials: 'it carries a user name or password',
  agentReasonHost: "{host} is not the server's host ({appHost}) or one allowed for it",
  agentReasonEmptyHost: "an empty host is not the server's host ({appHost}) or one allowed for it",
  agentHostHint:
    ' If this server\'s agents really run on {host}, allow that host under Servers → Edit → "Agent hosts".',

  // json-array-stream.ts: the reason a streamed answer could not be read
  streamUnexpected: 'unexpected {char} in a streamed JSON array',
  streamElementTooLarge: 'streamed JSON element too large',
  streamEndedEarly: 'the streamed JSON array ended early',
};
