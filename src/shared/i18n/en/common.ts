export const common = {
  appName: 'OpenHands Desktop',
  save: 'Save',
  cancel: 'Cancel',
  close: 'Close',
  retry: 'Retry',
  delete: 'Delete',
  confirm: 'Confirm',
  loading: 'Loading…',
  offlineBanner: 'Offline: {servers} cannot be reached. Actions are queued and sent when it is back.',
  offlineBannerAll: 'You are offline. Actions are queued and sent when the server is back.',
  lastSynced: 'Last synced {when}.',
  disconnected: 'The app is not running: this page lost its connection to it. Reconnecting…',
  notAnswering: 'The app is not answering. Waiting for it…',
  storageReadOnly:
    'Read-only: the app’s data folder cannot be written. What was saved is shown, but new actions cannot be queued and settings cannot be saved until the folder can be written again. Nothing saved is lost.',
  storageDiskFull:
    'The disk is full: the app cannot save. Free some space; new actions cannot be queued until then. Nothing saved is lost.',
  disconnectedDetail:
    'What is on screen may be out of date, and nothing you do here reaches a server until it is back. Actions already queued are saved and are sent when the app runs again.',
  online: 'Online',
  offline: 'Offline',
  unknownHealth: 'Checking…',
  navConversations: 'Conversations',
  navServers: 'Servers',
  navSettings: 'Settings',
  pendingActions: 'Pending actions ({count})',
  justNow: 'just now',
};
