import { ipcMain, type WebContents } from 'electron';
import { allInvokeChannels, eventChannel, type EventName } from '../../shared/bridge/channels';
import type { Dispatch } from '../bridge/dispatch';

/**
 * Registers a handler for every invoke channel of the contract — the only place that touches ipcMain.
 * Each call is answered only for our own page (the sender frame's URL is checked); the dispatcher then
 * validates the input and wraps the result.
 */
export function registerIpc(dispatch: Dispatch, isTrustedSender: (frameUrl: string) => boolean): () => void {
  const channels = allInvokeChannels();
  for (const channel of channels) {
    ipcMain.handle(channel, async (event, input: unknown) => {
      const url = event.senderFrame?.url ?? '';
      if (!isTrustedSender(url))
        return {
          ok: false,
          error: { code: 'forbidden-sender', message: 'This page may not use the app bridge.' },
        };
      return dispatch(channel, input);
    });
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}

/** Pushes an event to the page, if it is still there. */
export function sendEvent(contents: WebContents | null | undefined, name: EventName, payload: unknown): void {
  if (contents && !contents.isDestroyed()) contents.send(eventChannel(name), payload);
}
