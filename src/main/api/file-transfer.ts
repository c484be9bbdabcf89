import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { t } from '../i18n';
import { agentFor } from '../network/environment';
import { ApiError, errorForStatus } from './errors';
import { label, retryAfterMs } from './http-client';
import { buildUrl } from './ids';
import { sessionKeyHeader } from './session-key';

/** Bytes read from disk per chunk: larger chunks cost less per byte (1 MiB measured faster than 256 KiB). */
export const UPLOAD_CHUNK_BYTES = 1024 * 1024;

/** Which upload/download route an agent server has: `?path=` from 1.14, `/{path}` before 1.20. */
export type FileRouteForm = 'query' | 'path';

export function fileRouteForm(version: string | undefined): FileRouteForm | undefined {
  if (!version) return undefined;
  const [major = 0, minor = 0] = version.split('.').map((n) => Number.parseInt(n, 10));
  if (!Number.isFinite(major) || !Number.isFinite(minor)) return undefined;
  return major > 1 || (major === 1 && minor >= 14) ? 'query' : 'path';
}

/**
 * The server accepts any absolute path it can write (§9.24); we only send absolute, normalised paths with no
 * `..` segments, so a file lands where the user asked and nowhere else.
 */
export function checkRemotePath(path: string): string {
  if (typeof path !== 'string' || !path.startsWith('/') || path.length > 4096 || /[\0\r\n]/.test(path))
    throw new ApiError('bad-request', t('apiErrors.notAbsolutePath', { path: String(path).slice(0, 80) }));
  if (path.split('/').some((part) => part === '..' || part === '.'))
    throw new ApiError('bad-request', t('apiErrors.dotSegments', { path: path.slice(0, 80) }));
  return path.replace(/\/{2,}/g, '/');
}

export interface TransferOptions {
  /** The agent server's base URL, path prefix included (AgentServerClient.agentBase). */
  agentBase: string;
  sessionApiKey: string;
  remotePath: string;
  form: FileRouteForm;
  signal?: AbortSignal;
  /** No bytes moving for this long aborts the transfer (there is no overall limit: files can be large). */
  idleTimeoutMs?: number;
}

export interface TransferProgress {
  bytes: number;
  totalBytes: number;
}

function fileUrl(
  base: string,
  action: 'upload' | 'download',
  remotePath: string,
  form: FileRouteForm,
): string {
  return form === 'query'
    ? buildUrl(base, ['api', 'file', action], { path: remotePath })
    : // The whole absolute path as one encoded segment: the server decodes `%2Fworkspace%2Fa.txt` back.
      buildUrl(base, ['api', 'file', action, remotePath]);
}

async function send(
  url: string,
  options: http.RequestOptions,
  signal?: AbortSignal,
): Promise<http.ClientRequest> {
  const client = url.startsWith('https:') ? https : http;
  // Through the proxy the environment or the system names (network/environment.ts).
  const agent = await agentFor(url);
  return client.request(url, { ...options, ...(agent ? { agent } : {}), ...(signal ? { signal } : {}) });
}

