// The typed bridge contract: zod schemas for every channel's input and output and every event's payload,
// and the `OpenHandsBridge` type the preload's `window.openhands` satisfies. Main validates every input
// against these before a handler runs; results come back as `{ ok: true, data } | { ok: false, error }`.
import { z } from 'zod';
import { API_ERROR_KINDS } from '../api-errors';
import { type ConversationRef, conversationRefSchema } from '../conversations';
import { OUTBOX_STATES, outboxActionSchema, type OutboxItemView } from '../outbox';
import { EXECUTION_STATUSES, LEGACY_CONVERSATION_STATUSES, SANDBOX_STATUSES } from '../openhands-enums';
import { serverHealthSchema } from '../server-health';
import {
  KEYCHAIN_UNAVAILABLE_REASONS,
  SERVER_KINDS,
  serverInputSchema,
  serverUpdateSchema,
  serverViewSchema,
} from '../servers';
import { appSettingsPatchSchema, appSettingsSchema } from '../settings-schema';
import { updateStateSchema } from '../updates';
import { TIMELINE_LIVE_STATES, timelineItemSchema, timelineUpdateSchema } from '../timeline';
import { DISPLAY_STATUSES } from '../status';
import type { EventName, InvokeMethod, InvokeNamespace } from './channels';

const id = z.string().min(1).max(200);
const withUnknown = <T extends readonly [string, ...string[]]>(values: T) => z.enum([...values, 'unknown']);

const apiErrorInfoSchema = z.object({
  kind: z.enum(API_ERROR_KINDS),
  message: z.string(),
  status: z.number().optional(),
  retryAfterMs: z.number().optional(),
});

const connectionReportSchema = z.object({
  ok: z.boolean(),
  reachable: z.boolean(),
  authenticated: z.boolean().nullable(),
  appMode: z.enum(['oss', 'saas', 'unknown']).nullable(),
  v1Available: z.boolean().nullable(),
  agentServerVersion: z.string().nullable(),
  /** What the address turned out to be: Cloud, a self-hosted app server or a bare agent server. */
  serverKind: z.enum(SERVER_KINDS).nullable(),
  /** Cloud: the user's organisations (a server entry acts in one, sent as `X-Org-Id`); null elsewhere. */
  organizations: z.array(z.object({ id: z.string(), name: z.string(), personal: z.boolean() })).nullable(),
  /** Cloud: the organisation this key acts in now. */
  currentOrgId: z.string().nullable(),
  summary: z.string(),
  problem: apiErrorInfoSchema.nullable(),
});

const keychainStatusSchema = z.union([
  z.object({ state: z.literal('available') }),
  z.object({
    state: z.literal('unavailable'),
    reason: z.enum(KEYCHAIN_UNAVAILABLE_REASONS),
    message: z.string(),
    detail: z.string(),
  }),
]);

export const trackedConversationSchema = conversationRefSchema.extend({
  title: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  repository: z.string().nullable(),
  branch: z.string().nullable(),
  sandboxStatus: withUnknown(SANDBOX_STATUSES).nullable(),
  executionStatus: withUnknown(EXECUTION_STATUSES).nullable(),
  legacyStatus: withUnknown(LEGACY_CONVERSATION_STATUSES).nullable(),
  runtimeStatus: z.string().nullable(),
  parentId: z.string().nullable(),
  workingDir: z.string().nullable().optional(),
  status: z.enum(DISPLAY_STATUSES),
});

export const statusChangeSetSchema = z.object({
  changed: z.array(trackedConversationSchema),
  removed: z.array(z.string()),
  at: z.number(),
});

const outboxItemViewSchema = z.object({
  id: z.string(),
  kind: z.enum(
    outboxActionSchema.options.map((o) => o.shape.kind.value) as [
      OutboxItemView['kind'],
      ...OutboxItemView['kind'][],
    ],
  ),
  state: z.enum(OUTBOX_STATES),
  serverId: z.string(),
  conversationKey: z.string().nullable(),
  tempId: z.string().nullable(),
  summary: z.string(),
  detail: z.string().nullable(),
  enqueuedAt: z.number(),
  attempts: z.number(),
  waiting: z.enum(['offline', 'retry']).nullable(),
  nextAttemptAt: z.number().nullable(),
  error: apiErrorInfoSchema.nullable(),
  progress: z
    .object({
      bytes: z.number(),
      total: z.number(),
      rateBps: z.number().nullable(),
      etaMs: z.number().nullable(),
    })
    .nullable(),
  start: z
    .object({ status: z.string(), step: z.number(), totalSteps: z.number(), detail: z.string().nullable() })
    .nullable(),
  created: conversationRefSchema.nullable(),
  canRetry: z.boolean(),
  canCancel: z.boolean(),
}) satisfies z.ZodType<OutboxItemView>;

