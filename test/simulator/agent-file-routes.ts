import Busboy from 'busboy';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { page } from './agent-wire';
import {
  HttpError,
  parseBool,
  parseLimit,
  type RouteContext,
  type Router,
  sendJson,
  validationError,
} from './http';
import type { SandboxFiles } from './sandbox-files';

/** The sandbox user's home (the agent-server image runs as `openhands`). */
export const SANDBOX_HOME = '/home/openhands';

interface FileRoutesHost {
  readonly files: SandboxFiles;
  atLeast(min: string): boolean;
}

function absolutePath(host: FileRoutesHost, raw: string | null, forUpload: boolean): string {
  if (raw === null) throw validationError(['query', 'path'], 'Field required', null, 'missing');
  if (!raw.startsWith('/')) {
    // 1.3.0's upload swallowed this 400 into a 500.
    if (forUpload && !host.atLeast('1.4.0'))
      throw new HttpError(500, {
        detail: 'Internal Server Error',
        exception: '500: Failed to upload file: 400: Path must be absolute',
      });
    throw new HttpError(400, { detail: 'Path must be absolute' });
  }
  return raw;
}

/** Streams the multipart field `file` straight to disk; other fields are ignored. */
async function upload(host: FileRoutesHost, ctx: RouteContext, rawPath: string | null): Promise<void> {
  const target = host.files.hostPath(absolutePath(host, rawPath, true));
  const type = ctx.req.headers['content-type'] ?? '';
  if (!type.startsWith('multipart/form-data'))
    throw validationError(['body', 'file'], 'Field required', null, 'missing');
  await mkdir(join(target, '..'), { recursive: true });
  const written = await new Promise<boolean>((resolve, reject) => {
    const parser = Busboy({ headers: ctx.req.headers });
    let saw = false;
    let writing: Promise<void> = Promise.resolve();
    parser.on('file', (name, stream) => {
      if (name !== 'file' || saw) {
        stream.resume();
        return;
      }
      saw = true;
      writing = pipeline(stream, createWriteStream(target));
    });
    parser.on('close', () => {
      writing.then(() => resolve(saw), reject);
    });
    parser.on('error', reject);
    ctx.req.pipe(parser);
  });
  if (!written) throw validationError(['body', 'file'], 'Field required', null, 'missing');
  sendJson(ctx.res, 200, { success: true });
}

async function download(host: FileRoutesHost, ctx: RouteContext, rawPath: string | null): Promise<void> {
  const sandboxPath = absolutePath(host, rawPath, false);
  const target = host.files.hostPath(sandboxPath);
  const info = await stat(target).catch(() => undefined);
  if (!info) throw new HttpError(404, { detail: 'File not found' });
  if (!info.isFile()) throw new HttpError(400, { detail: 'Path is not a file' });
  ctx.res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': String(info.size),
    'content-disposition': `attachment; filename="${posix.basename(sandboxPath)}"`,
  });
  // Exactly the announced size, even if an interrupted upload is still writing to the file.
  if (info.size === 0) ctx.res.end();
  else await pipeline(createReadStream(target, { end: info.size - 1 }), ctx.res);
}

/** Sub-directories of a sandbox folder (no symlinks), sorted case-insensitively. */
async function subdirectories(
  host: FileRoutesHost,
  dir: string,
  includeHidden: boolean,
): Promise<{ name: string; path: string }[]> {
  const entries = await readdir(host.files.hostPath(dir), { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && (includeHidden || !e.name.startsWith('.')))
    .map((e) => ({ name: e.name, path: posix.join(dir, e.name) }))
    .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
}

/** `/api/file/*` and `/api/git/*` (§4.9), by release. */
export function addFileRoutes(r: Router, host: FileRoutesHost): void {
  // The query form exists from 1.14, the path form up to 1.19.x (removed in 1.20.0).
  if (host.atLeast('1.14.0')) {
    r.add('POST', '/api/file/upload', (c) => upload(host, c, c.query.get('path')));
    r.add('GET', '/api/file/download', (c) => download(host, c, c.query.get('path')));
  }
  if (!host.atLeast('1.20.0')) {
    r.add('POST', '/api/file/upload/*path', (c) => upload(host, c, c.params.path ?? ''));
    r.add('GET', '/api/file/download/*path', (c) => download(host, c, c.params.path ?? ''));
  }

  if (host.atLeast('1.21.0')) {
    r.add('GET', '/api/file/home', async (c) => {
      const includeHidden = parseBool(c.query.get('include_hidden'), false);
      const dirs = await subdirectories(host, SANDBOX_HOME, includeHidden).catch(() => []);
      sendJson(c.res, 200, {
        home: SANDBOX_HOME,
        favorites: dirs.slice(0, 50).map((d) => ({ label: d.name, path: d.path })),
        locations: [{ label: '/', path: '/' }],
      });
    });
    r.add('GET', '/api/file/search_subdirs', async (c) => {
      const dir = absolutePath(host, c.query.get('path'), false);
      const limit = parseLimit(c.query);
      const info = await stat(host.files.hostPath(dir)).catch(() => undefined);
      if (!info) throw new HttpError(404, { detail: 'Directory not found' });
      if (!info.isDirectory()) throw new HttpError(400, { detail: 'Path is not a directory' });
      const dirs = await subdirectories(host, dir, parseBool(c.query.get('include_hidden'), false));
      // The cursor is the lower-cased name of the next page's first directory.
      sendJson(
        c.res,
        200,
        page(dirs, c.query.get('page_id'), limit, (d) => d.name.toLowerCase()),
      );
    });
  }

  if (host.atLeast('1.12.0')) {
    r.add('GET', '/api/git/changes', (c) => {
      const path = c.query.get('path');
      if (path === null) throw validationError(['query', 'path'], 'Field required', null, 'missing');
      sendJson(c.res, 200, host.files.changes(path));
    });
    r.add('GET', '/api/git/diff', (c) => {
      const path = c.query.get('path');
      if (path === null) throw validationError(['query', 'path'], 'Field required', null, 'missing');
      if (c.query.get('ref') !== null && c.query.get('commit') !== null)
        throw new HttpError(400, { detail: 'ref and commit are mutually exclusive' });
      sendJson(c.res, 200, host.files.diff(path));
    });
  }
  if (!host.atLeast('1.20.0')) {
    r.add('GET', '/api/git/changes/*path', (c) =>
      sendJson(c.res, 200, host.files.changes(`/${c.params.path ?? ''}`.replace(/^\/\//, '/'))),
    );
    r.add('GET', '/api/git/diff/*path', (c) =>
      sendJson(c.res, 200, host.files.diff(`/${c.params.path ?? ''}`.replace(/^\/\//, '/'))),
    );
  }
}
