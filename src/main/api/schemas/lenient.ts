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

/** `{items, next_page_id}`, the V1 page shape. */
export function page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), next_page_id: z.string().nullable() });
}

/** Batch gets answer `null` for unknown ids, in the order asked. */
export function batch<T extends z.ZodType>(item: T) {
  return z.array(item.nullable());
}
