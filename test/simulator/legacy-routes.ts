import Busboy from 'busboy';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import {
  HttpError,
  isRecord,
  readJson,
  type RouteContext,
  type Router,
  sendInternalError,
  sendJson,
  validationError,
} from './http';
import { hexOf, isUuid, newHexId } from './ids';
import { LegacyConversation } from './legacy';
import type { Scheduler } from './scheduler';
import type { AppConversationRecord, World } from './world';

/** `conversation_max_age_seconds`: the V0 list hides anything older than 10 days. */
const MAX_AGE_MS = 864_000 * 1000;

/** `validate_conversation_id` on the manage routes. */
function validateId(id: string): void {
  const fail = (detail: string): never => {
    throw new HttpError(400, { detail });
  };
  if (id.length > 100) fail('Conversation ID is too long');
  if (id.includes('\0')) fail('Conversation ID contains invalid characters');
  if (id.includes('..') || id.includes('/') || id.includes('\\'))
    fail('Conversation ID contains invalid path characters');
  if ([...id].some((ch) => ch.charCodeAt(0) < 32)) fail('Conversation ID contains control characters');
}

const INIT_SESSION_FIELDS = new Set([
  'repository',
  'git_provider',
  'selected_branch',
  'initial_user_msg',
  'image_urls',
  'replay_json',
  'suggested_task',
  'create_microagent',
  'conversation_instructions',
  'mcp_config',
]);

const SANDBOX_TO_V0: Record<string, string> = {
  RUNNING: 'RUNNING',
  STARTING: 'STARTING',
  PAUSED: 'STOPPED',
  ERROR: 'ERROR',
  MISSING: 'ARCHIVED',
};

/** How the V0 routes present a V1 conversation (`_to_conversation_info`). */
function v1AsLegacy(world: World, record: AppConversationRecord): Record<string, unknown> {
  const app = world.appConversation(record);
  const sandboxStatus = String(app.sandbox_status);
  const exec = app.execution_status as string | null;
  return {
    conversation_id: record.id,
    title: record.title,
    last_updated_at: app.updated_at,
    status: SANDBOX_TO_V0[sandboxStatus] ?? 'ERROR',
    runtime_status:
      sandboxStatus === 'RUNNING'
        ? exec === null || exec === 'error' || exec === 'stuck'
          ? 'STATUS$ERROR'
          : 'STATUS$READY'
        : null,
    selected_repository: record.selectedRepository,
    selected_branch: record.selectedBranch,
    git_provider: record.gitProvider,
    trigger: record.trigger,
    num_connections: 0,
    url: app.conversation_url,
    session_api_key: app.session_api_key,
    created_at: app.created_at,
    pr_number: record.prNumber,
    conversation_version: 'V1',
    sub_conversation_ids: record.subIds,
  };
}

function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** The combined page id: base64 of `{"v0": <file-store page id>, "v1": <SQL offset>}`. Anything else → 500. */
function decodePageId(raw: string | null): { v0: number; v1: number } | undefined {
  if (!raw) return { v0: 0, v1: 0 };
  try {
    const data = JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as unknown;
    if (!isRecord(data)) return undefined;
    const v0 = typeof data.v0 === 'string' ? Number(Buffer.from(data.v0, 'base64').toString('utf8')) : 0;
    const v1 = typeof data.v1 === 'string' ? Number(data.v1) : 0;
    return { v0: Number.isInteger(v0) ? v0 : 0, v1: Number.isInteger(v1) ? v1 : 0 };
  } catch {
    return undefined;
  }
}

