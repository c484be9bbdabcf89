// Main process: user-facing errors and labels made outside the API client — uploads (src/main/uploads/*),
// the live event stream (src/main/live/event-stream.ts, stream-manager.ts), accounts and the keychain
// (src/main/accounts/*), the server registry (src/main/servers/server-registry.ts), the outbox
// (src/main/outbox/outbox.ts, executors.ts), browser mode's web server (src/main/web/web-server.ts) and the
// bridge's fallbacks (src/main/bridge/dispatch.ts). File names, paths, server text and ids are params.
export const mainErrors = {
  // upload-plans.ts
  uploadPlanGone: 'That upload is no longer waiting to start; drop the files again.',
  uploadUnstagedRefused:
    'In browser mode, only files the page itself sends can be uploaded: drop or pick them in the page.',
  // upload-runner.ts
  uploadCancelled: 'The upload of {name} was cancelled.',
  uploadUnreadable: '{name} can no longer be read ({detail}), so it was not uploaded.',
  uploadNotAFile: '{name} is no longer a file, so it was not uploaded.',
  uploadChanged:
    '{name} changed since it was queued (size or modification time differ), so it was not uploaded; add it again to send the current version.',
  // upload-plan.ts: why a dropped item was skipped (shown after its path)
  skipNoPermission: 'cannot be read: permission denied',
  skipGone: 'cannot be read: no longer exists',
  skipUnreadable: 'cannot be read: {detail}',
  skipFolderNoPermission: 'folder cannot be read: permission denied',
  skipFolderGone: 'folder cannot be read: no longer exists',
  skipFolderUnreadable: 'folder cannot be read: {detail}',
  skipDuplicate: 'would overwrite {earlier} (same name at {remotePath})',
  skipBrokenLink: 'symbolic link to nothing',
  skipLinkOutside: 'symbolic link pointing outside the folder',
  skipLinkNotFile: 'symbolic link to a folder or special file (not followed)',
  skipSpecialFile: 'not a regular file (socket, FIFO or device)',
  // upload-staging.ts (browser mode)
  stagedNameMissing: 'A staged file needs a name.',
  stagedNameAbsolute: 'A staged file name must be relative.',
  stagedNameBadParts: 'A staged file name may not contain empty, "." or ".." parts.',
  stagedTooDeep: 'That folder is nested too deeply.',
  stagedTooLarge: 'The file is larger than the staging limit.',
  stagedQuota:
    'There is no more room for staged uploads: wait for the current uploads to finish, or upload fewer files at once.',
  stagedTooManyStages: 'Too many uploads are being prepared at once; try again shortly.',
  stagedGone: 'That upload is no longer being prepared; drop the files again.',
  stagedTooManyFiles: 'Too many files in one drop.',
  stagedOutside: 'A staged file must stay inside its folder.',
  stagedDuplicate: '{name} was already staged.',
  stagedFolderConflict: '{name} cannot be staged: a part of its folder is already a staged file.',
  // event-stream.ts, stream-manager.ts
  streamClosed: 'The stream was closed.',
  pagingNeedsV1: 'Event paging needs the V1 API.',
  // secret-store.ts
  keychainModuleMissing:
    'The system keychain cannot be used because its support module (keytar) is not installed or could not be loaded, so API keys are kept for this session only until it works. You can keep the key for this session only; you will need to enter it again after restarting OpenHands Desktop. To fix it in a development install: on Debian/Ubuntu run `sudo apt-get install libsecret-1-dev pkg-config`, then `npm rebuild keytar`.',
  keychainLocked:
    'The system keychain is locked, so OpenHands Desktop cannot read or save API keys. Unlock it (on Linux: the login keyring, for example in Passwords and Keys, or by logging in again); the app uses it again as soon as it is unlocked. Nothing is sent to a server without its key meanwhile.',
  keychainUnreachable:
    'The system keychain could not be reached, so the API key cannot be saved securely. On Linux this usually means no keyring service (such as GNOME Keyring or KWallet) is running in your session. You can keep the key for this session only; you will need to enter it again after restarting OpenHands Desktop.',
  keychainTimeout:
    'The system keychain did not respond in time (it may be locked and waiting for your password). You can keep the key for this session only; you will need to enter it again after restarting OpenHands Desktop.',
  // account-service.ts
  serversFileDamaged:
    'Your saved servers could not be read because the settings file is damaged. It was kept as "{file}" and the app started with no servers; add them again.',
  serversFileUnreadable:
    'Your saved servers could not be read ({detail}). Changes to servers cannot be saved until this is fixed and the app is restarted.',
  serverGone: 'That server no longer exists.',
  serversSaveFailed: 'Your server settings could not be saved ({detail}).',
  // server-registry.ts
  serverNotConfigured: 'That server is no longer configured.',
  invalidServerAddress: 'That is not a valid http(s) server address.',
  orgRefused:
    '{where} refused the organization saved for this server (you may no longer be a member of it). Pick one of your organizations and save.',
  // outbox.ts
  outboxCancelled: 'Cancelled.',
  outboxClosing: 'The app is closing.',
  outboxUncertain:
    '{error} The server may or may not have received this; nothing was resent. Retry sends it again.',
  // executors.ts: one line per queued action ({text}, {title}, {path}: the user's own, cut short)
  summaryCreate: 'New conversation',
  summaryCreateWith: 'New conversation: {text}',
  summarySend: 'Send: {text}',
  summaryPauseAgent: 'Pause the agent',
  summaryResumeAgent: 'Resume the agent',
  summaryPauseSandbox: 'Pause the sandbox',
  summaryResumeSandbox: 'Resume the sandbox',
  summaryStop: 'Stop the conversation',
  summaryRename: 'Rename to "{title}"',
  summaryDelete: 'Delete the conversation',
  summaryAccept: 'Accept the pending action',
  summaryReject: 'Reject the pending action',
  summaryUpload: 'Upload {path}',
  // web-server.ts (browser mode)
  webFileNotStored: 'The file could not be stored.',
  webUploadForbidden: 'In browser mode, only files the page itself sends can be uploaded.',
  webInternal: 'Something went wrong in the app.',
  webOpenTokenAddress: 'Open the address printed by `npm run web` (it carries the token).',
  // dispatch.ts
  bridgeInternal: 'Something went wrong in the app. Details are in the log.',
  bridgeInvalidInput: 'Invalid input.',
};
