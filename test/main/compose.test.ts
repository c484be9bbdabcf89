import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeytarSecretStore } from '../../src/main/accounts/secret-store';
import { createMainServices, type MainServices } from '../../src/main/compose';
import { MemoryLogger } from '../../src/main/logger';
import type { TrayModel } from '../../src/main/notify/tray-model';
import { SystemEventEmitter } from '../../src/main/system-events';
import type { StatusChangeSet } from '../../src/shared/live';
import { createConversation, useSimulator, waitFor } from '../support/sim';

/** The composition root without Electron: accounts → registry → poller/streams → live status → adapters. */
describe('createMainServices', () => {
  const sim = useSimulator();
  let dataDir: string;
  let services: MainServices;
  const sets: StatusChangeSet[] = [];
  const trays: TrayModel[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'compose-'));
    services = await createMainServices({
      dataDir,
      keychain: new KeytarSecretStore({ moduleId: 'keytar-absent-in-this-test' }),
      logger: new MemoryLogger(),
      fastMs: 100,
      slowMs: 100,
      adapters: {
        notify: () => undefined,
        renderTray: (m) => trays.push(m),
        forward: (s) => sets.push(s),
        system: new SystemEventEmitter(),
      },
    });
  });
  afterAll(async () => {
    await services.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('tracks the conversations of a server as soon as it is added, and forwards them as change sets', async () => {
    const c = await createConversation(sim(), {
      initial_message: { content: [{ type: 'text', text: 'hello there' }] },
    });
    expect(trays.length).toBeGreaterThan(0); // the tray is drawn at start, before any server exists
    await services.accounts.add({ name: 'Local sim', baseUrl: sim().url });
    const seen = await waitFor(
      () => sets.flatMap((s) => s.changed).find((x) => x.id === c.id && x.status === 'finished'),
      5000,
      'the conversation in a change set',
    );
    expect(seen).toMatchObject({ version: 'V1', title: 'hello there' });
    expect(JSON.stringify(sets)).not.toContain(c.sessionApiKey);
  });
});

describe('app settings', () => {
  it('persist notification settings, apply them at the next start, and survive a damaged file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'settings-'));
    const trays: TrayModel[] = [];
    const start = () =>
      createMainServices({
        dataDir: dir,
        keychain: new KeytarSecretStore({ moduleId: 'keytar-absent-in-this-test' }),
        logger: new MemoryLogger(),
        adapters: {
          notify: () => undefined,
          renderTray: (m) => trays.push(m),
          forward: () => undefined,
          system: new SystemEventEmitter(),
        },
      });
    try {
      const first = await start();
      expect(first.settings.get()).toMatchObject({ closeToTray: true, notifications: { paused: false } });
      await first.setNotificationSettings({ ...first.live.notificationSettings, paused: true });
      await first.close();

      trays.length = 0;
      const second = await start();
      expect(second.settings.get().notifications.paused).toBe(true);
      const pauseItem = trays.at(-1)?.items.find((i) => i.type === 'checkbox');
      expect(pauseItem).toMatchObject({ checked: true });
      await second.close();

      await writeFile(path.join(dir, 'settings.json'), '{"version": 1, "closeToTray": "yes"');
      const third = await start();
      expect(third.settings.get().notifications.paused).toBe(false);
      expect(third.settings.problem).toMatch(/kept aside/);
      await third.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
