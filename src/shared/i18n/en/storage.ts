// Main process: a write to the app's data folder failed (storage-errors.ts).
export const storage = {
  diskFull:
    'The disk is full: the app could not save its data. Free some space; nothing already saved is lost.',
  readOnly:
    'The app’s data folder cannot be written ({dir}). The app runs read-only: what is saved is shown, but nothing new can be queued or saved until the folder can be written again.',
};
