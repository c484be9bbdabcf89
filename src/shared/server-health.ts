// Whether each server answers, as main last saw it (status polls, the outbox's probes): the Online /
// Offline indicator per server and the app's offline banner.
import { z } from 'zod';
import { API_ERROR_KINDS } from './api-errors';

export const SERVER_HEALTH_STATES = ['unknown', 'online', 'offline'] as const;
export type ServerHealthState = (typeof SERVER_HEALTH_STATES)[number];

export const serverHealthSchema = z.object({
  serverId: z.string(),
  state: z.enum(SERVER_HEALTH_STATES),
  /** When main last heard from the server (ms since epoch), or null if never. */
  lastOkAt: z.number().nullable(),
  /** Why it is offline (or refuses us), in plain words; null while online. */
  problem: z
    .object({ kind: z.enum(API_ERROR_KINDS), message: z.string(), status: z.number().optional() })
    .nullable(),
});
export type ServerHealth = z.output<typeof serverHealthSchema>;
