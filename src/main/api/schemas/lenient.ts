import { z } from 'zod';
import { consoleLogger, type Logger } from '../../logger';

let log: Logger = consoleLogger;
const reported = new Set<string>();

/** Where unknown enum values are reported (once per field and value). */
export function setSchemaLogger(logger: Logger): void {
  log = logger;
}

/**
 * An enum that tolerates values from newer servers: anything outside `values` becomes 'unknown' and is
 * logged once, instead of failing the whole response.
 */
export function lenientEnum<const T extends readonly string[]>(field: string, values: T) {
  return z.string().transform((value): T[number] | 'unknown' => {
    if ((values as readonly string[]).includes(value)) return value;
    const key = `${field}=${value}`;
    if (!reported.has(key)) {
      reported.add(key);
      log.warn(`unknown ${field} value from server: ${JSON.stringify(value.slice(0, 60))}`);
    }
    return 'unknown';
  });
}

/** Why a row was dropped, said once per row shape so a bad server does not flood the log. */
function reportBadRow(where: string, error: z.ZodError): void {
  const first = error.issues[0];
  const key = `${where}:${first?.path.join('.') ?? ''}:${first?.code ?? ''}`;
  if (reported.has(key)) return;
  reported.add(key);
  log.warn(
    `dropped a malformed ${where} row from the server: ${first?.path.join('.') || '(row)'}: ${first?.message ?? 'invalid'}`,
  );
}

/**
 * A list whose rows are parsed one by one: a row that does not fit `item` is dropped (and logged once), so
 * one bad or newer row never fails the whole page.
 */
export function lenientArray<T extends z.ZodType>(item: T, where: string) {
  return z.array(z.unknown()).transform((rows) =>
    rows.flatMap((row): z.infer<T>[] => {
      const parsed = item.safeParse(row);
      if (parsed.success) return [parsed.data];
      reportBadRow(where, parsed.error);
      return [];
    }),
  );
}

/** `{items, next_page_id}`, the V1 page shape; `next_page_id` may be missing or null. */
export function page<T extends z.ZodType>(item: T, where = 'list') {
  return z.object({
    items: lenientArray(item, where),
    next_page_id: z
      .string()
      .nullish()
      .transform((v) => v ?? null),
  });
}

/** A batch row: the item, `null` when the server has no such id, `undefined` when its row was malformed. */
export type BatchRow<T> = T | null | undefined;

/**
 * Batch gets answer `null` for unknown ids, in the order asked. A row that is there but malformed reads as
 * `undefined` ("could not read it this time"), never as `null` ("gone"), so a bad row never deletes anything.
 */
export function batch<T extends z.ZodType>(item: T, where = 'batch') {
  return z.array(z.unknown()).transform((rows) =>
    rows.map((row): BatchRow<z.infer<T>> => {
      if (row === null) return null;
      const parsed = item.safeParse(row);
      if (parsed.success) return parsed.data;
      reportBadRow(where, parsed.error);
      return undefined;
    }),
  );
}
