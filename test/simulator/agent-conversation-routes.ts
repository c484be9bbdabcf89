import type { AgentConversation, AgentKind, ConfirmationPolicy } from './agent-conversation';
import type { AgentServer } from './agent-server';
import { filterEvents, page, parseContent, sortOrder } from './agent-wire';
import { messageText, stateUpdateEvent } from './events';
import {
  HttpError,
  isRecord,
  parseLimit,
  readJson,
  type RouteContext,
  type Router,
  sendJson,
  timeSorter,
  validationError,
} from './http';
import { dashedOf, isUuid } from './ids';

/** Path ids are FastAPI UUIDs: dashed or hex, else 422. */
function conversationParam(ctx: RouteContext): string {
  const id = ctx.params.id ?? '';
  if (!isUuid(id))
    throw validationError(['path', 'conversation_id'], 'Input should be a valid UUID', id, 'uuid_parsing');
  return id;
}

async function readBodyRecord(ctx: RouteContext, optional: boolean): Promise<Record<string, unknown>> {
  const body = await readJson(ctx.req);
  if (body === undefined && optional) return {};
  if (!isRecord(body))
    throw validationError(['body'], 'Input should be a valid dictionary', body, 'dict_type');
  return body;
}

const CONFIRMATION_KINDS = ['NeverConfirm', 'AlwaysConfirm', 'ConfirmRisky'];

function parsePolicy(raw: unknown, loc: string[]): ConfirmationPolicy {
  if (!isRecord(raw) || typeof raw.kind !== 'string' || !CONFIRMATION_KINDS.includes(raw.kind))
    throw validationError(loc, 'Input tag does not match any of the expected tags', raw, 'union_tag_invalid');
  return raw as ConfirmationPolicy;
}

function parseTags(raw: unknown, loc: string[]): Record<string, string> | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isRecord(raw)) throw validationError(loc, 'Input should be a valid dictionary', raw, 'dict_type');
  for (const key of Object.keys(raw))
    if (!/^[a-z0-9]+$/.test(key))
      throw validationError(
        [...loc, key],
        "String should match pattern '^[a-z0-9]+$'",
        key,
        'string_pattern_mismatch',
      );
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v)]));
}

/** What `StartConversationRequest`'s agent source resolves to. */
interface AgentChoice {
  kind: AgentKind;
  llmModel: string;
}

/**
 * Exactly one of `agent`, `agent_settings` (≥1.21.0) or `agent_profile_id` (≥1.29.0); before 1.21.0
 * `agent` was simply required. A profile id can never be found: the simulator stores no profiles.
 */
function agentChoice(server: AgentServer, body: Record<string, unknown>): AgentChoice {
  const present = (key: string): boolean => body[key] !== undefined && body[key] !== null;
  const sources = ['agent'];
  if (server.atLeast('1.21.0')) sources.push('agent_settings');
  if (server.atLeast('1.29.0')) sources.push('agent_profile_id');
  const given = sources.filter(present);
  if (sources.length === 1 && given.length === 0)
    throw validationError(['body', 'agent'], 'Field required', body, 'missing');
  if (given.length !== 1)
    throw validationError(
      ['body'],
      `Value error, Exactly one of ${sources.join(', ')} must be provided`,
      body,
      'value_error',
    );
  const defaultModel = 'litellm_proxy/claude-sonnet-4-5';
  if (given[0] === 'agent_profile_id') {
    const id = String(body.agent_profile_id);
    if (!isUuid(id))
      throw validationError(['body', 'agent_profile_id'], 'Input should be a valid UUID', id, 'uuid_parsing');
    throw new HttpError(404, { detail: `Agent profile not found: ${dashedOf(id)}` });
  }
  if (given[0] === 'agent_settings') {
    const settings = body.agent_settings;
    if (!isRecord(settings))
      throw validationError(
        ['body', 'agent_settings'],
        'Input should be a valid dictionary',
        settings,
        'dict_type',
      );
    const llm = isRecord(settings.llm) ? settings.llm : {};
    return {
      kind: settings.agent_kind === 'acp' ? 'ACPAgent' : 'Agent',
      llmModel: typeof llm.model === 'string' ? llm.model : defaultModel,
    };
  }
  const agent = body.agent;
  if (!isRecord(agent) || (agent.kind !== undefined && agent.kind !== 'Agent' && agent.kind !== 'ACPAgent'))
    throw validationError(
      ['body', 'agent'],
      'Input tag does not match any of the expected tags',
      agent,
      'union_tag_invalid',
    );
  const llm = isRecord(agent.llm) ? agent.llm : undefined;
  if (agent.kind === undefined && !llm)
    throw validationError(['body', 'agent', 'Agent', 'llm'], 'Field required', agent, 'missing');
  return {
    kind: agent.kind === 'ACPAgent' ? 'ACPAgent' : 'Agent',
    llmModel: typeof llm?.model === 'string' ? llm.model : defaultModel,
  };
}

