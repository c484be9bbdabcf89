// The component tests run against the fake bridge in ./support, so it must look like the real one: every
// method and event it offers is in the contract (src/shared/bridge/contract.ts) and the other way round,
// and what it answers and what the tests push through it parse with the contract's schemas. Without this,
// the fake could drift (a renamed method, a field main no longer sends) and the component tests would
// keep passing against a bridge that does not exist.
import { describe, expect, it } from 'vitest';
import { EVENT_NAMES, subscriberName } from '../../src/shared/bridge/channels';
import { EVENT_SCHEMAS, INVOKE_SCHEMAS } from '../../src/shared/bridge/contract';
import { DEFAULT_APP_SETTINGS } from '../../src/shared/settings-schema';
import { createFakeBridge } from './support/fake-bridge';
import { conversation, outboxItem, serverView } from './support/fixtures';

type AnyMethod = (input?: unknown) => Promise<{ ok: boolean; data?: unknown; error?: unknown }>;

const contractMethods = (): string[] =>
  Object.entries(INVOKE_SCHEMAS).flatMap(([ns, methods]) => Object.keys(methods).map((m) => `${ns}.${m}`));

const outputSchema = (method: string) => {
  const [ns, m] = method.split('.') as [string, string];
  return (INVOKE_SCHEMAS as unknown as Record<string, Record<string, { output: { safeParse: Parse } }>>)[
    ns
  ]?.[m]?.output;
};
type Parse = (value: unknown) => { success: boolean; error?: { message: string } };

/** The fake with every kind of state it answers from filled by the shared fixtures. */
function filledFake() {
  return createFakeBridge({
    servers: [
      serverView(),
      serverView({
        id: 's2',
        kind: 'cloud',
        keyStorage: 'keychain',
        hasKey: true,
        orgId: 'o1',
        orgName: 'Acme',
      }),
    ],
    health: [
      { serverId: 's1', state: 'online', lastOkAt: 1, problem: null },
      { serverId: 's2', state: 'offline', lastOkAt: null, problem: { kind: 'offline', message: 'Down' } },
    ],
    conversations: [conversation(), conversation({ id: 'def456', version: 'V0', status: 'finished' })],
    outbox: [
      outboxItem(),
      outboxItem({ id: 'o2', kind: 'create', tempId: 't1', state: 'failed', canRetry: true }),
    ],
    settings: DEFAULT_APP_SETTINGS,
    timeline: { key: 's1/abc123', items: [], hasEarlier: false, live: 'live' },
  });
}

describe('the fake bridge of the component tests, against the bridge contract', () => {
  it('offers exactly the contract’s methods, namespace by namespace, and its events', () => {
    const { bridge } = createFakeBridge();
    const offered = Object.entries(bridge as unknown as Record<string, unknown>)
      .filter(([, value]) => typeof value === 'object' && value !== null)
      .flatMap(([ns, methods]) => Object.keys(methods as object).map((m) => `${ns}.${m}`));
    expect(offered.sort()).toEqual(contractMethods().sort());
    const subscribers = Object.entries(bridge as unknown as Record<string, unknown>)
      .filter(([, value]) => typeof value === 'function')
      .map(([name]) => name);
    expect(subscribers.sort()).toEqual(
      Object.keys(EVENT_SCHEMAS)
        .map((event) => subscriberName(event as (typeof EVENT_NAMES)[number]))
        .sort(),
    );
  });

  it('answers only methods the contract has', () => {
    const { answered } = createFakeBridge();
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.filter((method) => !contractMethods().includes(method))).toEqual([]);
  });

  it('answers each method it answers with data that parses with that method’s output schema', async () => {
    const fake = filledFake();
    const problems: string[] = [];
    for (const method of fake.answered) {
      const [ns, m] = method.split('.') as [string, string];
      const fn = (fake.bridge as unknown as Record<string, Record<string, AnyMethod>>)[ns]?.[m];
      // Inputs the real bridge would accept; the fake's default answers do not depend on them but a
      // settings update merges its patch in.
      const input =
        method === 'settings.update'
          ? { language: 'zh-CN' }
          : method === 'conversations.setOnScreen'
            ? null
            : method === 'conversations.timeline'
              ? { ref: { serverId: 's1', id: 'abc123', version: 'V1' } }
              : method === 'conversations.olderEvents'
                ? {
                    ref: { serverId: 's1', id: 'abc123', version: 'V1' },
                    before: { id: 'e1', timestamp: '2025-01-01T10:00:00Z' },
                  }
                : undefined;
      const result = await fn!(input);
      if (!result.ok) {
        problems.push(`${method}: answered an error ${JSON.stringify(result.error)}`);
        continue;
      }
      const parsed = outputSchema(method)!.safeParse(result.data);
      if (!parsed.success) problems.push(`${method}: ${parsed.error?.message}`);
    }
    expect(problems).toEqual([]);
  });

  it('answers an empty state with data that parses too', async () => {
    const fake = createFakeBridge();
    for (const method of [
      'servers.list',
      'servers.health',
      'conversations.list',
      'outbox.list',
      'settings.get',
    ]) {
      const [ns, m] = method.split('.') as [string, string];
      const result = await (fake.bridge as unknown as Record<string, Record<string, AnyMethod>>)[ns]![m]!();
      expect(result.ok, method).toBe(true);
      expect(outputSchema(method)!.safeParse(result.data).success, method).toBe(true);
    }
  });

  it('the fixtures the tests build answers and events from parse with the contract', () => {
    const parse = (schema: { safeParse: Parse }, value: unknown): string | null => {
      const result = schema.safeParse(value);
      return result.success ? null : (result.error?.message ?? 'invalid');
    };
    expect(parse(INVOKE_SCHEMAS.servers.list.output, [serverView()])).toBeNull();
    expect(parse(INVOKE_SCHEMAS.conversations.list.output, [conversation()])).toBeNull();
    expect(parse(INVOKE_SCHEMAS.outbox.list.output, [outboxItem()])).toBeNull();
    expect(parse(EVENT_SCHEMAS.outboxChanges, outboxItem({ state: 'done', canCancel: false }))).toBeNull();
    expect(
      parse(EVENT_SCHEMAS.statusChanges, { changed: [conversation()], removed: ['s1/zzz'], at: 1 }),
    ).toBeNull();
  });

  it('delivers an event to its subscriber, and one that breaks its schema is caught here', () => {
    const fake = createFakeBridge();
    const got: unknown[] = [];
    const off = fake.bridge.onServerHealth((payload) => got.push(payload));
    const payload = { serverId: 's1', state: 'offline', lastOkAt: null, problem: null } as const;
    fake.emit('serverHealth', payload);
    off();
    fake.emit('serverHealth', payload);
    expect(got).toEqual([payload]);
    expect(EVENT_SCHEMAS.serverHealth.safeParse(got[0]).success).toBe(true);
    // The schemas are strict enough to tell: a payload missing a field does not parse.
    expect(EVENT_SCHEMAS.serverHealth.safeParse({ serverId: 's1', state: 'offline' }).success).toBe(false);
  });
});
