import { neutralizeBidi } from '../../shared/bidi';
import type { ConversationSummary } from '../../shared/conversations';
import type { BackendConversation } from './schemas/agent-backend';
import type { AppConversation, LegacyConversation } from './schemas/app-server';

// Titles are the server's (or the agent's) words: bidi controls in them are shown as markers (shared/bidi.ts).

/** Renderer-facing view of a V1 conversation: no session key, no URL. */
export function summarizeAppConversation(serverId: string, c: AppConversation): ConversationSummary {
  return {
    serverId,
    id: c.id,
    version: 'V1',
    title: neutralizeBidi(c.title ?? `Conversation ${c.id.slice(0, 8)}`),
    createdAt: c.created_at,
    updatedAt: c.updated_at,
    repository: c.selected_repository,
    branch: c.selected_branch,
    sandboxStatus: c.sandbox_status,
    executionStatus: c.execution_status,
    legacyStatus: null,
    runtimeStatus: null,
    parentId: c.parent_conversation_id,
  };
}

/** Renderer-facing view of a row from the V0 list (which also lists V1 conversations). */
export function summarizeLegacyConversation(serverId: string, c: LegacyConversation): ConversationSummary {
  return {
    serverId,
    id: c.conversation_id,
    version: c.conversation_version === 'V1' ? 'V1' : 'V0',
    title: neutralizeBidi(c.title),
    createdAt: c.created_at,
    updatedAt: c.last_updated_at ?? c.created_at,
    repository: c.selected_repository,
    branch: c.selected_branch,
    sandboxStatus: null,
    executionStatus: null,
    legacyStatus: c.status,
    runtimeStatus: c.runtime_status,
    parentId: null,
  };
}

/**
 * Renderer-facing view of a bare agent server's conversation: no sandbox (its status is the agent's own),
 * its working directory where an app server would name a repository.
 */
export function summarizeBackendConversation(serverId: string, c: BackendConversation): ConversationSummary {
  const id = c.id.replace(/-/g, '').toLowerCase();
  return {
    serverId,
    id,
    version: 'V1',
    title: neutralizeBidi(c.title ?? `Conversation ${id.slice(0, 8)}`),
    createdAt: c.created_at,
    updatedAt: c.updated_at,
    repository: null,
    branch: null,
    sandboxStatus: null,
    executionStatus: c.execution_status,
    legacyStatus: null,
    runtimeStatus: null,
    parentId: c.parent_conversation_id ? c.parent_conversation_id.replace(/-/g, '').toLowerCase() : null,
    workingDir: c.workspace?.working_dir ? neutralizeBidi(c.workspace.working_dir) : null,
  };
}
