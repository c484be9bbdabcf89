import { describe, expect, it } from 'vitest';
import { qualifiedEventKind, reachableConversationUrl } from '../../../src/main/api/agent-server-client';
import { chunk } from '../../../src/main/api/app-server-client';
import { errorForStatus, serverReason } from '../../../src/main/api/errors';
import { checkRemotePath, fileRouteForm } from '../../../src/main/api/file-transfer';
import { retryAfterMs } from '../../../src/main/api/http-client';
import { buildUrl, legacyId, sameId, v1Id } from '../../../src/main/api/ids';
import { readJsonArrayStream } from '../../../src/main/api/json-array-stream';

function streamOf(...pieces: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const p of pieces) controller.enqueue(encoder.encode(p));
      controller.close();
    },
  });
}

describe('ids and URLs', () => {
  it('accepts V1 ids in both spellings and returns hex', () => {
    expect(v1Id('AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE')).toBe('aaaaaaaabbbb4ccc8dddeeeeeeeeeeee');
    expect(v1Id('0123456789abcdef0123456789abcdef')).toBe('0123456789abcdef0123456789abcdef');
    expect(sameId('aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee', 'AAAAAAAABBBB4CCC8DDDEEEEEEEEEEEE')).toBe(true);
  });

  it.each([
    '',
    '../x',
    'a/b',
    '%2e%2e',
    'x?y=1',
    '0123456789abcdef0123456789abcde',
    'g'.repeat(32),
    'é'.repeat(32),
    42,
    null,
  ])('refuses %j as a V1 id', (raw) => {
    expect(() => v1Id(raw)).toThrow(expect.objectContaining({ kind: 'bad-request' }) as Error);
  });

  it.each(['../x', 'a/b', 'a\\b', 'x'.repeat(101), '', 'a b', 'a%2Fb'])('refuses %j as a V0 id', (raw) => {
    expect(() => legacyId(raw)).toThrow(expect.objectContaining({ kind: 'bad-request' }) as Error);
  });

  it('encodes every segment and repeats array query keys', () => {
    const url = buildUrl('http://h:3000/base/', ['api', 'file', 'upload', '/workspace/a b.txt'], {
      ids: ['1', '2'],
      x: undefined,
    });
    expect(url).toBe('http://h:3000/base/api/file/upload/%2Fworkspace%2Fa%20b.txt?ids=1&ids=2');
  });
});

describe('agent-server URLs', () => {
  it('keeps a loopback agent URL when the app server is local too', () => {
    expect(
      reachableConversationUrl('http://localhost:32001/api/conversations/abc', 'http://localhost:3000'),
    ).toBe('http://localhost:32001/api/conversations/abc');
  });

  it('moves a loopback agent URL to the app server host (keeping the port) when the app server is remote', () => {
    expect(
      reachableConversationUrl('http://localhost:32001/api/conversations/abc', 'http://devbox.lan:3000'),
    ).toBe('http://devbox.lan:32001/api/conversations/abc');
  });

  it('resolves a relative conversation URL against the app server and leaves remote hosts alone', () => {
    expect(reachableConversationUrl('/api/conversations/abc', 'https://oh.example.com')).toBe(
      'https://oh.example.com/api/conversations/abc',
    );
    expect(
      reachableConversationUrl(
        'https://rt-1.prod-runtime.all-hands.dev/api/conversations/abc',
        'https://app.all-hands.dev',
      ),
    ).toBe('https://rt-1.prod-runtime.all-hands.dev/api/conversations/abc');
  });

  it('qualifies event kinds for the search filter', () => {
    expect(qualifiedEventKind('MessageEvent')).toBe(
      'openhands.sdk.event.llm_convertible.message.MessageEvent',
    );
    expect(qualifiedEventKind('openhands.custom.Thing')).toBe('openhands.custom.Thing');
  });
});

describe('file routes', () => {
  it.each([
    ['1.3.0', 'path'],
    ['1.13.9', 'path'],
    ['1.14.0', 'query'],
    ['1.43.1', 'query'],
    ['2.0.0', 'query'],
    [undefined, undefined],
    ['nightly', undefined],
  ])('agent server %s uses the %s form', (version, form) => {
    expect(fileRouteForm(version)).toBe(form);
  });

  it('accepts only absolute, normalised remote paths', () => {
    expect(checkRemotePath('/workspace//project/a.txt')).toBe('/workspace/project/a.txt');
    for (const bad of [
      'workspace/a',
      '/workspace/../etc/passwd',
      '/a/./b',
      '/a\0b',
      '/a\nb',
      `/${'x'.repeat(5000)}`,
    ])
      expect(() => checkRemotePath(bad)).toThrow(expect.objectContaining({ kind: 'bad-request' }) as Error);
  });
});

describe('error mapping', () => {
  it.each([
    [401, 'unauthorized'],
    [403, 'forbidden'],
    [404, 'not-found'],
    [409, 'conflict'],
    [422, 'bad-request'],
    [400, 'bad-request'],
    [429, 'rate-limited'],
    [500, 'server-error'],
    [503, 'server-error'],
    [302, 'invalid-response'],
  ])('HTTP %i is %s', (status, kind) => {
    expect(errorForStatus(status, undefined, 'h:1', undefined).kind).toBe(kind);
  });

  it('carries the server reason from each body shape OpenHands uses', () => {
    expect(serverReason({ detail: 'Conversation not found: x' })).toBe('Conversation not found: x');
    expect(serverReason({ error: 'NoCredentialsError' })).toBe('NoCredentialsError');
    expect(serverReason({ message: 'Too many requests' })).toBe('Too many requests');
    expect(serverReason({ detail: [{ loc: ['body', 'title'], msg: 'String too long' }] })).toBe(
      'title: String too long',
    );
    expect(errorForStatus(429, {}, 'h:1', 2500).message).toContain('3 s');
  });

  it('reads Retry-After in seconds or as a date, else X-RateLimit-Reset', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now)).toBe(5000);
    expect(retryAfterMs(new Headers({ 'x-ratelimit-reset': String(now / 1000 + 7) }), now)).toBe(7000);
    expect(retryAfterMs(new Headers(), now)).toBeUndefined();
  });
});

describe('streamed JSON arrays (stream-start)', () => {
  it('hands over each element as it completes, across chunk boundaries and braces in strings', async () => {
    const seen: unknown[] = [];
    await readJsonArrayStream(
      streamOf('[\n{"id":"a","detail":"x } ] {"', '},\n{"id":"b","n":{"deep":[1,', '2]}}\n]'),
      (v) => seen.push(v),
    );
    expect(seen).toEqual([
      { id: 'a', detail: 'x } ] {' },
      { id: 'b', n: { deep: [1, 2] } },
    ]);
  });

  it('rejects a stream that ends before the array closes', async () => {
    const seen: unknown[] = [];
    await expect(
      readJsonArrayStream(streamOf('[\n{"id":"a"},\n{"id":'), (v) => seen.push(v)),
    ).rejects.toThrow(/ended early/);
    expect(seen).toEqual([{ id: 'a' }]);
  });

  it('chunks batches to the server limit', () => {
    expect(chunk([...Array(199).keys()], 99).map((c) => c.length)).toEqual([99, 99, 1]);
  });
});
