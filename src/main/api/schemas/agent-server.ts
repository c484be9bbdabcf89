import { z } from 'zod';
import { EXECUTION_STATUSES } from '../../../shared/openhands-enums';
import { lenientEnum, page } from './lenient';

// Models of the agent server's responses (openhands-api.md §4).

export const conversationInfoSchema = z.looseObject({
  id: z.string(),
  execution_status: lenientEnum('execution_status', EXECUTION_STATUSES),
  title: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
});
export type ConversationInfo = z.infer<typeof conversationInfoSchema>;

/** Every event has these; the rest depends on `kind` and is kept as sent (unknown kinds included). */
export const agentEventSchema = z.looseObject({
  kind: z.string(),
  id: z.string(),
  timestamp: z.string(),
  source: z.string(),
});
export type AgentEvent = z.infer<typeof agentEventSchema>;
export const agentEventPageSchema = page(agentEventSchema, 'event');

export const serverInfoSchema = z.looseObject({ version: z.string().optional() });