/** `POST /api/conversations`: 201 with the new ConversationInfo, 200 when `conversation_id` exists. */
async function startConversation(server: AgentServer, ctx: RouteContext): Promise<void> {
  const body = await readBodyRecord(ctx, false);
  const workspace = body.workspace;
  if (!isRecord(workspace)) throw validationError(['body', 'workspace'], 'Field required', body, 'missing');
  if (typeof workspace.working_dir !== 'string')
    throw validationError(['body', 'workspace', 'working_dir'], 'Field required', workspace, 'missing');
  const rawId = body.conversation_id;
  if (rawId !== undefined && rawId !== null && (typeof rawId !== 'string' || !isUuid(rawId)))
    throw validationError(['body', 'conversation_id'], 'Input should be a valid UUID', rawId, 'uuid_parsing');
  const agent = agentChoice(server, body);
  if (typeof rawId === 'string') {
    const existing = server.get(rawId);
    if (existing) return sendJson(ctx.res, 200, existing.info());
  }
  const maxIterations = body.max_iterations ?? 500;
  if (typeof maxIterations !== 'number' || !Number.isInteger(maxIterations) || maxIterations < 1)
    throw validationError(
      ['body', 'max_iterations'],
      'Input should be greater than or equal to 1',
      maxIterations,
      'greater_than_equal',
    );
  let parent: AgentConversation | undefined;
  const parentId = server.atLeast('1.37.1') ? body.parent_conversation_id : undefined;
  if (parentId !== undefined && parentId !== null) {
    if (typeof parentId !== 'string' || !isUuid(parentId))
      throw validationError(
        ['body', 'parent_conversation_id'],
        'Input should be a valid UUID',
        parentId,
        'uuid_parsing',
      );
    parent = server.get(parentId);
    if (!parent) throw new HttpError(422, { detail: `Parent conversation not found: ${dashedOf(parentId)}` });
    if (parent.workingDir !== workspace.working_dir)
      throw new HttpError(422, {
        detail: 'Parent conversation must share the workspace of its sub-conversation',
      });
  }
  const initial = body.initial_message;
  let initialContent: unknown[] | undefined;
  if (initial !== undefined && initial !== null) {
    initialContent = isRecord(initial) ? parseContent(initial.content ?? [], false) : undefined;
    if (!initialContent)
      throw validationError(
        ['body', 'initial_message'],
        'Input should be a valid dictionary',
        initial,
        'dict_type',
      );
  }
  const conversation = server.create({
    ...(typeof rawId === 'string' ? { id: rawId } : {}),
    title: null,
    llmModel: agent.llmModel,
    agentKind: agent.kind,
    workingDir: workspace.working_dir,
    ...(body.confirmation_policy !== undefined && body.confirmation_policy !== null
      ? { confirmationPolicy: parsePolicy(body.confirmation_policy, ['body', 'confirmation_policy']) }
      : {}),
    maxIterations,
    stuckDetection: body.stuck_detection !== false,
    autotitle: body.autotitle !== false,
    ...(server.atLeast('1.16.0') ? { tags: parseTags(body.tags, ['body', 'tags']) ?? {} } : {}),
    parentConversationId: parent?.id ?? null,
  });
  parent?.subConversationIds.push(conversation.id);
  // The initial message always runs, whatever its own `run` flag says.
  if (initialContent) conversation.sendMessage(initialContent, true);
  sendJson(ctx.res, 201, conversation.info());
}

/** `POST /{id}/fork` (≥1.18.0; `from_event_id` ≥1.31.0): a new idle conversation with a copy of the log. */
async function fork(server: AgentServer, ctx: RouteContext): Promise<void> {
  const id = conversationParam(ctx);
  const body = await readBodyRecord(ctx, true);
  const source = server.get(id);
  if (!source) throw new HttpError(404, { detail: 'Source conversation not found' });
  const forkId = body.id;
  if (forkId !== undefined && forkId !== null && (typeof forkId !== 'string' || !isUuid(forkId)))
    throw validationError(['body', 'id'], 'Input should be a valid UUID', forkId, 'uuid_parsing');
  if (typeof forkId === 'string' && server.get(forkId))
    throw new HttpError(409, { detail: `Conversation with id ${dashedOf(forkId)} already exists` });
  const title = body.title;
  if (title !== undefined && title !== null && (typeof title !== 'string' || title.length > 200))
    throw validationError(
      ['body', 'title'],
      'String should have at most 200 characters',
      title,
      'string_too_long',
    );
  const fromEventId =
    server.atLeast('1.31.0') && typeof body.from_event_id === 'string' ? body.from_event_id : undefined;
  const events = source.forkEvents(fromEventId);
  if (!events) throw new HttpError(404, { detail: `Unknown event_id: ${fromEventId ?? ''}` });
  const conversation = server.create({
    ...(typeof forkId === 'string' ? { id: forkId } : {}),
    title: typeof title === 'string' ? title : null,
    llmModel: source.llmModel,
    agentKind: source.agentKind,
    workingDir: source.workingDir,
    confirmationPolicy: source.confirmationPolicy,
    maxIterations: source.maxIterations,
    stuckDetection: source.stuckDetection,
    tags: parseTags(body.tags, ['body', 'tags']) ?? { ...source.tags },
    fork: {
      events,
      leafEventId: fromEventId ?? source.tree.leafEventId,
      headIsEmpty: fromEventId === undefined && source.tree.headIsEmpty,
      fromConversationId: dashedOf(source.id),
      fromEventId: fromEventId ?? null,
    },
  });
  sendJson(ctx.res, 201, conversation.info());
}