/**
 * What the page may queue. Uploads are not among them: a page must not be able to name any file on disk;
 * they start from a drop or a file picker handled in main.
 */
const pageActionSchema = outboxActionSchema.refine((action) => action.kind !== 'upload', {
  message: 'Uploads start from a file drop or the file picker.',
});

const uploadPlanViewSchema = z.object({
  planId: z.string(),
  count: z.number(),
  totalBytes: z.number(),
  /** More files or bytes than the thresholds: ask the user before starting. */
  needsConfirmation: z.boolean(),
  skipped: z.array(z.object({ path: z.string(), reason: z.string() })),
  targetDir: z.string(),
});
export type UploadPlanView = z.output<typeof uploadPlanViewSchema>;

const keyOptions = { sessionOnlyKey: z.boolean().optional() };

const folderSchema = z.object({ name: z.string(), path: z.string() });

/** What New conversation offers on a bare agent server: where to work, and with which agent. */
const backendOptionsSchema = z.object({
  version: z.string().nullable(),
  home: z.string().nullable(),
  /** The home folder's top-level folders and the file system roots, as the server lists them. */
  places: z.array(folderSchema),
  /** The server's saved workspaces. */
  workspaces: z.array(folderSchema),
  agentProfiles: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      agentKind: z.string().nullable(),
      llmProfile: z.string().nullable(),
    }),
  ),
  activeAgentProfileId: z.string().nullable(),
  llmProfiles: z.array(z.object({ name: z.string(), model: z.string().nullable() })),
  activeLlmProfile: z.string().nullable(),
  /** The model of the server's saved settings (what starts when no profile is picked). */
  settingsModel: z.string().nullable(),
});
export type BackendOptions = z.output<typeof backendOptionsSchema>;

/** Input and output schema of every invoke channel. */
export const INVOKE_SCHEMAS = {
  app: {
    info: {
      input: z.undefined(),
      output: z.object({
        name: z.string(),
        version: z.string(),
        platform: z.string(),
        /** The data folder could not be written at start: the app runs read-only (or the disk is full). */
        storage: z.object({ kind: z.enum(['disk-full', 'read-only']), message: z.string() }).nullable(),
      }),
    },
  },
  servers: {
    list: { input: z.undefined(), output: z.array(serverViewSchema) },
    add: { input: z.object({ server: serverInputSchema, ...keyOptions }), output: serverViewSchema },
    update: { input: z.object({ id, patch: serverUpdateSchema, ...keyOptions }), output: serverViewSchema },
    remove: { input: z.object({ id }), output: z.object({ keyDeleted: z.boolean() }) },
    test: { input: z.object({ id }), output: connectionReportSchema },
    testUnsaved: {
      input: z.object({ baseUrl: z.string().max(2048), apiKey: z.string().max(4096).optional() }),
      output: connectionReportSchema,
    },
    keychainStatus: { input: z.undefined(), output: keychainStatusSchema },
    /** Online / Offline per server, as last seen; changes arrive as `serverHealth` events. */
    health: { input: z.undefined(), output: z.array(serverHealthSchema) },
  },
  conversations: {
    list: { input: z.undefined(), output: z.array(trackedConversationSchema) },
    /** The conversation on screen (polled fast, streamed live, its timeline pushed as `timeline` events). */
    setOnScreen: { input: conversationRefSchema.nullable(), output: z.null() },
    /** A conversation's newest events as held now (loaded from the server when none are). */
    timeline: {
      input: z.object({ ref: conversationRefSchema }),
      output: z.object({
        key: z.string(),
        items: z.array(timelineItemSchema),
        hasEarlier: z.boolean(),
        live: z.enum(TIMELINE_LIVE_STATES),
      }),
    },
    /** Scroll-back: the events before `before` (an item of the timeline). */
    olderEvents: {
      input: z.object({
        ref: conversationRefSchema,
        before: z.object({ id, timestamp: z.string().min(1).max(64) }),
        limit: z.number().int().min(1).max(200).optional(),
      }),
      output: z.object({ items: z.array(timelineItemSchema), hasEarlier: z.boolean() }),
    },
  },
  settings: {
    get: { input: z.undefined(), output: appSettingsSchema },
    update: { input: appSettingsPatchSchema, output: appSettingsSchema },
  },
  outbox: {
    list: { input: z.undefined(), output: z.array(outboxItemViewSchema) },
    enqueue: { input: pageActionSchema, output: outboxItemViewSchema },
    retry: { input: z.object({ id }), output: z.boolean() },
    cancel: { input: z.object({ id }), output: z.boolean() },
  },
  uploads: {
    /** Main side: the paths the preload took from dropped or picked files (the page itself passes files). */
    plan: {
      input: z.object({
        ref: conversationRefSchema,
        paths: z.array(z.string().min(1).max(4096)).min(1).max(1000),
        targetDir: z.string().min(1).max(1024).optional(),
      }),
      output: uploadPlanViewSchema,
    },
    /** Queues every file of a plan in the outbox (after the user confirmed, when the plan asked for it). */
    start: { input: z.object({ planId: id }), output: z.array(outboxItemViewSchema) },
  },
  updates: {
    state: { input: z.undefined(), output: updateStateSchema },
    /** Help → Check for Updates: the answer is shown (up to date, downloading, or why it failed). */
    check: { input: z.undefined(), output: updateStateSchema },
    /** "Update ready — restart": now, or once no outbox item is being sent. */
    restart: { input: z.undefined(), output: updateStateSchema },
  },
  /** Bare agent servers: what New conversation picks from (folders on that server, its profiles). */
  backends: {
    options: { input: z.object({ serverId: id }), output: backendOptionsSchema },
    /** One page of a folder's sub-folders on the server. */
    folders: {
      input: z.object({
        serverId: id,
        path: z.string().min(1).max(4096),
        pageId: z.string().max(1024).optional(),
      }),
      output: z.object({ items: z.array(folderSchema), nextPageId: z.string().nullable() }),
    },
  },
} as const satisfies {
  [N in InvokeNamespace]: { [M in InvokeMethod<N>]: { input: z.ZodType; output: z.ZodType } };
};

