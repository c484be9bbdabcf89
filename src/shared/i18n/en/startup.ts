// Main process: the dialog shown when the app cannot start (src/main/shell/startup-failure.ts). The body is one
// of the first three texts, then `log`.
export const startup = {
  title: 'OpenHands Desktop could not start',
  storage:
    'Its data folder cannot be used: {dir}\n\nCheck that the disk has free space and that the folder belongs to you and can be written, then start the app again. To start with another folder: --user-data-dir=<folder>.',
  keychain:
    'The system keychain did not answer (it may be locked and waiting for your password).\n\nUnlock it, then start the app again.',
  other: 'Something failed while starting: {reason}',
  log: '\n\nDetails are in the log: {file}',
};
