// Plain data for component tests: each factory fills every field with a neutral default, and a test passes
// only what it is about.
import type { InvokeOutput } from '../../../src/shared/bridge/contract';
import type { TrackedConversation } from '../../../src/shared/live';
import type { OutboxItemView } from '../../../src/shared/outbox';

export type ServerView = InvokeOutput<'servers', 'list'>[number];

/** A self-hosted server `s1` named Local, with no key. */
export function serverView(overrides: Partial<ServerView> = {}): ServerView {
  return {
    id: 's1',
    name: 'Local',
    baseUrl: 'http://127.0.0.1:3000',
    kind: 'self-hosted',
    keyStorage: 'none',
    hasKey: false,
    sessionKeyLost: false,
    orgId: null,
    orgName: null,
    agentHosts: [],
    recentDirs: [],
    ...overrides,
  };
}

/** A running V1 conversation `s1/abc123`, "Fix the flaky tests", with no repository. */
export function conversation(overrides: Partial<TrackedConversation> = {}): TrackedConversation {
  return {
    serverId: 's1',
    id: 'abc123',
    version: 'V1',
    title: 'Fix the flaky tests',
    createdAt: '2025-01-01T10:00:00Z',
    updatedAt: '2025-01-01T10:05:00Z',
    repository: null,
    branch: null,
    sandboxStatus: 'RUNNING',
    executionStatus: 'running',
    legacyStatus: null,
    runtimeStatus: null,
    parentId: null,
    status: 'running',
    ...overrides,
  };
}

/** A queued send `o1` on server s1, for no particular conversation, that can be cancelled. */
export function outboxItem(overrides: Partial<OutboxItemView> = {}): OutboxItemView {
  return {
    id: 'o1',
    kind: 'send',
    state: 'queued',
    serverId: 's1',
    conversationKey: null,
    tempId: null,
    summary: 'Send',
    detail: null,
    enqueuedAt: 1,
    attempts: 0,
    waiting: null,
    nextAttemptAt: null,
    error: null,
    progress: null,
    start: null,
    created: null,
    canRetry: false,
    canCancel: true,
    ...overrides,
  };
}
