// The fields of a conversation row the cache keeps, copied one by one: fast enough for 10,000 rows on every
// list write (a schema parse per row is kept for reading), and an object the server or a future field adds
// (an agent-server URL, a session key) can never ride along onto disk.
import type { TrackedConversation } from '../../shared/live';

export function pickRow(c: TrackedConversation): TrackedConversation {
  return {
    serverId: c.serverId,
    id: c.id,
    version: c.version,
    title: c.title,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    repository: c.repository,
    branch: c.branch,
    sandboxStatus: c.sandboxStatus,
    executionStatus: c.executionStatus,
    legacyStatus: c.legacyStatus,
    runtimeStatus: c.runtimeStatus,
    parentId: c.parentId,
    status: c.status,
  };
}
