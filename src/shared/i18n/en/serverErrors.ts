// Main process: what the OpenHands server and agent-server clients tell the user when a call cannot be made or
// its answer cannot be used (src/main/api/openhands-server.ts, app-server-client.ts, agent-server-client.ts).
// `{server}` / `{host}` name the server, `{id}` is a short conversation id, `{reason}` is the server's own words.
export const serverErrors = {
  // Starting a conversation
  startCancelled: 'The start was cancelled.',
  startFollowCancelled: 'Following the start was cancelled.',
  startBrokeOff: '{server} broke off the start.',
  startBrokeOffBecause: '{server} broke off the start: {reason}.',
  startStoppedReporting: "{server} stopped reporting the start's progress.",
  startTaskUnreadable: '{server} streamed a start task this app cannot read.',
  startTaskNone: '{server} streamed no start task.',
  startTaskGone: 'The start task disappeared from the server.',
  startTimeout_one: 'The conversation did not start within {count} minute.',
  startTimeout_other: 'The conversation did not start within {count} minutes.',
  startFailed: 'The conversation could not start: {reason}.',
  startFailedNoReason: 'The conversation could not start: the server gave no reason.',

  // The conversation's sandbox, when its agent cannot be reached
  sandboxStarting: "The conversation's sandbox is starting; resume it to reach the agent.",
  sandboxRunning: "The conversation's sandbox is running; resume it to reach the agent.",
  sandboxPaused: "The conversation's sandbox is paused; resume it to reach the agent.",
  sandboxError: "The conversation's sandbox is error; resume it to reach the agent.",
  sandboxMissing: "The conversation's sandbox is missing; resume it to reach the agent.",
  sandboxUnknown: "The conversation's sandbox is unknown; resume it to reach the agent.",
  sandboxNotRunningYet: 'The conversation has no running sandbox yet; resume it to reach the agent.',
  sandboxNoneYet: 'The conversation {id} has no sandbox yet.',
  sandboxResumeError: "The conversation's sandbox could not be resumed (error).",
  sandboxResumeMissing: "The conversation's sandbox could not be resumed (missing).",
  sandboxResumeTimeout: "The conversation's sandbox did not come back within {minutes} min.",

  // Resuming the agent (HTTP 409 from the agent server)
  credentialsActivating: 'The agent server is still activating the credentials; resume waits.',
  credentialsActivatingBecause:
    'The agent server is still activating the credentials; resume waits. ({reason})',
  previousStep: 'The agent is still finishing its previous step; resume waits.',
  previousStepBecause: 'The agent is still finishing its previous step; resume waits. ({reason})',

  // What the app refuses before sending
  emptyMessage: 'A message cannot be empty.',
  titleLength: 'A title needs 1 to 200 characters.',
  confirmationNeedsV1: 'Confirmation needs the V1 API.',
  downloadsNeedV1: 'Downloads need the V1 API.',
  binaryLegacyUpload: '{name} is binary; legacy (V0) servers corrupt binary uploads, so it was not sent.',
  notAnEventPage: '"{page}" is not a page of this conversation\'s events.',
  requestCancelled: 'The request was cancelled.',

  // Answers the app cannot use
  noConversation: '{server} has no conversation {id}.',
  unreadableRow: '{server} sent an unreadable row for {id}.',
  unreadableResponse: '{host} sent a response this app cannot read.',
  notOpenHands: '{server} answered, but not as an OpenHands server (no conversation list).',
  unexpectedDeleteAnswer: '{server} answered the delete with something unexpected.',
  unexpectedUploadAnswer: '{server} answered the upload with something unexpected.',
  unknownEventsForm: '{server} sent events in a form this app does not know.',

  // Bare agent servers
  agentServerTooOld:
    "{server} runs agent server {version}; this app needs {min} or newer (as OpenHands' own app does). Update the agent server.",
  workingDirRequired: 'Choose the folder on {server} the agent should work in.',
  notAgentServer: '{server} is not an agent server.',
  noSandboxes: '{server} is an agent server: it has no sandboxes to pause or resume.',
  folderUnreadable: '{server} could not list {path}: {reason}',
};
