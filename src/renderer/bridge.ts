// The page's one way to main: `window.openhands` (the preload's bridge, or browser mode's). Calls answer
// `{ ok, data } | { ok: false, error }`; `unwrap` turns a failure into a BridgeCallError for stores to show.
import type { BridgeError, BridgeResult, OpenHandsBridge } from '../shared/bridge/contract';

export function bridge(): OpenHandsBridge {
  return window.openhands;
}

export class BridgeCallError extends Error {
  readonly code: string;
  readonly fields: { field: string; message: string }[];

  constructor(error: BridgeError) {
    super(error.message);
    this.name = 'BridgeCallError';
    this.code = error.code;
    this.fields = error.fields ?? [];
  }
}

export async function unwrap<T>(call: Promise<BridgeResult<T>>): Promise<T> {
  const result = await call;
  if (!result.ok) throw new BridgeCallError(result.error);
  return result.data;
}

/** A sentence for the user from anything a call threw. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
