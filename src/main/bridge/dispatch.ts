import { z } from 'zod';
import { INVOKE_METHODS, type InvokeNamespace } from '../../shared/bridge/channels';
import { type BridgeError, type BridgeResult, INVOKE_SCHEMAS } from '../../shared/bridge/contract';
import { describeProblems } from '../../shared/servers';
import { AccountError } from '../accounts/account-service';
import { KeychainUnavailableError } from '../accounts/secret-store';
import { isApiError } from '../api/errors';
import { t } from '../i18n';
import type { Logger } from '../logger';
import type { BridgeHandlers } from './handlers';

export type Dispatch = (channel: string, input: unknown) => Promise<BridgeResult<unknown>>;

/** Turns anything a handler throws into plain data for the renderer: a code and a sentence, no stack. */
export function toBridgeError(error: unknown, logger: Logger): BridgeError {
  if (isApiError(error)) return { code: error.kind, message: error.message };
  if (error instanceof AccountError)
    return {
      code: error.code,
      message: error.message,
      ...(error.problems.length ? { fields: [...error.problems] } : {}),
    };
  if (error instanceof KeychainUnavailableError)
    return { code: 'keychain-unavailable', message: error.message };
  logger.error(
    `bridge: unexpected ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
  );
  return { code: 'internal', message: t('mainErrors.bridgeInternal') };
}

/**
 * The one wrapper every channel goes through (transport-neutral: Electron IPC and browser mode use it):
 * unknown channel → error; input validated with the contract's schema; the handler's result or error
 * wrapped as `{ ok, data } | { ok: false, error }` — never a thrown Error across the bridge.
 */
export function createDispatch(handlers: BridgeHandlers, logger: Logger): Dispatch {
  return async (channel, input) => {
    const [namespace, method] = channel.split(':') as [string, string | undefined];
    const methods = Object.hasOwn(INVOKE_METHODS, namespace)
      ? (INVOKE_METHODS[namespace as InvokeNamespace] as readonly string[])
      : [];
    if (!method || !methods.includes(method))
      return {
        ok: false,
        error: { code: 'unknown-channel', message: `No such bridge method: ${channel.slice(0, 80)}.` },
      };
    const ns = namespace as InvokeNamespace;
    const entry = (INVOKE_SCHEMAS[ns] as Record<string, { input: z.ZodType }>)[method]!;
    const parsed = entry.input.safeParse(input);
    if (!parsed.success) {
      const fields = ns === 'servers' ? serverFormProblems(parsed.error) : genericProblems(parsed.error);
      return {
        ok: false,
        error: {
          code: 'invalid-input',
          message: fields.map((f) => f.message).join(' ') || t('mainErrors.bridgeInvalidInput'),
          fields,
        },
      };
    }
    const handler = (handlers[ns] as Record<string, (value: unknown) => Promise<unknown>>)[method]!;
    try {
      return { ok: true, data: await handler(parsed.data) };
    } catch (error) {
      return { ok: false, error: toBridgeError(error, logger) };
    }
  };
}

/** Server forms nest their fields under `server` / `patch`; their problems are reported per form field. */
function serverFormProblems(error: z.ZodError): { field: string; message: string }[] {
  const flat = new z.ZodError(
    error.issues.map((issue) =>
      issue.path[0] === 'server' || issue.path[0] === 'patch'
        ? { ...issue, path: issue.path.slice(1) }
        : issue,
    ),
  );
  return describeProblems(flat);
}

/** Other inputs: the first problems as "where: what" (never the value, which could be a secret). */
function genericProblems(error: z.ZodError): { field: string; message: string }[] {
  return error.issues.slice(0, 5).map((issue) => {
    const field = issue.path.map(String).join('.');
    return { field, message: field ? `${field}: ${issue.message}` : issue.message };
  });
}
