// Main process: what "Test connection" says (test-connection.ts): the report's one-sentence summary, and the
// few problems it makes itself. `{host}` is the server's host name; `{message}` an ApiError's message (area
// `apiErrors`, already in the same language), whole sentences ending in their own full stop.
export const connection = {
  // The key was refused
  keyRefusedCloud:
    'OpenHands Cloud did not accept this API key: it may be mistyped, expired or revoked. Create a new one in the Cloud settings.',
  keyNeededCloud:
    'OpenHands Cloud needs an API key: create one in the Cloud settings and add it to this server.',
  keyMismatch: '{host} is protected by SESSION_API_KEY and the key you entered does not match it.',
  keyNeeded: "{host} is protected by SESSION_API_KEY: enter that value as this server's API key.",
  /** `{host}` is "OpenHands Cloud" for Cloud. */
  forbidden:
    '{host} recognised the key but refused access (for Cloud: verify your email and accept the terms in the web app).',

  // Not the right kind of server, or not reachable
  agentTooOld:
    "{host} is an OpenHands agent server {version}; this app needs {min} or newer, as OpenHands' own app does. Update the agent server.",
  agentStarting:
    '{host} is an OpenHands agent server {version} that is still starting (it says it is not ready). Try again in a moment.',
  agentNotInitialised:
    '{host} is an OpenHands agent server {version} waiting to be initialised (deferred init): whoever runs it has to finish its set-up (POST /api/init) before it can be used.',
  agentKeyMismatch: '{host} is an OpenHands agent server and the key you entered is not its SESSION_API_KEY.',
  agentKeyNeeded:
    "{host} is an OpenHands agent server protected by SESSION_API_KEY: enter that value as this server's API key.",
  notOpenHands: '{host} answered, but it does not look like an OpenHands server.',
  notChecked: '{host} could not be checked.',
  unreachable: 'Could not reach {host}: {message} Check the URL and that the server is running.',
  timedOut:
    '{host} did not finish answering within {seconds} s. It may be overloaded, or something between you and it holds requests open; check the URL and try again.',
  cancelled: 'The check was cancelled.',
  answeredError: '{host} answered with an error: {message}',
  capabilitiesUnreadable: '{host} is reachable but its capabilities could not be read: {message}',
  listingFailed: '{host} is reachable but listing conversations failed: {message}',

  // It works
  connectedCloud: 'Connected to OpenHands Cloud (V1 API).',
  connectedCloudAgent: 'Connected to OpenHands Cloud (V1 API, agent server {version}).',
  connectedCloudLegacy: 'Connected to OpenHands Cloud (legacy V0 API only).',
  connectedSelfHosted: 'Connected to self-hosted OpenHands at {host} (V1 API).',
  connectedSelfHostedAgent: 'Connected to self-hosted OpenHands at {host} (V1 API, agent server {version}).',
  connectedSelfHostedLegacy: 'Connected to self-hosted OpenHands at {host} (legacy V0 API only).',
  connectedAgentServer: 'Connected to the OpenHands agent server at {host} (version {version}).',
};
