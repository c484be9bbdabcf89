import { describe, expect, it } from 'vitest';
import {
  agentHostSchema,
  agentHostsSchema,
  describeProblems,
  normalizeBaseUrl,
  serverInputSchema,
  serverKind,
  serverUpdateSchema,
  splitAgentHosts,
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

describe('agent hosts', () => {
  it.each([
    ['rt-1.example.com', 'rt-1.example.com'],
    ['  RT-1.Example.COM ', 'rt-1.example.com'],
    ['10.0.0.7', '10.0.0.7'],
    ['runtime', 'runtime'],
    ['agent_1.lan.example', 'agent_1.lan.example'],
    ['[FD00:0:0::7]', '[fd00::7]'],
    ['[::1]', '[::1]'],
    ['*.Example.com', '*.example.com'],
    ['*.runtime.example.com', '*.runtime.example.com'],
    ['bücher.example', 'xn--bcher-kva.example'],
    ['*.bücher.example', '*.xn--bcher-kva.example'],
    [`${'a'.repeat(63)}.example`, `${'a'.repeat(63)}.example`],
  ])('%j → %j', (raw, normal) => {
    expect(agentHostSchema.parse(raw)).toBe(normal);
    // The normal form is a fixed point: what servers.json keeps loads back as it is.
    expect(agentHostSchema.parse(normal)).toBe(normal);
  });

  it.each([
    ['', /must not be empty/],
    ['   ', /must not be empty/],
    ['http://rt-1.example.com', /without http:\/\/ or https:\/\//],
    ['https://10.0.0.7', /without http:\/\/ or https:\/\//],
    ['ws+unix://x', /without http:\/\/ or https:\/\//],
    ['rt-1.example.com:8000', /must not include a port/],
    ['[fd00::7]:8000', /must not include a port/],
    ['fd00::7', /IPv6 address in brackets/],
    ['[fd00::zz]', /not a valid IPv6 address/],
    ['rt-1.example.com/api', /without a path/],
    ['rt-1.example.com?x', /without a path/],
    ['user@rt-1.example.com', /must not contain a user name/],
    ['rt 1.example.com', /spaces or control characters/],
    ['rt-1\n.example.com', /spaces or control characters/],
    ['*', /wildcard is only allowed as the first part/],
    ['*.', /wildcard needs a domain after it/],
    ['rt-*.example.com', /wildcard is only allowed as the first part/],
    ['*.*.example.com', /wildcard is only allowed as the first part/],
    ['*.com', /not a whole top-level domain/],
    ['*.10.0.0.7', /not an IP address/],
    ['*.[fd00::7]', /not an IP address/],
    ['010.0.0.7', /four numbers/],
    ['10.7', /four numbers/],
    ['999.1.1.1', /not a valid host name or IP address/],
    ['example.com.', /must not start or end with a dot/],
    ['a..example.com', /two dots in a row/],
    ['a%2eexample.com', /may only contain letters, digits/],
    [`${'a'.repeat(64)}.example`, /at most 63 characters/],
    ['a'.repeat(254), /at most 253 characters/],
  ])('rejects %j', (raw, message) => {
    const result = agentHostSchema.safeParse(raw);
    expect(result.success, raw).toBe(false);
    if (!result.success) expect(result.error.issues[0]?.message).toMatch(message);
  });

  it('a list: normalised, duplicates dropped in order, at most 20', () => {
    expect(
      agentHostsSchema.parse(['RT-1.example.com', '*.example.com', 'rt-1.example.com ', '10.0.0.7']),
    ).toEqual(['rt-1.example.com', '*.example.com', '10.0.0.7']);
    expect(agentHostsSchema.parse([])).toEqual([]);
    const twenty = Array.from({ length: 20 }, (_, i) => `rt-${i}.example.com`);
    expect(agentHostsSchema.parse(twenty)).toEqual(twenty);
    expect(agentHostsSchema.safeParse([...twenty, 'rt-20.example.com']).success).toBe(false);
  });

  it('is an optional field of a new server and of an update, its problems reported on agentHosts', () => {
    expect(
      serverInputSchema.parse({ name: 'x', baseUrl: 'http://h', agentHosts: ['*.Example.com', 'rt-1'] }),
    ).toEqual({ name: 'x', baseUrl: 'http://h', agentHosts: ['*.example.com', 'rt-1'] });
    expect(serverUpdateSchema.parse({ agentHosts: [] })).toEqual({ agentHosts: [] });
    expect(serverUpdateSchema.parse({})).not.toHaveProperty('agentHosts');
    expect(problemsOf({ name: 'x', baseUrl: 'http://h', agentHosts: ['ok.example', 'http://bad'] })).toEqual([
      {
        field: 'agentHosts',
        message: 'Agent host "http://bad" must be a host name only, without http:// or https://.',
      },
    ]);
    expect(problemsOf({ agentHosts: 'rt-1.example.com' }, serverUpdateSchema)).toEqual([
      { field: 'agentHosts', message: 'Agent hosts must be a list of host names.' },
    ]);
    expect(problemsOf({ agentHosts: [7] }, serverUpdateSchema)).toEqual([
      { field: 'agentHosts', message: 'Agent host must be text.' },
    ]);
    expect(
      problemsOf({ agentHosts: Array.from({ length: 21 }, (_, i) => `h${i}`) }, serverUpdateSchema),
    ).toEqual([{ field: 'agentHosts', message: 'At most 20 agent hosts can be listed.' }]);
  });

  it('splits typed text on commas, spaces and line breaks', () => {
    expect(splitAgentHosts(' rt-1.example.com, *.example.com  10.0.0.7,,\n[fd00::7] ')).toEqual([
      'rt-1.example.com',
      '*.example.com',
      '10.0.0.7',
      '[fd00::7]',
    ]);
    expect(splitAgentHosts('  ,  ')).toEqual([]);
  });
});