/** Where main asks the page to go (a notification or tray click, a deep link). */
const navigateSchema = z.union([
  z.object({ to: z.literal('conversation'), ref: conversationRefSchema }),
  z.object({ to: z.literal('list') }),
]);
export type NavigateRequest = z.output<typeof navigateSchema>;

export const EVENT_SCHEMAS = {
  statusChanges: statusChangeSetSchema,
  outboxChanges: outboxItemViewSchema,
  serverHealth: serverHealthSchema,
  timeline: timelineUpdateSchema,
  settingsChanges: appSettingsSchema,
  navigate: navigateSchema,
  updateState: updateStateSchema,
} as const satisfies { [E in EventName]: z.ZodType };

/** Why a bridge call failed, as plain data. `code` is an ApiErrorKind or one of the bridge's own. */
export interface BridgeError {
  code: string;
  message: string;
  /** Field-level problems of an invalid input, for forms. */
  fields?: { field: string; message: string }[];
}

export type BridgeResult<T> = { ok: true; data: T } | { ok: false; error: BridgeError };

type Schemas = typeof INVOKE_SCHEMAS;
type Entry<N extends keyof Schemas, M extends keyof Schemas[N]> = Schemas[N][M];
type Input<N extends keyof Schemas, M extends keyof Schemas[N]> =
  Entry<N, M> extends { input: infer I extends z.ZodType } ? z.input<I> : never;
type Output<N extends keyof Schemas, M extends keyof Schemas[N]> =
  Entry<N, M> extends { output: infer O extends z.ZodType } ? z.output<O> : never;

type Method<N extends keyof Schemas, M extends keyof Schemas[N]> = [Input<N, M>] extends [undefined]
  ? () => Promise<BridgeResult<Output<N, M>>>
  : (input: Input<N, M>) => Promise<BridgeResult<Output<N, M>>>;

export type EventPayload<E extends EventName> = z.output<(typeof EVENT_SCHEMAS)[E]>;

type Subscriptions = {
  [E in EventName as `on${Capitalize<E>}`]: (listener: (payload: EventPayload<E>) => void) => () => void;
};

type ContractMethods = { [N in keyof Schemas]: { [M in keyof Schemas[N]]: Method<N, M> } };

/** A file the user dropped or picked: the DOM's `File` (only those have a path on disk). */
export interface DroppedFile {
  readonly name: string;
  readonly size: number;
}

/**
 * `window.openhands`: named methods per namespace and `on…` subscriptions; nothing generic. One exception to
 * "the page passes the channel's input": `uploads.plan` takes the dropped files themselves, and the preload
 * turns them into paths, so a page can never name a file on disk the user did not give it.
 */
export type OpenHandsBridge = Omit<ContractMethods, 'uploads'> & {
  uploads: {
    plan(input: {
      ref: ConversationRef;
      files: readonly DroppedFile[];
      targetDir?: string;
    }): Promise<BridgeResult<UploadPlanView>>;
    start: ContractMethods['uploads']['start'];
  };
} & Subscriptions;

/** The input and output types of one channel, for main's handlers. */
export type InvokeInput<N extends keyof Schemas, M extends keyof Schemas[N]> = z.output<
  Entry<N, M> extends { input: infer I extends z.ZodType } ? I : never
>;
export type InvokeOutput<N extends keyof Schemas, M extends keyof Schemas[N]> = Output<N, M>;
