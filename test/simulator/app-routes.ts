import type { ServerResponse } from 'node:http';
import {
  HttpError,
  isRecord,
  parseBool,
  parseDateFilter,
  parseLimit,
  parseOffsetPageId,
  pythonList,
  readJson,
  type RouteContext,
  type Router,
  sendInternalError,
  sendJson,
  timeSorter,
  validationError,
} from './http';
import { dashedOf, hexOf, isUuid } from './ids';
import type { Organisations } from './orgs';
import { userInfo } from './users';
import type { AppConversationRecord, StartTask, World } from './world';

/** What the V1 route modules share. */
export interface AppServerContext {
  world: World;
  userId: string | null;
  /** Cloud organisations: set in the current profile in SaaS mode only. */
  orgs: Organisations | undefined;
}

/**
 * Cloud scopes every conversation lookup to the user's effective org (E-INFO): returns the filter and the
 * org new conversations go to. Resolving it is what makes a bad `X-Org-Id` fail (400/403).
 */
export function orgScope(
  ctx: AppServerContext,
  c: RouteContext,
): {
  orgId: string | null;
  visible: (rec: AppConversationRecord) => boolean;
} {
  const org = ctx.orgs?.effective(c.req);
  if (!org) return { orgId: null, visible: () => true };
  return { orgId: org.id, visible: (rec) => rec.orgId === org.id };
}

/** Offset paging as the SQL-backed V1 services do it. */
function offsetPage<T>(items: T[], query: URLSearchParams): { items: T[]; next_page_id: string | null } {
  const limit = parseLimit(query);
  const offset = parseOffsetPageId(query);
  const slice = items.slice(offset, offset + limit);
  return { items: slice, next_page_id: offset + limit < items.length ? String(offset + limit) : null };
}

/** Legacy: repeated `?ids=` UUIDs, at most 99: the router asserts `len(ids) < 100`, so 100 fail with a plain 500. */
function batchIds(query: URLSearchParams, name: string, uuid = true): string[] | 'too-many' {
  const ids = query.getAll(name);
  if (ids.length === 0) throw validationError(['query', name], 'Field required', null, 'missing');
  if (uuid)
    for (const id of ids)
      if (!isUuid(id))
        throw validationError(['query', name], 'Input should be a valid UUID', id, 'uuid_parsing');
  return ids.length >= 100 ? 'too-many' : ids;
}

function answerBatch(res: ServerResponse, ids: string[] | 'too-many', lookup: (id: string) => unknown): void {
  if (ids === 'too-many') return sendInternalError(res);
  sendJson(
    res,
    200,
    ids.map((id) => lookup(id) ?? null),
  );
}

function conversationFilter(world: World, query: URLSearchParams): (c: AppConversationRecord) => boolean {
  const title = query.get('title__contains')?.toLowerCase();
  const cGte = parseDateFilter(query, 'created_at__gte');
  const cLt = parseDateFilter(query, 'created_at__lt');
  const uGte = parseDateFilter(query, 'updated_at__gte');
  const uLt = parseDateFilter(query, 'updated_at__lt');
  // `sandbox_id__eq` arrived after Nov 2025; the legacy server ignores it like any unknown parameter.
  const sandboxId = world.current ? query.get('sandbox_id__eq') : null;
  return (c) => {
    const updatedAt = world.updatedAt(c);
    return (
      (!title || (c.title ?? '').toLowerCase().includes(title)) &&
      (cGte === undefined || c.createdAt >= cGte) &&
      (cLt === undefined || c.createdAt < cLt) &&
      (uGte === undefined || updatedAt >= uGte) &&
      (uLt === undefined || updatedAt < uLt) &&
      (sandboxId === null || c.sandboxId === sandboxId)
    );
  };
}

/**
 * Today's batch limits and id checks (§9.3, §9.4): conversations take at most 99 ids and answer 400 for
 * a malformed one; start tasks take 100 (their ids are UUID-typed, so a bad one is FastAPI's 422);
 * sandboxes take 100.
 */
function currentConversationIds(query: URLSearchParams): string[] {
  const ids = query.getAll('ids');
  if (ids.length === 0) throw validationError(['query', 'ids'], 'Field required', null, 'missing');
  if (ids.length >= 100) throw new HttpError(400, { detail: 'Too many ids requested. Maximum is 99.' });
  const invalid = ids.filter((id) => !isUuid(id));
  if (invalid.length > 0)
    throw new HttpError(400, { detail: `Invalid UUID format for ids: ${pythonList(invalid)}` });
  return ids;
}

