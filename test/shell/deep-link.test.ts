import { describe, expect, it } from 'vitest';
import {
  conversationDeepLink,
  deepLinkFromArgv,
  parseDeepLink,
  resolveDeepLink,
  type ConversationDeepLink,
} from '../../src/main/shell/deep-link';

const SERVER = '0123456789abcdef0123456789abcdef';
const V1 = 'aaaaaaaabbbbccccddddeeeeeeeeeeee';

describe('parseDeepLink', () => {
  it('reads a conversation link, with and without an explicit version', () => {
    expect(parseDeepLink(`openhands-desktop://conversation/${SERVER}/${V1}`)).toEqual({
      type: 'conversation',
      serverId: SERVER,
      id: V1,
      version: null,
    });
    expect(parseDeepLink(`openhands-desktop://conversation/${SERVER}/legacy_id-1?version=V0`)).toEqual({
      type: 'conversation',
      serverId: SERVER,
      id: 'legacy_id-1',
      version: 'V0',
    });
    expect(parseDeepLink('OPENHANDS-DESKTOP://conversation/' + SERVER + '/' + V1)).toMatchObject({ id: V1 });
  });

  it('reads the list link', () => {
    expect(parseDeepLink('openhands-desktop://conversations')).toEqual({ type: 'list' });
    expect(parseDeepLink('openhands-desktop://conversations/')).toEqual({ type: 'list' });
  });

  it.each([
    ['another scheme', `https://conversation/${SERVER}/${V1}`],
    ['a file URL', 'file:///etc/passwd'],
    ['not a URL', 'openhands-desktop'],
    ['an unknown route', `openhands-desktop://settings/${SERVER}`],
    ['a missing id', `openhands-desktop://conversation/${SERVER}`],
    ['an extra segment', `openhands-desktop://conversation/${SERVER}/${V1}/x`],
    ['a bad server id', `openhands-desktop://conversation/local/${V1}`],
    ['an id that climbs', `openhands-desktop://conversation/${SERVER}/..%2F..%2Fetc`],
    ['an id with a dot', `openhands-desktop://conversation/${SERVER}/a.b`],
    ['credentials', `openhands-desktop://user:pw@conversation/${SERVER}/${V1}`],
    ['a port', `openhands-desktop://conversation:80/${SERVER}/${V1}`],
    ['a fragment', `openhands-desktop://conversation/${SERVER}/${V1}#x`],
    ['an unknown version', `openhands-desktop://conversation/${SERVER}/${V1}?version=V9`],
    ['an unknown parameter', `openhands-desktop://conversation/${SERVER}/${V1}?next=https://evil`],
    ['a repeated version', `openhands-desktop://conversation/${SERVER}/${V1}?version=V1&version=V0`],
    ['a huge link', `openhands-desktop://conversation/${SERVER}/${'a'.repeat(600)}`],
  ])('refuses %s', (_what, url) => {
    expect(parseDeepLink(url)).toBeNull();
  });
});

describe('deepLinkFromArgv', () => {
  it('finds the link among Chromium switches and paths (Windows/Linux second launch)', () => {
    const argv = [
      '/opt/OpenHands Desktop/openhands-desktop',
      '--no-sandbox',
      `openhands-desktop://conversation/${SERVER}/${V1}`,
    ];
    expect(deepLinkFromArgv(argv)).toMatchObject({ type: 'conversation', id: V1 });
  });

  it('is null without a valid link', () => {
    expect(deepLinkFromArgv(['/app', '--flag', 'openhands-desktop://nope'])).toBeNull();
    expect(deepLinkFromArgv([])).toBeNull();
  });
});

describe('resolveDeepLink', () => {
  const link = (id: string, version: 'V0' | 'V1' | null = null): ConversationDeepLink => ({
    type: 'conversation',
    serverId: SERVER,
    id,
    version,
  });

  it('prefers the version in the link, then the tracked conversation, then the id shape', () => {
    expect(resolveDeepLink(link(V1, 'V0'), () => 'V1').version).toBe('V0');
    expect(resolveDeepLink(link(V1), () => 'V0').version).toBe('V0');
    expect(resolveDeepLink(link(V1), () => undefined).version).toBe('V1');
    expect(resolveDeepLink(link('not_a_uuid'), () => undefined).version).toBe('V0');
  });

  it('canonicalises a dashed V1 id to the 32-hex form', () => {
    const ref = resolveDeepLink(link('AAAAAAAA-BBBB-CCCC-DDDD-EEEEEEEEEEEE'), () => undefined);
    expect(ref).toEqual({ serverId: SERVER, id: V1, version: 'V1' });
  });

  it('round-trips the links the app makes', () => {
    const ref = { serverId: SERVER, id: V1, version: 'V1' } as const;
    const parsed = parseDeepLink(conversationDeepLink(ref));
    if (parsed?.type !== 'conversation') throw new Error('not parsed');
    expect(resolveDeepLink(parsed, () => undefined)).toEqual(ref);
  });
});
