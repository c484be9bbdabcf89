// Main process: the text of native notifications (src/main/notify/notification-model.ts). A notification about
// one conversation has its title as title and one of the first texts as body; a coalesced one (two or more
// conversations of one kind) has a `many…` title and their names as body.
export const notifications = {
  needsConfirmation: 'Needs your confirmation to continue',
  waitingForInput: 'Waiting for your input',
  error: 'Stopped with an error',
  startFailed: 'Could not start',
  finished: 'Finished',
  manyNeedsConfirmation_one: '{count} conversation needs your confirmation',
  manyNeedsConfirmation_other: '{count} conversations need your confirmation',
  manyWaitingForInput_one: '{count} conversation is waiting for your input',
  manyWaitingForInput_other: '{count} conversations are waiting for your input',
  manyError_one: '{count} conversation stopped with an error',
  manyError_other: '{count} conversations stopped with an error',
  manyStartFailed_one: '{count} conversation could not start',
  manyStartFailed_other: '{count} conversations could not start',
  manyFinished_one: '{count} conversation finished',
  manyFinished_other: '{count} conversations finished',
  untitled: 'Untitled conversation',
  /** Between the names in a coalesced notification's body. */
  listSeparator: ', ',
  /** The body when there are more names than fit. */
  andMore: '{list} and {n} more',
};