function currentCappedIds(query: URLSearchParams, name: string, what: string, uuid: boolean): string[] {
  const ids = query.getAll(name);
  if (ids.length === 0) throw validationError(['query', name], 'Field required', null, 'missing');
  if (uuid)
    for (const id of ids)
      if (!isUuid(id))
        throw validationError(['query', name], 'Input should be a valid UUID', id, 'uuid_parsing');
  if (ids.length > 100)
    throw new HttpError(400, { detail: `Cannot request more than 100 ${what} at once, got ${ids.length}` });
  return ids;
}

const START_REQUEST_STRINGS = [
  'sandbox_id',
  'system_message_suffix',
  'llm_model',
  'selected_repository',
  'selected_branch',
  'git_provider',
  'title',
  'trigger',
] as const;

/** Validates an `AppConversationStartRequest` and returns it with its defaults, as a start task echoes it. */
function parseStartRequest(body: unknown, current: boolean): Record<string, unknown> {
  if (!isRecord(body)) throw validationError(['body'], 'Field required', body, 'missing');
  const out: Record<string, unknown> = {};
  for (const key of START_REQUEST_STRINGS) {
    const v = body[key];
    if (v !== undefined && v !== null && typeof v !== 'string')
      throw validationError(['body', key], 'Input should be a valid string', v, 'string_type');
    out[key] = v ?? null;
  }
  for (const key of ['conversation_id', 'parent_conversation_id'] as const) {
    const v = body[key];
    if (v !== undefined && v !== null && (typeof v !== 'string' || !isUuid(v)))
      throw validationError(['body', key], 'Input should be a valid UUID', v, 'uuid_parsing');
    // conversation_id is a plain UUID (echoed dashed); parent_conversation_id is an OpenHandsUUID (hex).
    out[key] = typeof v === 'string' ? (key === 'conversation_id' ? dashedOf(v) : hexOf(v)) : null;
  }
  const initial = body.initial_message;
  if (initial !== undefined && initial !== null) {
    if (!isRecord(initial) || !Array.isArray(initial.content))
      throw validationError(
        ['body', 'initial_message', 'content'],
        'Input should be a valid list',
        initial,
        'list_type',
      );
    out.initial_message = { role: 'user', content: initial.content, run: initial.run === true };
  } else out.initial_message = null;
  const agentType = body.agent_type ?? 'default';
  if (agentType !== 'default' && agentType !== 'plan')
    throw validationError(['body', 'agent_type'], "Input should be 'default' or 'plan'", agentType, 'enum');
  out.agent_type = agentType;
  out.processors = Array.isArray(body.processors) ? body.processors : null;
  out.pr_number = Array.isArray(body.pr_number) ? body.pr_number : [];
  if (current) {
    // Sharing arrived after Nov 2025: `public` is part of today's start request.
    const pub = body.public ?? null;
    if (pub !== null && typeof pub !== 'boolean')
      throw validationError(['body', 'public'], 'Input should be a valid boolean', pub, 'bool_type');
    out.public = pub;
  }
  return out;
}

