import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeytarSecretStore } from '../../src/main/accounts/secret-store';
import { createDispatch, type Dispatch } from '../../src/main/bridge/dispatch';
import { createBridgeHandlers } from '../../src/main/bridge/handlers';
import { createMainServices, type MainServices } from '../../src/main/compose';
import { MemoryLogger } from '../../src/main/logger';
import { SystemEventEmitter } from '../../src/main/system-events';
import { createConversation, useSimulator, waitFor } from '../support/sim';

// A self-hosted server protected by SESSION_API_KEY (it guards the V0 routes the app uses to check the key).
const KEY = 'bridgeKey0123456789abcdefABCDEF0';

/** Every channel through the one wrapper, against real services and the simulator. */
describe('bridge dispatch', () => {
  const sim = useSimulator({ sessionApiKey: KEY });
  let dataDir: string;
  let services: MainServices;
  let dispatch: Dispatch;
  const log = new MemoryLogger();

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'bridge-'));
    services = await createMainServices({
      dataDir,
      keychain: new KeytarSecretStore({ moduleId: 'keytar-absent-in-this-test' }),
      logger: log,
      fastMs: 100,
      slowMs: 100,
      adapters: {
        notify: () => undefined,
        renderTray: () => undefined,
        forward: () => undefined,
        system: new SystemEventEmitter(),
      },
    });
    dispatch = createDispatch(
      createBridgeHandlers(services, { name: 'OpenHands Desktop', version: '0.0.0', platform: 'linux' }),
      log,
    );
  });
  afterAll(async () => {
    await services.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('adds a server without ever returning its key, tests it, and tracks its conversations', async () => {
    const c = await createConversation(sim(), {}, { sessionApiKey: KEY });
    const added = await dispatch('servers:add', {
      server: { name: 'Local sim', baseUrl: sim().url, apiKey: KEY },
      sessionOnlyKey: true,
    });
    expect(added).toMatchObject({
      ok: true,
      data: { name: 'Local sim', hasKey: true, keyStorage: 'session' },
    });
    expect(JSON.stringify(added)).not.toContain(KEY);
    const id = (added as { data: { id: string } }).data.id;

    const tested = await dispatch('servers:test', { id });
    expect(tested).toMatchObject({ ok: true, data: { ok: true, appMode: 'oss', authenticated: true } });

    const listed = await waitFor(async () => {
      const res = (await dispatch('conversations:list', undefined)) as {
        ok: boolean;
        data: { id: string }[];
      };
      return res.data.some((x) => x.id === c.id) ? res : undefined;
    }, 5000);
    expect(JSON.stringify(listed)).not.toContain(c.sessionApiKey);
    expect(await dispatch('conversations:setOnScreen', { serverId: id, id: c.id, version: 'V1' })).toEqual({
      ok: true,
      data: null,
    });
    expect(JSON.stringify(await dispatch('servers:list', undefined))).not.toContain(KEY);
  });

  it('refuses bad input with plain field messages and never echoes the key', async () => {
    const bad = await dispatch('servers:add', {
      server: { name: '', baseUrl: 'javascript:alert(1)', apiKey: 'has space' },
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    const fields = (bad as { error: { fields: { field: string }[] } }).error.fields.map((f) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'baseUrl', 'apiKey']));
    expect(JSON.stringify(bad)).not.toContain('has space');
    expect(await dispatch('servers:remove', { id: 42 })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
    expect(
      await dispatch('conversations:setOnScreen', { serverId: 'x', id: '../x', version: 'V9' }),
    ).toMatchObject({ ok: false });
  });

  it('answers unknown channels and failing handlers with codes, not thrown errors', async () => {
    expect(await dispatch('servers:delete-everything', undefined)).toMatchObject({
      ok: false,
      error: { code: 'unknown-channel' },
    });
    expect(await dispatch('__proto__:constructor', undefined)).toMatchObject({
      ok: false,
      error: { code: 'unknown-channel' },
    });
    expect(await dispatch('servers:test', { id: 'no-such-server' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    expect(await dispatch('servers:testUnsaved', { baseUrl: 'http://127.0.0.1:1' })).toMatchObject({
      ok: true,
      data: { ok: false, reachable: false },
    });
    expect(await dispatch('app:info', undefined)).toEqual({
      ok: true,
      data: { name: 'OpenHands Desktop', version: '0.0.0', platform: 'linux', storage: null },
    });
  });

  it('queues actions durably through the outbox and delivers them; uploads cannot be named by the page', async () => {
    const c = await createConversation(sim(), {}, { sessionApiKey: KEY });
    const added = (await dispatch('servers:add', {
      server: { name: 'Outbox sim', baseUrl: sim().url, apiKey: KEY },
      sessionOnlyKey: true,
    })) as {
      data: { id: string };
    };
    const ref = { serverId: added.data.id, id: c.id, version: 'V1' as const };
    const finals: { id: string; state: string }[] = [];
    services.outbox.onChange((item) => finals.push({ id: item.id, state: item.state }));
    const queued = await dispatch('outbox:enqueue', { kind: 'send', ref, text: 'from the outbox' });
    expect(queued).toMatchObject({
      ok: true,
      data: { kind: 'send', conversationKey: `${ref.serverId}/${c.id}` },
    });
    const itemId = (queued as { data: { id: string } }).data.id;
    // A delivered item leaves the list; its last change event says 'done'.
    await waitFor(() => finals.some((f) => f.id === itemId && f.state === 'done'), 10_000, 'delivered');
    const list = (await dispatch('outbox:list', undefined)) as { data: { id: string }[] };
    expect(list.data.map((i) => i.id)).not.toContain(itemId);
    const events = await fetch(`${c.conversationUrl}/events/search?body=from%20the%20outbox`, {
      headers: { 'X-Session-API-Key': c.sessionApiKey },
    }).then((r) => r.json() as Promise<{ items: { source: string }[] }>);
    // Once: the user's message (the agent's reply quotes it, so only user events count).
    expect(events.items.filter((e) => e.source === 'user')).toHaveLength(1);

    const upload = await dispatch('outbox:enqueue', {
      kind: 'upload',
      ref,
      localPath: '/etc/passwd',
      remotePath: '/workspace/x',
      size: 1,
      mtimeMs: 1,
    });
    expect(upload).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    const bad = await dispatch('outbox:enqueue', { kind: 'send', ref, text: '' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect((bad as { error: { message: string } }).error.message).toContain('text');
  });

  it('plans a dropped folder, starts it once, and delivers every file through the outbox', async () => {
    const c = await createConversation(sim(), {}, { sessionApiKey: KEY });
    const added = (await dispatch('servers:add', {
      server: { name: 'Upload sim', baseUrl: sim().url, apiKey: KEY },
      sessionOnlyKey: true,
    })) as {
      data: { id: string };
    };
    const ref = { serverId: added.data.id, id: c.id, version: 'V1' as const };
    const folder = path.join(dataDir, 'drop');
    await mkdir(path.join(folder, 'sub'), { recursive: true });
    await writeFile(path.join(folder, 'one.txt'), 'first file');
    await writeFile(path.join(folder, 'sub', 'two.txt'), 'second file');

    const planned = (await dispatch('uploads:plan', {
      ref,
      paths: [folder],
      targetDir: '/workspace/project',
    })) as {
      ok: boolean;
      data: { planId: string; count: number; needsConfirmation: boolean };
    };
    expect(planned).toMatchObject({ ok: true, data: { count: 2, needsConfirmation: false } });
    const finals: { id: string; state: string }[] = [];
    services.outbox.onChange((item) => finals.push({ id: item.id, state: item.state }));
    const started = (await dispatch('uploads:start', { planId: planned.data.planId })) as {
      data: { id: string }[];
    };
    expect(started.data).toHaveLength(2);
    expect(await dispatch('uploads:start', { planId: planned.data.planId })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    await waitFor(
      () => started.data.every((i) => finals.some((f) => f.id === i.id && f.state === 'done')),
      10_000,
      'uploads done',
    );
    const download = await fetch(
      `${new URL(c.conversationUrl).origin}/api/file/download?path=/workspace/project/drop/sub/two.txt`,
      {
        headers: { 'X-Session-API-Key': c.sessionApiKey },
      },
    );
    expect(await download.text()).toBe('second file');
  });
});
