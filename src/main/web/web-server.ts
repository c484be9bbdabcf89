// Browser mode's transport: serves the built renderer and carries the bridge contract over a WebSocket,
// on 127.0.0.1 only. No Electron here. It adds no features of its own: every frame goes through the same
// `dispatch` the Electron IPC uses.
//
// Access control, layer by layer:
// - Host header must be exactly `127.0.0.1:<port>` or `localhost:<port>` (DNS-rebinding defence) → 403.
// - A random per-launch token (32 bytes, base64url, compared in constant time). The page is opened once with
//   `?token=`; the answer sets an HttpOnly, SameSite=Strict cookie (named per port, since cookies are not
//   isolated by port), so assets and the socket carry it without the page ever seeing it (the renderer
//   then drops `?token=` from the address bar; Referrer-Policy no-referrer keeps it out of Referer).
//   `?token=` is still accepted on any request, for non-browser clients.
// - The WebSocket also requires an Origin equal to the page's own origin (cross-site pages cannot open it).
// - `POST /uploads/stage` (browser-mode uploads, staged-uploads.ts) requires the same Host, the token and that
//   same Origin; anything else is refused with 403 before a byte of the body is stored.
// - `uploads:plan` (paths on disk) is refused on the socket: a page names no file, it streams it.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import { z } from 'zod';
import { STAGE_UPLOAD_PATH, type StagedFileReceipt } from '../../shared/bridge/staged-uploads';
import { isApiError } from '../api/errors';
import type { Dispatch } from '../bridge/dispatch';
import { t } from '../i18n';
import type { Logger } from '../logger';

export const BRIDGE_PATH = '/bridge';
/** Largest frame the socket accepts (a bridge call is small; uploads never travel through it). */
export const MAX_FRAME_BYTES = 1024 * 1024;
/** Contract channels that name files on disk: never answered for a socket (see `answer`). */
const PATH_CHANNELS: ReadonlySet<string> = new Set(['uploads:plan']);

/** The same policy as the `<meta>` in src/renderer/index.html, also sent as a header. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

const frameSchema = z.object({
  id: z.union([z.string().min(1).max(100), z.number().int()]),
  channel: z.string().min(1).max(200),
  input: z.unknown().optional(),
});

export interface WebServerOptions {
  /** 0 picks a free port. */
  port: number;
  host: '127.0.0.1';
  /** The built renderer (out/renderer). */
  rendererDir: string;
  dispatch: Dispatch;
  /** Default: 32 random bytes, base64url. */
  token?: string;
  logger: Logger;
  /** Stores one file a page streamed for an upload (`stageId` null: start a new stage). Absent: 404. */
  stageUpload?: (req: IncomingMessage, stageId: string | null, name: string) => Promise<StagedFileReceipt>;
}

export interface WebServer {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  token: string;
  port: number;
  /** Sends `{ event, payload }` to every connected page. */
  broadcast(eventName: string, payload: unknown): void;
  close(): Promise<void>;
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokensEqual(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  // Lengths are not secret (the token's length is fixed); the content is compared in constant time.
  return a.length === b.length && timingSafeEqual(a, b);
}

function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    cookies.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return cookies;
}

function securityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

