import { z } from 'zod';
import { EXECUTION_STATUSES } from '../../../shared/openhands-enums';
import { batch, lenientArray, lenientEnum, page } from './lenient';

// What a bare agent server answers when it is used as a backend: its conversations as a list, its folders,
// saved workspaces and profiles (docs/openhands-api.md §4.3, §4.4, §4.9, §4.11). Every field the app only
// shows is read leniently (`.catch`): a newer or odd value costs that field, never the row.

const text = (max: number) =>
  z
    .string()
    .transform((s) => s.slice(0, max))
    .nullish()
    .catch(null)
    .transform((v) => v ?? null);

/** `stats.usage_to_metrics`: one Metrics per LLM usage (agent, condenser, title…); cost and tokens add up. */
const metricsSchema = z.looseObject({
  accumulated_cost: z.number().nonnegative().catch(0).optional(),
  accumulated_token_usage: z
    .looseObject({
      prompt_tokens: z.number().nonnegative().catch(0).optional(),
      completion_tokens: z.number().nonnegative().catch(0).optional(),
    })
    .nullish()
    .catch(null),
});

/** `ConversationInfo` as a backend's list and batch get return it (the fields the app uses). */
export const backendConversationSchema = z.looseObject({
  id: z.string(),
  execution_status: lenientEnum('execution_status', EXECUTION_STATUSES)
    .nullish()
    .transform((v) => v ?? null),
  title: text(500),
  created_at: z.string(),
  updated_at: z.string(),
  workspace: z
    .looseObject({ working_dir: z.string().max(4096) })
    .nullish()
    .catch(null),
  agent: z
    .looseObject({
      kind: z.string().max(100).optional().catch(undefined),
      llm: z
        .looseObject({ model: z.string().max(300).optional().catch(undefined) })
        .nullish()
        .catch(null),
    })
    .nullish()
    .catch(null),
  tags: z.record(z.string(), z.string()).nullish().catch(null),
  parent_conversation_id: z.string().nullish().catch(null),
  stats: z
    .looseObject({ usage_to_metrics: z.record(z.string(), metricsSchema).nullish().catch(null) })
    .nullish()
    .catch(null),
});
export type BackendConversation = z.infer<typeof backendConversationSchema>;
export const backendConversationPageSchema = page(backendConversationSchema, 'agent-server conversation');
export const backendConversationBatchSchema = batch(backendConversationSchema, 'agent-server conversation');

/** `GET /server_info` (no auth). */
export const backendServerInfoSchema = z.looseObject({
  title: z.string().optional().catch(undefined),
  version: z.string().optional().catch(undefined),
});

/** `GET /api/init` (no auth, ≥1.29): deferred init's state. */
export const initStateSchema = z.looseObject({
  state: z.string(),
  error: z.string().nullish(),
});

/** `GET /api/file/home`. */
export const homeSchema = z.looseObject({
  home: z.string(),
  favorites: lenientArray(z.looseObject({ label: z.string(), path: z.string() }), 'favorite folder').catch(
    [],
  ),
  locations: lenientArray(z.looseObject({ label: z.string(), path: z.string() }), 'location').catch([]),
});
export type HomeFolders = z.infer<typeof homeSchema>;

/** `GET /api/file/search_subdirs`. */
export const subdirPageSchema = page(z.looseObject({ name: z.string(), path: z.string() }), 'folder');

/** `GET /api/workspaces` (≥1.23, camelCase). */
export const workspacesSchema = z.looseObject({
  workspaces: lenientArray(
    z.looseObject({ id: z.string().optional(), name: z.string(), path: z.string() }),
    'workspace',
  ).catch([]),
});

/** `GET /api/profiles` (LLM profiles, ≥1.22). */
export const llmProfilesSchema = z.looseObject({
  profiles: lenientArray(
    z.looseObject({
      name: z.string(),
      model: z.string().nullish().catch(null),
      api_key_set: z.boolean().optional().catch(undefined),
    }),
    'LLM profile',
  ),
  active_profile: z.string().nullish().catch(null),
});

/** `GET /api/agent-profiles` (≥1.29). */
export const agentProfilesSchema = z.looseObject({
  profiles: lenientArray(
    z.looseObject({
      id: z.string().nullish().catch(null),
      name: z.string(),
      agent_kind: z.string().nullish().catch(null),
      llm_profile_ref: z.string().nullish().catch(null),
    }),
    'agent profile',
  ),
  active_agent_profile_id: z.string().nullish().catch(null),
});

/** `GET /api/settings` (≥1.17): only what says which model the server's own settings use. */
export const backendSettingsSchema = z.looseObject({
  agent_settings: z
    .looseObject({
      llm: z
        .looseObject({ model: z.string().nullish().catch(null) })
        .nullish()
        .catch(null),
    })
    .nullish()
    .catch(null),
});

/** `GET /api/settings` with `X-Expose-Secrets: encrypted`: the agent settings, passed on as they came. */
export const encryptedSettingsSchema = z.looseObject({
  agent_settings: z.record(z.string(), z.unknown()).nullish(),
});

/** `GET /api/profiles/{name}` with `X-Expose-Secrets: encrypted`: the profile's LLM, passed on as it came. */
export const llmProfileSchema = z.looseObject({
  name: z.string(),
  config: z.record(z.string(), z.unknown()),
});