/** The V1 app-server routes (`/api/v1/...`) both profiles have, each as its profile's server answers it. */
export function addV1Routes(r: Router, ctx: AppServerContext): void {
  const { world } = ctx;
  const records = (): AppConversationRecord[] =>
    [...world.conversations.values()].sort((a, b) => b.createdAt - a.createdAt);
  /** A row as search and batch get send it, spoiled if a test asked for it. */
  const row = (rec: AppConversationRecord): Record<string, unknown> =>
    world.rowQuirks.row(rec.id, world.appConversation(rec));

  r.add('GET', '/api/v1/users/me', (c) => userInfo(ctx, c));

  // No `sort_order` parameter in any version: always created_at desc, whatever the client sends (§9.2).
  r.add('GET', '/api/v1/app-conversations/search', (c) => {
    const { visible } = orgScope(ctx, c);
    const includeSubs = world.current
      ? parseBool(c.query.get('include_sub_conversations'), false)
      : c.query.get('include_sub_conversations') === 'true';
    const filter = conversationFilter(world, c.query);
    const items = records().filter((rec) => visible(rec) && (includeSubs || !rec.parentId) && filter(rec));
    const page = offsetPage(items, c.query);
    sendJson(
      c.res,
      200,
      world.rowQuirks.page({ items: page.items.map(row), next_page_id: page.next_page_id }),
    );
  });
  // The count includes sub-conversations (§9.5).
  r.add('GET', '/api/v1/app-conversations/count', (c) => {
    const { visible } = orgScope(ctx, c);
    const filter = conversationFilter(world, c.query);
    sendJson(c.res, 200, records().filter((rec) => visible(rec) && filter(rec)).length);
  });

  const tasks = (c: RouteContext): StartTask[] => {
    const convId = c.query.get('conversation_id__eq');
    if (convId !== null && !isUuid(convId))
      throw validationError(
        ['query', 'conversation_id__eq'],
        'Input should be a valid UUID',
        convId,
        'uuid_parsing',
      );
    const gte = parseDateFilter(c.query, 'created_at__gte');
    return [...world.tasks.values()].filter(
      (t) =>
        (convId === null || t.appConversationId === hexOf(convId)) &&
        (gte === undefined || t.createdAt >= gte),
    );
  };
  r.add('GET', '/api/v1/app-conversations/start-tasks/search', (c) => {
    const sorter = timeSorter<StartTask>(c.query);
    const page = offsetPage(tasks(c).sort(sorter), c.query);
    sendJson(c.res, 200, {
      items: page.items.map((t) => world.taskJson(t)),
      next_page_id: page.next_page_id,
    });
  });
  r.add('GET', '/api/v1/app-conversations/start-tasks/count', (c) => sendJson(c.res, 200, tasks(c).length));
  r.add('GET', '/api/v1/app-conversations/start-tasks', (c) =>
    answerBatch(
      c.res,
      world.current ? currentCappedIds(c.query, 'ids', 'start tasks', true) : batchIds(c.query, 'ids'),
      (id) => {
        const task = world.tasks.get(hexOf(id));
        return task && world.taskJson(task);
      },
    ),
  );
  r.add('GET', '/api/v1/app-conversations', (c) => {
    const ids = world.current ? currentConversationIds(c.query) : batchIds(c.query, 'ids');
    const { visible } = orgScope(ctx, c);
    answerBatch(c.res, ids, (id) => {
      const rec = world.conversations.get(hexOf(id));
      return rec && visible(rec) ? row(rec) : undefined;
    });
  });
  r.add('POST', '/api/v1/app-conversations', async (c) => {
    const { orgId } = orgScope(ctx, c);
    const task = world.startConversation(parseStartRequest(await readJson(c.req), world.current), orgId);
    sendJson(c.res, 200, world.taskJson(task));
  });
  // A JSON array written element by element while the start runs; the connection ends at READY or ERROR.
  r.add('POST', '/api/v1/app-conversations/stream-start', async (c) => {
    const { orgId } = orgScope(ctx, c);
    const request = parseStartRequest(await readJson(c.req), world.current);
    c.res.writeHead(200, { 'content-type': 'application/json' });
    c.res.write('[\n');
    const task = world.startConversation(request, orgId);
    c.res.write(JSON.stringify(world.taskJson(task)));
    const stop = world.onTask((t) => {
      if (t.id !== task.id) return;
      c.res.write(',\n' + JSON.stringify(world.taskJson(t)));
      if (t.status === 'READY' || t.status === 'ERROR') {
        stop();
        c.res.end('\n]');
      }
    });
    c.res.on('close', stop);
  });

  r.add('GET', '/api/v1/sandboxes/search', (c) => {
    const items = [...world.sandboxes.values()].sort((a, b) => b.createdAt - a.createdAt);
    const page = offsetPage(items, c.query);
    sendJson(c.res, 200, {
      items: page.items.map((s) => world.sandboxInfo(s)),
      next_page_id: page.next_page_id,
    });
  });
  r.add('GET', '/api/v1/sandboxes', (c) =>
    answerBatch(
      c.res,
      world.current ? currentCappedIds(c.query, 'id', 'sandboxes', false) : batchIds(c.query, 'id', false),
      (id) => {
        const s = world.sandboxes.get(id);
        return s && world.sandboxInfo(s);
      },
    ),
  );
  const sandboxAction = (action: (id: string) => Promise<boolean>) => async (c: RouteContext) => {
    if (!(await action(c.params.id ?? ''))) throw new HttpError(404, { detail: 'Not Found' });
    sendJson(c.res, 200, { success: true });
  };
  r.add(
    'POST',
    '/api/v1/sandboxes/:id/pause',
    sandboxAction((id) => world.pauseSandbox(id)),
  );
  r.add(
    'POST',
    '/api/v1/sandboxes/:id/resume',
    sandboxAction((id) => world.resumeSandbox(id)),
  );
  // Route bug kept on purpose: the handler reads `sandbox_id` from the query, so without it → 422.
  r.add('DELETE', '/api/v1/sandboxes/:id', async (c) => {
    const id = c.query.get('sandbox_id');
    if (id === null) throw validationError(['query', 'sandbox_id'], 'Field required', null, 'missing');
    if (!(await world.deleteSandbox(id))) throw new HttpError(404, { detail: 'Not Found' });
    sendJson(c.res, 200, { success: true });
  });
}