function plain(res: ServerResponse, status: number, text: string): void {
  securityHeaders(res);
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`${text}\n`);
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? newToken();
  const { logger, dispatch } = options;
  const root = await realpath(path.resolve(options.rendererDir));
  let port = 0;
  const cookieName = (): string => `openhands_token_${port}`;
  const allowedHosts = (): string[] => [`127.0.0.1:${port}`, `localhost:${port}`];
  const hostOk = (req: IncomingMessage): boolean => allowedHosts().includes(req.headers.host ?? '');

  const tokenOf = (req: IncomingMessage, url: URL): { fromQuery: boolean; ok: boolean } => {
    const query = url.searchParams.get('token') ?? undefined;
    if (query !== undefined) return { fromQuery: true, ok: tokensEqual(token, query) };
    return { fromQuery: false, ok: tokensEqual(token, parseCookies(req.headers.cookie).get(cookieName())) };
  };

  /** A file under the renderer folder, or undefined (never anything outside it, symlinks included). */
  const resolveFile = async (pathname: string): Promise<string | undefined> => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return undefined;
    }
    if (decoded.includes('\0')) return undefined;
    const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
    const candidate = path.resolve(root, relative);
    if (candidate !== root && !candidate.startsWith(root + path.sep)) return undefined;
    try {
      const real = await realpath(candidate);
      if (!real.startsWith(root + path.sep)) return undefined;
      return (await stat(real)).isFile() ? real : undefined;
    } catch {
      return undefined;
    }
  };

  /** Refuses a request whose body is not wanted, without reading a large one to the end. */
  const refuseBody = (req: IncomingMessage, res: ServerResponse, status: number, text: string): void => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (Number.isFinite(declared) && declared <= 64 * 1024) req.resume();
    else {
      res.setHeader('Connection', 'close');
      res.once('finish', () => req.destroy());
    }
    plain(res, status, text);
  };

  const json = (res: ServerResponse, status: number, body: unknown): void => {
    securityHeaders(res);
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify(body));
  };

  const stage = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    // Same checks as the socket: our Host (already checked), the page's own Origin, the token.
    const fetchSite = req.headers['sec-fetch-site'];
    if (
      req.headers.origin !== `http://${req.headers.host}` ||
      (fetchSite !== undefined && fetchSite !== 'same-origin') ||
      !tokenOf(req, url).ok
    )
      return refuseBody(req, res, 403, 'Forbidden.');
    if (!options.stageUpload) return refuseBody(req, res, 404, 'Not found.');
    const name = url.searchParams.get('name');
    const stageId = url.searchParams.get('plan');
    if (!name) return refuseBody(req, res, 400, 'A staged file needs ?name=.');
    try {
      json(res, 200, await options.stageUpload(req, stageId, name));
    } catch (error) {
      const status = stagingStatus(error);
      if (status === 500)
        logger.error(`web: staging failed: ${error instanceof Error ? error.message : String(error)}`);
      const message = status === 500 ? t('mainErrors.webFileNotStored') : (error as Error).message;
      // 507 gets its own code, so a client can tell "no room left" from a conflict over one name.
      const code = status === 507 ? 'quota-exceeded' : isApiError(error) ? error.kind : 'internal';
      if (!res.headersSent) {
        if (!req.complete) {
          res.setHeader('Connection', 'close');
          res.once('finish', () => req.destroy());
        }
        json(res, status, { error: { code, message } });
      }
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!hostOk(req)) return refuseBody(req, res, 403, 'Forbidden host.');
    if (req.method === 'POST') {
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
      if (url.pathname === STAGE_UPLOAD_PATH) return stage(req, res, url);
      res.setHeader('Allow', 'GET, HEAD');
      return refuseBody(req, res, 405, 'Method not allowed.');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return plain(res, 405, 'Method not allowed.');
    }
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    const auth = tokenOf(req, url);
    if (!auth.ok) return plain(res, 401, t('mainErrors.webOpenTokenAddress'));
    const file = await resolveFile(url.pathname);
    if (!file) return plain(res, 404, 'Not found.');
    const body = await readFile(file);
    securityHeaders(res);
    const isHtml = path.extname(file) === '.html';
    // The token in the address is traded for a cookie so assets and the socket are authorised too.
    if (auth.fromQuery)
      res.setHeader('Set-Cookie', `${cookieName()}=${token}; HttpOnly; SameSite=Strict; Path=/`);
    res.writeHead(200, {
      'Content-Type': MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': body.length,
      'Cache-Control': isHtml ? 'no-store' : 'private, max-age=0, must-revalidate',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error(`web: request failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) plain(res, 500, 'Internal error.');
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    if (!hostOk(req)) return refuseUpgrade(socket, 403, 'Forbidden');
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    if (url.pathname !== BRIDGE_PATH) return refuseUpgrade(socket, 404, 'Not Found');
    const origin = req.headers.origin;
    // The Host is already one of ours, so this is the page's own origin and nothing else.
    if (origin !== `http://${req.headers.host}`) return refuseUpgrade(socket, 403, 'Forbidden');
    if (!tokenOf(req, url).ok) return refuseUpgrade(socket, 401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    logger.info(`web: a page connected (${wss.clients.size} open)`);
    ws.on('error', (error) => logger.warn(`web: socket error: ${error.message}`));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      void answer(ws, data, isBinary);
    });
  });

  const send = (ws: WebSocket, message: unknown): void => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  };

  const answer = async (ws: WebSocket, data: RawData, isBinary: boolean): Promise<void> => {
    if (isBinary) return send(ws, { id: null, error: { code: 'bad-frame', message: 'Text frames only.' } });
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawText(data));
    } catch {
      return send(ws, { id: null, error: { code: 'bad-frame', message: 'A frame must be JSON.' } });
    }
    const frame = frameSchema.safeParse(parsed);
    if (!frame.success)
      return send(ws, {
        id: null,
        error: { code: 'bad-frame', message: 'A frame is { id, channel, input }.' },
      });
    const { id, channel, input } = frame.data;
    // `uploads:plan` takes paths on disk: only the Electron preload may call it, with paths it took from files
    // the user dropped or picked. A page here streams its files instead (`uploads:planStaged`), so whatever
    // names a path over this socket is refused before dispatch (the plans behind it refuse raw paths too).
    if (PATH_CHANNELS.has(channel))
      return send(ws, {
        id,
        result: {
          ok: false,
          error: { code: 'forbidden', message: t('mainErrors.webUploadForbidden') },
        },
      });
    try {
      send(ws, { id, result: await dispatch(channel, input) });
    } catch (error) {
      // dispatch never throws by contract; this keeps a bug from crashing the process or the socket.
      logger.error(`web: dispatch failed: ${error instanceof Error ? error.message : String(error)}`);
      send(ws, {
        id,
        result: { ok: false, error: { code: 'internal', message: t('mainErrors.webInternal') } },
      });
    }
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/`,
    token,
    port,
    broadcast(eventName, payload) {
      const message = JSON.stringify({ event: eventName, payload });
      for (const client of wss.clients) if (client.readyState === WebSocket.OPEN) client.send(message);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The status for a failed staging: the one staging chose (409 name conflict, 507 no room), else by kind. */
function stagingStatus(error: unknown): number {
  if (!isApiError(error)) return 500;
  if (error.status !== undefined && error.status >= 400 && error.status < 600) return error.status;
  const byKind: Partial<Record<string, number>> = {
    'not-found': 404,
    conflict: 409,
    'rate-limited': 429,
    'bad-request': 400,
  };
  return byKind[error.kind] ?? 500;
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
