import { z } from 'zod';
import {
  APP_MODES,
  CONVERSATION_VERSIONS,
  EXECUTION_STATUSES,
  LEGACY_CONVERSATION_STATUSES,
  SANDBOX_STATUSES,
  START_TASK_STATUSES,
} from '../../../shared/openhands-enums';
import { lenientEnum, page } from './lenient';

// Models of the app server's responses (openhands-api.md §3, §5). Required fields are checked strictly;
// fields we do not use are kept (loose objects) so newer servers pass through.

const nullableString = z
  .string()
  .nullish()
  .transform((v) => v ?? null);

/** `GET /api/v1/web-client/config` (no auth; replaced `/api/options/config` in 2026), openhands-api.md §3.7. */
export const webClientConfigSchema = z.looseObject({
  app_mode: lenientEnum('app_mode', APP_MODES),
  feature_flags: z.looseObject({}).nullish(),
});
export type WebClientConfig = z.infer<typeof webClientConfigSchema>;

/** `GET /api/options/config`: only servers from before April 2026 have it (legacy V0 installs), §5. */
export const legacyConfigSchema = z.looseObject({
  APP_MODE: lenientEnum('APP_MODE', APP_MODES),
  FEATURE_FLAGS: z.looseObject({}).nullish(),
});
export type LegacyConfig = z.infer<typeof legacyConfigSchema>;

/** Cloud `GET /api/keys/current`: which key this is and the organisation it acts in (§2.3). */
export const currentApiKeySchema = z.looseObject({
  name: nullableString,
  org_id: nullableString,
  bound_org_id: nullableString,
  user_id: nullableString,
});
export type CurrentApiKey = z.infer<typeof currentApiKeySchema>;

export const organizationSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  is_personal: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
});
export type Organization = z.infer<typeof organizationSchema>;
export const organizationPageSchema = page(organizationSchema, 'organization').extend({
  current_org_id: nullableString,
});

export const appConversationSchema = z.looseObject({
  id: z.string(),
  // Null or missing while a start has not attached a sandbox yet (today's AppConversationInfo allows both).
  sandbox_id: nullableString,
  title: nullableString,
  created_at: z.string(),
  updated_at: z.string(),
  selected_repository: nullableString,
  selected_branch: nullableString,
  git_provider: nullableString,
  trigger: nullableString,
  llm_model: nullableString,
  parent_conversation_id: nullableString,
  sub_conversation_ids: z
    .array(z.string())
    .nullish()
    .transform((v) => v ?? []),
  // Missing is not "archived": it means the server did not say (shown as unknown, never as Archived).
  sandbox_status: lenientEnum('sandbox_status', SANDBOX_STATUSES)
    .nullish()
    .transform((v) => v ?? null),
  execution_status: lenientEnum('execution_status', EXECUTION_STATUSES)
    .nullish()
    .transform((v) => v ?? null),
  conversation_url: nullableString,
  session_api_key: nullableString,
});
export type AppConversation = z.infer<typeof appConversationSchema>;
export const appConversationPageSchema = page(appConversationSchema, 'conversation');

export const startTaskSchema = z.looseObject({
  id: z.string(),
  status: lenientEnum('start task status', START_TASK_STATUSES),
  detail: nullableString,
  app_conversation_id: nullableString,
  sandbox_id: nullableString,
  agent_server_url: nullableString,
  created_at: z.string(),
  updated_at: z.string(),
});
export type StartTask = z.infer<typeof startTaskSchema>;
export const startTaskPageSchema = page(startTaskSchema, 'start task');

export const sandboxInfoSchema = z.looseObject({
  id: z.string(),
  status: lenientEnum('sandbox status', SANDBOX_STATUSES),
  session_api_key: nullableString,
  exposed_urls: z
    .array(z.looseObject({ name: z.string(), url: z.string(), port: z.number().optional() }))
    .nullish()
    .transform((v) => v ?? null),
  created_at: z.string(),
});
export type SandboxInfo = z.infer<typeof sandboxInfoSchema>;

export const successSchema = z.looseObject({ success: z.boolean() });

/** V0 `ConversationInfo` (also how the V0 routes present V1 conversations). */
export const legacyConversationSchema = z.looseObject({
  conversation_id: z.string(),
  title: z.string(),
  last_updated_at: nullableString,
  created_at: z.string(),
  status: lenientEnum('V0 status', LEGACY_CONVERSATION_STATUSES).default('STOPPED'),
  runtime_status: nullableString,
  selected_repository: nullableString,
  selected_branch: nullableString,
  git_provider: nullableString,
  trigger: nullableString,
  url: nullableString,
  session_api_key: nullableString,
  conversation_version: lenientEnum('conversation_version', CONVERSATION_VERSIONS).default('V0'),
});
export type LegacyConversation = z.infer<typeof legacyConversationSchema>;

export const legacyConversationListSchema = z.object({
  results: z.array(legacyConversationSchema),
  next_page_id: nullableString,
});

export const legacyConversationResponseSchema = z.looseObject({
  status: z.string(),
  conversation_id: z.string(),
  message: nullableString,
  conversation_status: nullableString,
});

export const legacyEventSchema = z.looseObject({
  id: z.number().int(),
  timestamp: z.string(),
  source: z.string(),
});
export type LegacyEvent = z.infer<typeof legacyEventSchema>;
export const legacyEventPageSchema = z.object({ events: z.array(legacyEventSchema), has_more: z.boolean() });

export const legacyUploadSchema = z.looseObject({
  uploaded_files: z.array(z.string()),
  skipped_files: z.array(z.unknown()),
});