/** The legacy routes under `/api/conversations`, which also serve V1 ids where the real server does. */
export function addLegacyRoutes(r: Router, world: World, scheduler: Scheduler, filesRoot: string): void {
  r.add('GET', '/api/conversations', (c) => {
    const cursor = decodePageId(c.query.get('page_id'));
    if (!cursor) return sendInternalError(c.res);
    const limitRaw = c.query.get('limit');
    const limit = limitRaw === null ? 20 : Number(limitRaw);
    if (!Number.isInteger(limit))
      throw validationError(['query', 'limit'], 'Input should be a valid integer', limitRaw, 'int_parsing');
    const cutoff = Date.now() - MAX_AGE_MS;
    const includeSubs = c.query.get('include_sub_conversations') === 'true';
    const v0All = [...world.legacy.values()]
      .filter((x) => x.lastUpdatedAt >= cutoff)
      .sort((a, b) => b.createdAt - a.createdAt);
    const v1All = [...world.conversations.values()]
      .filter((x) => (includeSubs || !x.parentId) && x.updatedAt >= cutoff)
      .sort((a, b) => b.createdAt - a.createdAt);
    // Both sources are read with `limit`, merged, truncated to `limit`, and both cursors advance: items can drop.
    const v0 = v0All.slice(cursor.v0, cursor.v0 + limit);
    const v1 = v1All.slice(cursor.v1, cursor.v1 + limit);
    const v0Next = cursor.v0 + limit < v0All.length ? b64(String(cursor.v0 + limit)) : null;
    const v1Next = cursor.v1 + limit < v1All.length ? String(cursor.v1 + limit) : null;
    const merged = [
      ...v0.map((x) => ({ at: x.createdAt, info: x.info() })),
      ...v1.map((x) => ({ at: x.createdAt, info: v1AsLegacy(world, x) })),
    ]
      .sort((a, b) => b.at - a.at)
      .slice(0, limit)
      .map((x) => x.info);
    const repo = c.query.get('selected_repository');
    const trigger = c.query.get('conversation_trigger');
    const results = merged.filter(
      (x) => (!repo || x.selected_repository === repo) && (!trigger || x.trigger === trigger),
    );
    sendJson(c.res, 200, {
      results,
      next_page_id: v0Next || v1Next ? b64(JSON.stringify({ v0: v0Next, v1: v1Next })) : null,
    });
  });

  r.add('POST', '/api/conversations', async (c) => {
    const body = await readJson(c.req);
    if (!isRecord(body)) throw validationError(['body'], 'Field required', body, 'missing');
    for (const key of Object.keys(body))
      if (!INIT_SESSION_FIELDS.has(key))
        throw validationError(['body', key], 'Extra inputs are not permitted', body[key], 'extra_forbidden');
    const str = (k: string): string | null => (typeof body[k] === 'string' ? body[k] : null);
    const id = newHexId();
    const conversation = new LegacyConversation(
      id,
      `Conversation ${id.slice(0, 5)}`,
      Date.now(),
      {
        selectedRepository: str('repository'),
        selectedBranch: str('selected_branch'),
        gitProvider: str('git_provider'),
        // Conversations created with a Bearer API key are marked as API-triggered (§2.2).
        trigger: c.req.headers.authorization?.startsWith('Bearer ') ? 'openhands_api' : 'gui',
      },
      scheduler,
    );
    world.legacy.set(id, conversation);
    conversation.start(str('initial_user_msg') ?? undefined);
    sendJson(c.res, 200, {
      status: 'ok',
      conversation_id: id,
      message: null,
      conversation_status: 'STARTING',
    });
  });

  const idParam = (c: RouteContext): string => {
    const id = c.params.id ?? '';
    validateId(id);
    return id;
  };
  const v1Record = (id: string): AppConversationRecord | undefined =>
    isUuid(id) ? world.conversations.get(hexOf(id)) : undefined;

  r.add('GET', '/api/conversations/:id', (c) => {
    const id = idParam(c);
    const v1 = v1Record(id);
    if (v1) return sendJson(c.res, 200, v1AsLegacy(world, v1));
    sendJson(c.res, 200, world.legacy.get(id)?.info() ?? null);
  });

  r.add('PATCH', '/api/conversations/:id', async (c) => {
    const id = idParam(c);
    const body = await readJson(c.req);
    if (!isRecord(body)) throw validationError(['body'], 'Field required', body, 'missing');
    for (const key of Object.keys(body))
      if (key !== 'title')
        throw validationError(['body', key], 'Extra inputs are not permitted', body[key], 'extra_forbidden');
    const title = typeof body.title === 'string' ? body.title.trim() : '';
    if (title.length < 1 || title.length > 200)
      throw validationError(
        ['body', 'title'],
        'String should have between 1 and 200 characters',
        body.title,
        'string_too_short',
      );
    const v1 = v1Record(id);
    if (v1) {
      v1.title = title;
      v1.updatedAt = Date.now();
      world.live(v1)?.setTitle(title);
      return sendJson(c.res, 200, true);
    }
    const legacy = world.legacy.get(id);
    if (!legacy)
      throw new HttpError(404, {
        status: 'error',
        message: 'Conversation not found',
        msg_id: 'CONVERSATION$NOT_FOUND',
      });
    legacy.title = title;
    legacy.lastUpdatedAt = Date.now();
    sendJson(c.res, 200, true);
  });

  r.add('DELETE', '/api/conversations/:id', async (c) => {
    const id = idParam(c);
    if (v1Record(id)) return sendJson(c.res, 200, await world.deleteConversation(id));
    const legacy = world.legacy.get(id);
    if (!legacy) return sendJson(c.res, 200, false);
    legacy.stop();
    world.legacy.delete(id);
    sendJson(c.res, 200, true);
  });

  r.add('POST', '/api/conversations/:id/start', async (c) => {
    const id = idParam(c);
    const body = await readJson(c.req);
    if (!isRecord(body)) throw validationError(['body'], 'Field required', body, 'missing');
    const legacy = world.legacy.get(id);
    if (!legacy) throw new HttpError(404, { status: 'error', conversation_id: id });
    legacy.start();
    sendJson(c.res, 200, {
      status: 'ok',
      conversation_id: id,
      message: null,
      conversation_status: legacy.status,
    });
  });

  r.add('POST', '/api/conversations/:id/stop', (c) => {
    const id = idParam(c);
    const legacy = world.legacy.get(id);
    const wasRunning = legacy?.stop() ?? false;
    sendJson(c.res, 200, {
      status: 'ok',
      conversation_id: id,
      message: wasRunning ? 'Conversation stopped successfully' : 'Conversation was not running',
      conversation_status: 'STOPPED',
    });
  });

  r.add('GET', '/api/conversations/:id/events', (c) => {
    const legacy = world.legacy.get(c.params.id ?? '');
    if (!legacy) throw new HttpError(404, { detail: `Conversation ${c.params.id} not found` });
    const int = (name: string, fallback: number): number => {
      const raw = c.query.get(name);
      if (raw === null) return fallback;
      const n = Number(raw);
      if (!Number.isInteger(n))
        throw validationError(['query', name], 'Input should be a valid integer', raw, 'int_parsing');
      return n;
    };
    const limit = int('limit', 20);
    const startId = int('start_id', 0);
    const endId = int('end_id', Infinity);
    if (limit < 0 || limit > 100) throw new HttpError(400, { detail: 'Invalid limit' });
    let events = legacy.events.filter((e) => e.id >= startId && e.id <= endId);
    if (c.query.get('reverse') === 'true') events = events.reverse();
    sendJson(c.res, 200, { events: events.slice(0, limit), has_more: events.length > limit });
  });

  const running = (c: RouteContext): LegacyConversation => {
    const legacy = world.legacy.get(c.params.id ?? '');
    if (!legacy || legacy.status !== 'RUNNING')
      throw new HttpError(404, { detail: `Conversation ${c.params.id} not found` });
    return legacy;
  };

  r.add('POST', '/api/conversations/:id/message', async (c) => {
    const legacy = running(c);
    const body = await readJson(c.req);
    if (!isRecord(body) || typeof body.message !== 'string')
      throw validationError(['body', 'message'], 'Field required', body, 'missing');
    legacy.message(body.message);
    sendJson(c.res, 200, { success: true });
  });

  // Files arrive in the repeated field `files` and are decoded as UTF-8 with replacement: binaries get corrupted.
  r.add('POST', '/api/conversations/:id/upload-files', async (c) => {
    const legacy = running(c);
    const root = join(filesRoot, 'legacy', legacy.id);
    const files = await new Promise<{ name: string; data: Buffer }[]>((resolve, reject) => {
      const parser = Busboy({ headers: c.req.headers, preservePath: true });
      const out: { name: string; data: Buffer }[] = [];
      parser.on('file', (field, stream, info) => {
        const chunks: Buffer[] = [];
        stream.on('data', (d: Buffer) => chunks.push(d));
        stream.on('end', () => {
          if (field === 'files') out.push({ name: info.filename, data: Buffer.concat(chunks) });
        });
      });
      parser.on('close', () => resolve(out));
      parser.on('error', reject);
      c.req.pipe(parser);
    });
    const uploaded: string[] = [];
    for (const file of files) {
      // os.path.join(workspace_mount_path, filename) without sanitising: an absolute or `..` name escapes
      // the workspace on the real server (§8). On the host, the simulator still confines it to its folder.
      const sandboxPath = file.name.startsWith('/') ? file.name : `/workspace/${file.name}`;
      const target = join(root, posix.normalize(sandboxPath));
      await mkdir(join(target, '..'), { recursive: true });
      await writeFile(target, Buffer.from(file.data.toString('utf8'), 'utf8'));
      uploaded.push(sandboxPath);
    }
    sendJson(c.res, 200, { uploaded_files: uploaded, skipped_files: [] });
  });
}
