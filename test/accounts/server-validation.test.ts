import { describe, expect, it } from 'vitest';
import {
  describeProblems,
  normalizeBaseUrl,
  serverInputSchema,
  serverKind,
  serverUpdateSchema,
} from '../../src/shared/servers';

function problemsOf(
  input: unknown,
  schema: typeof serverInputSchema | typeof serverUpdateSchema = serverInputSchema,
) {
  const result = schema.safeParse(input);
  if (result.success) throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
  return describeProblems(result.error);
}

describe('base URL', () => {
  it.each([
    ['http://localhost:3000', 'http://localhost:3000'],
    ['http://localhost:3000/', 'http://localhost:3000'],
    ['  HTTPS://App.All-Hands.dev/  ', 'https://app.all-hands.dev'],
    ['https://example.com:443/', 'https://example.com'],
    ['http://example.com:80', 'http://example.com'],
    ['https://example.com/openhands///', 'https://example.com/openhands'],
    ['http://[::1]:3000/', 'http://[::1]:3000'],
    ['http://192.168.1.20:3000', 'http://192.168.1.20:3000'],
  ])('%j → %j', (raw, normalised) => {
    expect(normalizeBaseUrl(raw)).toEqual({ ok: true, url: normalised });
  });

  it.each([
    ['', /required/],
    ['   ', /required/],
    ['localhost:3000', /http:\/\/ or https:\/\//],
    ['example.com', /full URL/],
    ['ftp://x', /http:\/\/ or https:\/\//],
    ['file:///etc/passwd', /http:\/\/ or https:\/\//],
    ['javascript:alert(1)', /http:\/\/ or https:\/\//],
    ['data:text/html,hi', /http:\/\/ or https:\/\//],
    ['http://user:pw@host', /user name or password/],
    ['http://user@host', /user name or password/],
    ['http://:pw@host', /user name or password/],
    ['http://host/?a=1', /query/],
    ['http://host/?', /query/],
    ['http://host/#frag', /fragment/],
    ['http://host/#', /fragment/],
    ['http://exa mple.com', /spaces/],
    ['http://host/\npath', /spaces or control/],
    ['http://', /full URL/],
    [`http://h/${'a'.repeat(2048)}`, /at most 2048/],
  ])('rejects %j', (raw, message) => {
    const result = normalizeBaseUrl(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});

describe('server kind', () => {
  it.each([
    ['https://app.all-hands.dev', 'cloud'],
    ['https://staging.all-hands.dev', 'cloud'],
    ['http://localhost:3000', 'self-hosted'],
    ['https://all-hands.dev.evil.example', 'self-hosted'],
    ['https://notall-hands.dev', 'self-hosted'],
    ['not a url', 'self-hosted'],
  ])('%s is %s', (url, kind) => {
    expect(serverKind(url)).toBe(kind);
  });
});

describe('ServerInput', () => {
  it('trims the name, normalises the URL and keeps the key byte for byte', () => {
    expect(
      serverInputSchema.parse({
        name: '  My server ',
        baseUrl: 'http://localhost:3000/',
        apiKey: 'sk-ABC_123.x',
      }),
    ).toEqual({ name: 'My server', baseUrl: 'http://localhost:3000', apiKey: 'sk-ABC_123.x' });
    expect(serverInputSchema.parse({ name: 'x', baseUrl: 'http://h' })).toEqual({
      name: 'x',
      baseUrl: 'http://h',
    });
  });

  it.each([
    [{ name: '', baseUrl: 'http://h' }, 'name', 'Name is required.'],
    [{ name: '   ', baseUrl: 'http://h' }, 'name', 'Name is required.'],
    [{ baseUrl: 'http://h' }, 'name', 'Name is required.'],
    [{ name: 42, baseUrl: 'http://h' }, 'name', 'Name must be text.'],
    [{ name: 'x'.repeat(81), baseUrl: 'http://h' }, 'name', 'Name must be at most 80 characters.'],
    [
      { name: 'two\nlines', baseUrl: 'http://h' },
      'name',
      'Name must not contain line breaks or control characters.',
    ],
    [{ name: 'x' }, 'baseUrl', 'Server address is required.'],
    [{ name: 'x', baseUrl: 'ftp://x' }, 'baseUrl', 'Server address must start with http:// or https://.'],
    [{ name: 'x', baseUrl: 'http://h', apiKey: '' }, 'apiKey', 'API key must not be empty.'],
    [
      { name: 'x', baseUrl: 'http://h', apiKey: 'k'.repeat(4097) },
      'apiKey',
      'API key must be at most 4096 characters.',
    ],
    [{ name: 'x', baseUrl: 'http://h', apiKey: 7 }, 'apiKey', 'API key must be text.'],
  ])('%j → %s: %s', (input, field, message) => {
    expect(problemsOf(input)).toEqual([{ field, message }]);
  });

  it('accepts an 80-character name (counted in characters, not UTF-16 units) and a 4096-character key', () => {
    expect(serverInputSchema.safeParse({ name: '🙂'.repeat(80), baseUrl: 'http://h' }).success).toBe(true);
    expect(
      serverInputSchema.safeParse({ name: 'n', baseUrl: 'http://h', apiKey: 'k'.repeat(4096) }).success,
    ).toBe(true);
  });

  it.each([
    'sk-secret\n',
    'sk-se\ncret',
    'sk secret',
    '\tsk-secret',
    'sk-secret\r',
    'sk-\u0000secret',
    'sk-\u007fx',
  ])('rejects the key %j without echoing it', (apiKey) => {
    const result = serverInputSchema.safeParse({ name: 'x', baseUrl: 'http://h', apiKey });
    expect(result.success).toBe(false);
    if (result.success) return;
    const problems = describeProblems(result.error);
    expect(problems).toEqual([
      { field: 'apiKey', message: 'API key must not contain spaces, line breaks or control characters.' },
    ]);
    expect(JSON.stringify(problems)).not.toContain('secret');
  });

  it('reports every bad field once, in plain words, and unknown fields by name', () => {
    expect(problemsOf({ name: '', baseUrl: 'javascript:alert(1)', apiKey: 'a b' })).toEqual([
      { field: 'name', message: 'Name is required.' },
      { field: 'baseUrl', message: 'Server address must start with http:// or https://.' },
      { field: 'apiKey', message: 'API key must not contain spaces, line breaks or control characters.' },
    ]);
    expect(problemsOf({ name: 'x', baseUrl: 'http://h', token: 'y' })).toEqual([
      { field: '', message: 'Unknown field(s): token.' },
    ]);
    expect(problemsOf('http://h')).toEqual([
      { field: '', message: 'Expected an object with a name, a server address and optionally an API key.' },
    ]);
  });
});

describe('ServerUpdate', () => {
  it('is partial; apiKey null removes the key', () => {
    expect(serverUpdateSchema.parse({})).toEqual({});
    expect(serverUpdateSchema.parse({ apiKey: null })).toEqual({ apiKey: null });
    expect(serverUpdateSchema.parse({ baseUrl: 'https://app.all-hands.dev/' })).toEqual({
      baseUrl: 'https://app.all-hands.dev',
    });
  });

  it('validates what is given', () => {
    expect(problemsOf({ name: '' }, serverUpdateSchema)).toEqual([
      { field: 'name', message: 'Name is required.' },
    ]);
    expect(problemsOf({ apiKey: 'with space' }, serverUpdateSchema)).toEqual([
      { field: 'apiKey', message: 'API key must not contain spaces, line breaks or control characters.' },
    ]);
    expect(problemsOf({ baseUrl: 'http://u:p@h' }, serverUpdateSchema)[0]?.field).toBe('baseUrl');
  });
});

describe('Cloud organisation', () => {
  const org = '0b5f2c1e-7a3d-4c9b-8e6f-1a2b3c4d5e6f';

  it('takes a UUID (kept lower-case) or null, with an optional name', () => {
    expect(
      serverInputSchema.parse({
        name: 'x',
        baseUrl: 'http://h',
        orgId: ` ${org.toUpperCase()} `,
        orgName: 'Acme',
      }),
    ).toEqual({ name: 'x', baseUrl: 'http://h', orgId: org, orgName: 'Acme' });
    expect(serverInputSchema.parse({ name: 'x', baseUrl: 'http://h', orgId: null })).toEqual({
      name: 'x',
      baseUrl: 'http://h',
      orgId: null,
    });
    expect(serverUpdateSchema.parse({ orgId: org })).toEqual({ orgId: org });
    expect(serverUpdateSchema.parse({ orgId: null, orgName: null })).toEqual({ orgId: null, orgName: null });
  });

  it.each([
    'not-a-uuid',
    '',
    org.replaceAll('-', ''),
    `{${org}}`,
    `urn:uuid:${org}`,
    `${org}x`,
    '0b5f2c1e-7a3d-4c9b-8e6f-1a2b3c4d5e6g',
  ])('rejects the organization id %j next to the field', (orgId) => {
    expect(problemsOf({ name: 'x', baseUrl: 'http://h', orgId })).toEqual([
      { field: 'orgId', message: 'Organization must be an organization id (a UUID).' },
    ]);
    expect(problemsOf({ orgId }, serverUpdateSchema)).toEqual([
      { field: 'orgId', message: 'Organization must be an organization id (a UUID).' },
    ]);
  });

  it('rejects an id that is not text, and a name without its id', () => {
    expect(problemsOf({ name: 'x', baseUrl: 'http://h', orgId: 42 })).toEqual([
      { field: 'orgId', message: 'Organization must be text.' },
    ]);
    expect(problemsOf({ name: 'x', baseUrl: 'http://h', orgName: 'Acme' })).toEqual([
      { field: 'orgName', message: 'An organization name needs the organization id it belongs to.' },
    ]);
    expect(problemsOf({ orgId: null, orgName: 'Acme' }, serverUpdateSchema)).toEqual([
      { field: 'orgName', message: 'An organization name needs the organization id it belongs to.' },
    ]);
  });

  it('keeps a name from Cloud for display: control characters become spaces, long ones are cut', () => {
    const name = (orgName: string) => serverUpdateSchema.parse({ orgId: org, orgName }).orgName;
    expect(name('  Acme\nLabs\u0000 ')).toBe('Acme Labs');
    expect(name('\t \n')).toBeNull();
    expect(name('组'.repeat(250))).toBe('组'.repeat(200));
    expect(problemsOf({ orgId: org, orgName: 'x'.repeat(2001) }, serverUpdateSchema)[0]?.field).toBe(
      'orgName',
    );
  });
});
