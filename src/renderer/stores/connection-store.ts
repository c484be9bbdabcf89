// Whether the page can reach main. Only browser mode can lose it (its bridge is a WebSocket that outlives
// nothing: when `npm run web` stops, the page stays); in Electron the window goes with main, so this stays
// `connected`. The web bridge reports here; the connection banner and a resync after reconnecting read it.
import { create } from 'zustand';

export type BridgeConnection =
  /** Before the first answer. */
  | 'connecting'
  | 'connected'
  /** The socket closed: main stopped or restarted. Reconnecting with backoff. */
  | 'lost'
  /** The socket is open but a call went unanswered for its whole timeout: main is stuck. */
  | 'not-answering';

interface ConnectionState {
  state: BridgeConnection;
  /** How many times the page got the connection back after losing it (a resync is due after each). */
  reconnects: number;
  set(next: BridgeConnection): void;
}

export const useConnectionStore = create<ConnectionState>((set, get) => ({
  state: 'connecting',
  reconnects: 0,
  set(next) {
    const { state, reconnects } = get();
    if (next === state) return;
    const back = next === 'connected' && (state === 'lost' || state === 'not-answering');
    set({ state: next, reconnects: back ? reconnects + 1 : reconnects });
  },
}));
