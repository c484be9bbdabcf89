// Updates: UpdateService in main (src/main/updates) and the update banner in the renderer.
export const updates = {
  failed: 'Could not check for updates. The app keeps working; it tries again tomorrow.',
  checking: 'Checking for updates…',
  upToDate: 'OpenHands Desktop {version} is up to date.',
  downloading: 'Downloading update {version}: {percent}%',
  ready: 'Update ready: version {version}. Restart to use it.',
  restart: 'Restart',
  waitingForOutbox: 'Restarting once the action being sent has reached its server…',
  dismiss: 'Dismiss',
  region: 'Updates',
};