async function readSmallBody(response: IncomingMessage, limit = 1024 * 1024): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response) {
    size += (chunk as Buffer).length;
    if (size > limit) break;
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function transferError(error: unknown, server: string, signal: AbortSignal | undefined): ApiError {
  if (error instanceof ApiError) return error;
  if (signal?.aborted) return new ApiError('aborted', t('apiErrors.transferCancelled'), { cause: error });
  const code = (error as { code?: string }).code;
  if (code === 'ETIMEDOUT')
    return new ApiError('timeout', t('apiErrors.transferStalled', { server }), { cause: error });
  return new ApiError(
    'offline',
    t('apiErrors.transferFailed', { server, code: code ?? t('apiErrors.reasonNetwork') }),
    { cause: error },
  );
}

export interface MultipartFile {
  field: string;
  localPath: string;
  filename: string;
}

/**
 * POSTs files from disk as `multipart/form-data`, streamed: memory stays flat whatever the size,
 * Content-Length is exact, and `onProgress` reports bytes as they leave. Returns the parsed answer.
 */
export async function postFiles(options: {
  url: string;
  headers: Record<string, string>;
  files: MultipartFile[];
  onProgress?: (p: TransferProgress) => void;
  signal?: AbortSignal;
  idleTimeoutMs?: number;
}): Promise<unknown> {
  const server = label(options.url);
  const boundary = `----OpenHandsDesktop${randomBytes(12).toString('hex')}`;
  const parts = await Promise.all(
    options.files.map(async (file) => {
      const info = await stat(file.localPath).catch((error: unknown) => {
        throw new ApiError(
          'bad-request',
          t('apiErrors.cannotReadFile', { file: basename(file.localPath), reason: (error as Error).message }),
        );
      });
      if (!info.isFile())
        throw new ApiError('bad-request', t('apiErrors.notAFile', { file: basename(file.localPath) }));
      const name = file.filename.replace(/["\\\r\n]/g, '_');
      const head = Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${name}"; filename*=UTF-8''${encodeURIComponent(name)}\r\n` +
          'Content-Type: application/octet-stream\r\n\r\n',
      );
      return { file, head, size: info.size };
    }),
  );
  const tail = Buffer.from(`--${boundary}--\r\n`);
  const crlf = Buffer.from('\r\n');
  const total = parts.reduce((n, p) => n + p.size, 0);
  const length = parts.reduce((n, p) => n + p.head.length + p.size + crlf.length, 0) + tail.length;
  const req = await send(
    options.url,
    {
      method: 'POST',
      headers: {
        ...options.headers,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(length),
        accept: 'application/json',
      },
    },
    options.signal,
  );
  req.setTimeout(options.idleTimeoutMs ?? 60_000, () =>
    req.destroy(Object.assign(new Error('idle timeout'), { code: 'ETIMEDOUT' })),
  );
  const responded = new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
  // A cancel mid-body rejects this before anyone awaits it (the pipeline fails first): mark it handled here;
  // the awaits below still see the rejection.
  responded.catch(() => undefined);
  let sent = 0;
  async function* body(): AsyncGenerator<Buffer> {
    for (const part of parts) {
      yield part.head;
      for await (const chunk of createReadStream(part.file.localPath, {
        highWaterMark: UPLOAD_CHUNK_BYTES,
      })) {
        sent += (chunk as Buffer).length;
        options.onProgress?.({ bytes: sent, totalBytes: total });
        yield chunk as Buffer;
      }
      yield crlf;
    }
    yield tail;
  }
  try {
    await pipeline(Readable.from(body()), req);
  } catch (error) {
    // The server may have answered (and closed) before taking the whole body: its answer wins.
    const early = await Promise.race([
      responded.catch(() => undefined),
      new Promise<undefined>((r) => setTimeout(() => r(undefined), 200)),
    ]);
    if (!early) throw transferError(error, server, options.signal);
  }
  let response: IncomingMessage;
  try {
    response = await responded;
  } catch (error) {
    throw transferError(error, server, options.signal);
  }
  const parsed = await readSmallBody(response).catch(() => undefined);
  const status = response.statusCode ?? 0;
  if (status < 200 || status >= 300) {
    throw errorForStatus(
      status,
      parsed,
      server,
      retryAfterMs(new Headers(response.headers as Record<string, string>), Date.now()),
    );
  }
  return parsed;
}

/** Uploads one file into a V1 sandbox's workspace (field `file`, the route form the server has). */
export async function uploadFile(
  options: TransferOptions & { localPath: string; onProgress?: (p: TransferProgress) => void },
): Promise<void> {
  const remotePath = checkRemotePath(options.remotePath);
  await postFiles({
    url: fileUrl(options.agentBase, 'upload', remotePath, options.form),
    headers: sessionKeyHeader(options.sessionApiKey),
    files: [{ field: 'file', localPath: options.localPath, filename: basename(remotePath) }],
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.idleTimeoutMs ? { idleTimeoutMs: options.idleTimeoutMs } : {}),
  });
}

/** Downloads a workspace file to `localPath` (written to a temporary name, then renamed into place). */
export async function downloadFile(
  options: TransferOptions & { localPath: string; onProgress?: (p: TransferProgress) => void },
): Promise<{ bytes: number }> {
  const remotePath = checkRemotePath(options.remotePath);
  const url = fileUrl(options.agentBase, 'download', remotePath, options.form);
  const server = label(url);
  const req = await send(
    url,
    { method: 'GET', headers: sessionKeyHeader(options.sessionApiKey) },
    options.signal,
  );
  req.setTimeout(options.idleTimeoutMs ?? 60_000, () =>
    req.destroy(Object.assign(new Error('idle timeout'), { code: 'ETIMEDOUT' })),
  );
  req.end();
  let response: IncomingMessage;
  try {
    response = await new Promise<IncomingMessage>((resolve, reject) => {
      req.once('response', resolve);
      req.once('error', reject);
    });
  } catch (error) {
    throw transferError(error, server, options.signal);
  }
  const status = response.statusCode ?? 0;
  if (status !== 200)
    throw errorForStatus(status, await readSmallBody(response).catch(() => undefined), server, undefined);
  const total = Number(response.headers['content-length'] ?? 0);
  const temp = `${options.localPath}.part-${randomBytes(4).toString('hex')}`;
  let bytes = 0;
  response.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    options.onProgress?.({ bytes, totalBytes: total });
  });
  try {
    await pipeline(response, createWriteStream(temp));
    if (total && bytes !== total)
      throw new ApiError('offline', t('apiErrors.downloadEndedEarly', { server }));
    await rename(temp, options.localPath);
  } catch (error) {
    await rm(temp, { force: true });
    throw transferError(error, server, options.signal);
  }
  return { bytes };
}