/** The conversation, event and run-control routes of `/api/conversations` (§4.3, §4.5). */
export function addConversationRoutes(r: Router, server: AgentServer): void {
  const requireConversation = (ctx: RouteContext): AgentConversation => {
    const id = conversationParam(ctx);
    const conversation = server.get(id);
    if (!conversation) throw new HttpError(404, { detail: `Conversation not found: ${dashedOf(id)}` });
    return conversation;
  };
  const byStatus = (status: string | null): AgentConversation[] =>
    [...server.conversations.values()].filter((conv) => !status || conv.executionStatus === status);

  r.add('GET', '/api/conversations/search', (c) => {
    const limit = parseLimit(c.query);
    const all = byStatus(c.query.get('status')).sort(timeSorter<AgentConversation>(c.query));
    // The cursor is the next conversation's id in 32-hex, while the items carry dashed ids.
    const result = page(all, c.query.get('page_id'), limit, (conv) => conv.id);
    sendJson(c.res, 200, {
      items: result.items.map((conv) => conv.info()),
      next_page_id: result.next_page_id,
    });
  });
  r.add('GET', '/api/conversations/count', (c) =>
    sendJson(c.res, 200, byStatus(c.query.get('status')).length),
  );
  r.add('GET', '/api/conversations', (c) => {
    const ids = c.query.getAll('ids');
    for (const id of ids)
      if (!isUuid(id))
        throw validationError(['query', 'ids'], 'Input should be a valid UUID', id, 'uuid_parsing');
    if (ids.length >= 100) throw new Error('AssertionError: len(ids) < 100');
    sendJson(
      c.res,
      200,
      ids.map((id) => server.get(id)?.info() ?? null),
    );
  });
  r.add('POST', '/api/conversations', (c) => startConversation(server, c));
  r.add('GET', '/api/conversations/:id', (c) => {
    const conv = server.get(conversationParam(c));
    if (!conv) throw new HttpError(404, { detail: 'Not Found' });
    sendJson(c.res, 200, conv.info());
  });
  r.add('PATCH', '/api/conversations/:id', async (c) => {
    const id = conversationParam(c);
    const body = await readBodyRecord(c, false);
    const conv = server.get(id);
    if (!conv) return sendJson(c.res, 200, { success: false });
    if (body.title !== undefined) {
      const title = typeof body.title === 'string' ? body.title.trim() : '';
      if (title.length < 1 || title.length > 200)
        throw validationError(
          ['body', 'title'],
          'String should have between 1 and 200 characters',
          body.title,
        );
      conv.setTitle(title);
    }
    const tags = parseTags(body.tags, ['body', 'tags']);
    if (tags) {
      conv.tags = tags;
      // Tags are conversation state (pushed); a title is stored metadata (not pushed).
      if (server.atLeast('1.16.0')) conv.emit(stateUpdateEvent('tags', tags));
    }
    sendJson(c.res, 200, { success: true });
  });
  r.add('DELETE', '/api/conversations/:id', (c) => {
    const id = conversationParam(c);
    if (!server.get(id)) throw new HttpError(400, { detail: 'Bad Request' });
    server.remove(id);
    sendJson(c.res, 200, { success: true });
  });

  r.add('POST', '/api/conversations/:id/events', async (c) => {
    const conv = requireConversation(c);
    const body = await readBodyRecord(c, false);
    if (body.role !== undefined && body.role !== 'user') throw new Error('AssertionError: role must be user');
    const content = parseContent(body.content, false);
    if (!content)
      throw validationError(['body', 'content'], 'Input should be a valid list', body.content, 'list_type');
    conv.sendMessage(content, body.run === true);
    sendJson(c.res, 200, { success: true });
  });
  r.add('GET', '/api/conversations/:id/events', async (c) => {
    const conv = requireConversation(c);
    const ids = await readJson(c.req);
    if (!Array.isArray(ids)) throw validationError(['body'], 'Field required', ids, 'missing');
    sendJson(
      c.res,
      200,
      ids.map((id) => conv.events.find((e) => e.id === id) ?? null),
    );
  });
  r.add('GET', '/api/conversations/:id/events/search', (c) => {
    const conv = requireConversation(c);
    const limit = parseLimit(c.query);
    const desc = sortOrder(c.query.get('sort_order'));
    const items = filterEvents(conv.events, c.query);
    if (desc) items.reverse();
    const result = page(items, c.query.get('page_id'), limit, (e) => e.id);
    sendJson(c.res, 200, {
      items: result.items.map((e) => server.wire(e, 'search')),
      next_page_id: result.next_page_id,
    });
  });
  r.add('GET', '/api/conversations/:id/events/count', (c) => {
    const conv = requireConversation(c);
    sendJson(c.res, 200, filterEvents(conv.events, c.query).length);
  });
  r.add('POST', '/api/conversations/:id/events/respond_to_confirmation', async (c) => {
    const conv = requireConversation(c);
    const body = await readJson(c.req);
    if (!isRecord(body) || typeof body.accept !== 'boolean')
      throw validationError(['body', 'accept'], 'Field required', body, 'missing');
    conv.respond(body.accept, typeof body.reason === 'string' ? body.reason : 'User rejected the action.');
    sendJson(c.res, 200, { success: true });
  });
  r.add('GET', '/api/conversations/:id/events/:eventId', (c) => {
    const conv = requireConversation(c);
    const event = conv.events.find((e) => e.id === c.params.eventId);
    // EventLog.get_index raises KeyError, which the server answers with a 500 (not the declared 404).
    if (!event) throw new Error(`KeyError: 'Unknown event_id: ${c.params.eventId}'`);
    sendJson(c.res, 200, server.wire(event, 'get'));
  });
  r.add('POST', '/api/conversations/:id/run', (c) => {
    const conv = requireConversation(c);
    if (conv.run() === 'conflict')
      throw new HttpError(409, {
        detail: 'Conversation already running. Wait for completion or pause first.',
      });
    sendJson(c.res, 200, { success: true });
  });
  r.add('POST', '/api/conversations/:id/pause', (c) => {
    const conv = server.get(conversationParam(c));
    if (!conv) throw new HttpError(400, { detail: 'Bad Request' });
    conv.pause();
    sendJson(c.res, 200, { success: true });
  });
  if (server.atLeast('1.23.0'))
    r.add('POST', '/api/conversations/:id/interrupt', (c) => {
      const conv = server.get(conversationParam(c));
      if (!conv) throw new HttpError(400, { detail: 'Bad Request' });
      conv.interrupt();
      sendJson(c.res, 200, { success: true });
    });
  r.add('POST', '/api/conversations/:id/confirmation_policy', async (c) => {
    const conv = requireConversation(c);
    const body = await readJson(c.req);
    const policy = parsePolicy(isRecord(body) ? body.policy : undefined, ['body', 'policy']);
    conv.confirmationPolicy = policy;
    conv.emit(stateUpdateEvent('confirmation_policy', policy));
    sendJson(c.res, 200, { success: true });
  });
  if (server.atLeast('1.18.0')) r.add('POST', '/api/conversations/:id/fork', (c) => fork(server, c));
  if (server.atLeast('1.31.0'))
    r.add('POST', '/api/conversations/:id/navigate', async (c) => {
      const id = conversationParam(c);
      const body = await readBodyRecord(c, true);
      const conv = server.get(id);
      if (!conv) throw new HttpError(404, { detail: 'Conversation not found' });
      const eventId = body.event_id ?? null;
      if (eventId !== null && typeof eventId !== 'string')
        throw validationError(['body', 'event_id'], 'Input should be a valid string', eventId, 'string_type');
      if (conv.navigate(eventId) === 'unknown_event')
        throw new HttpError(404, { detail: `Unknown event_id: ${eventId}` });
      sendJson(c.res, 200, conv.info());
    });
  if (!server.atLeast('1.19.0'))
    r.add('POST', '/api/conversations/:id/generate_title', async (c) => {
      const conv = requireConversation(c);
      const body = await readBodyRecord(c, true);
      const max = typeof body.max_length === 'number' ? body.max_length : 50;
      const first = conv.events.find((e) => e.kind === 'MessageEvent' && e.source === 'user');
      const text = first ? messageText(first).trim().split('\n')[0]! : '';
      sendJson(c.res, 200, { title: (text || 'New Conversation').slice(0, max) });
    });
}
