// The journeys a new user walks, in real Chromium against browser mode and the simulator, driven only
// through the UI (accessible names, as a user and a screen reader find them). Screenshots of each journey:
// test-results/e2e/journeys/.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { KeytarSecretStore } from '../../src/main/accounts/secret-store';
import { APP_NAME } from '../../src/shared/app-info';
import { requireKeychain } from '../accounts/fixtures/keychain';
import { addServerThroughUi, bridgeData, type E2eApp, eventually, startApp } from './support/harness';

const KEY = `sk-journey-${randomBytes(8).toString('hex')}`;

/** The files under `root` whose names are in `names` (name → path). */
async function filesNamed(root: string, names: string[]): Promise<Map<string, string>> {
  const entries = await readdir(root, { withFileTypes: true, recursive: true });
  const found = new Map<string, string>();
  for (const e of entries)
    if (e.isFile() && names.includes(e.name)) found.set(e.name, path.join(e.parentPath, e.name));
  return found;
}

/** Adds the simulator as a server through the Servers dialog, as a user would. */
function addSimulatorThroughUi(app: E2eApp, apiKey?: string): Promise<void> {
  // The success sentence exactly: failures ("… is reachable but …", "There is a problem.") must not pass.
  const host = new URL(app.sim.url).host.replaceAll('.', '\\.');
  const success = new RegExp(
    `^Connected\\. Connected to (OpenHands Cloud|self-hosted OpenHands at ${host}) \\((V1 API|legacy V0 API only)(, agent server [^)]+)?\\)\\. Found: (Self-hosted|OpenHands Cloud)\\.$`,
  );
  return addServerThroughUi(app, {
    name: 'Simulator',
    url: app.sim.url,
    ...(apiKey ? { apiKey } : {}),
    success,
    screenshot: 'servers-dialog',
  });
}

/** Starts a conversation through the New conversation dialog and waits until it is open. */
async function startConversation(page: Page, message: string): Promise<void> {
  await page.getByRole('button', { name: 'New conversation' }).click();
  const dialog = page.getByRole('dialog', { name: 'New conversation' });
  await dialog.getByRole('textbox', { name: 'Message' }).fill(message);
  await dialog.getByRole('button', { name: 'Start' }).click();
  await dialog.waitFor({ state: 'detached', timeout: 20_000 });
}

function header(page: Page) {
  return page.locator('main');
}

async function statusIs(page: Page, label: string, timeout = 20_000): Promise<void> {
  await header(page).getByText(label, { exact: true }).first().waitFor({ timeout });
}

describe('journeys', () => {
  it('adds a server (key in the real keyring), creates a conversation and watches it start and finish', async (ctx) => {
    const keychain = new KeytarSecretStore({ service: APP_NAME });
    requireKeychain(ctx, await keychain.probe());
    const app = await startApp({ ctx, simulator: { apiKey: KEY, stepMs: 60 } });
    await app.screenshot('01-empty');
    await addSimulatorThroughUi(app, KEY);
    const [server] = await bridgeData(app.page, 'servers', 'list');
    expect(server?.keyStorage).toBe('keychain');
    expect(await keychain.get(server!.id)).toBe(KEY);
    await app.screenshot('02-server-added');

    await startConversation(app.page, 'Fix the failing unit test');
    await statusIs(app.page, 'Finished', 30_000);
    await expect
      .poll(() =>
        app.page
          .getByRole('log', { name: 'Timeline' })
          .getByText(/Done\. I handled: Fix the failing unit test/)
          .count(),
      )
      .toBeGreaterThan(0);
    await app.screenshot('03-finished');
    await keychain.delete(server!.id);
  }, 90_000);

  it('talks to a conversation until it waits for input, then pauses, resumes, renames and deletes it', async (ctx) => {
    const app = await startApp({ ctx, simulator: { stepMs: 60 } });
    await addSimulatorThroughUi(app);
    await startConversation(app.page, 'Set up the project');
    await statusIs(app.page, 'Finished', 30_000);

    const composer = app.page.getByRole('textbox', { name: 'Message' });
    await composer.fill('Which file should change? [ask]');
    await composer.press('Enter');
    await statusIs(app.page, 'Waiting for input');
    await expect.poll(() => app.page.getByText('Which file should I change?').count()).toBeGreaterThan(0);
    await app.screenshot('04-waiting-for-input');

    await composer.fill('Keep working for a while [slow] [steps=40]');
    await app.page.getByRole('button', { name: 'Send' }).click();
    await statusIs(app.page, 'Running');
    await app.page.getByRole('button', { name: 'Pause' }).click();
    await statusIs(app.page, 'Paused');
    await app.screenshot('05-paused');
    await app.page.getByRole('button', { name: 'Resume' }).click();
    await statusIs(app.page, 'Running');

    // Stop interrupts the agent mid-step (agent server ≥ 1.23), then pauses its sandbox.
    await header(app.page).getByRole('button', { name: 'Stop' }).click();
    await expect
      .poll(() => app.page.getByRole('log', { name: 'Timeline' }).getByText('Interrupted').count(), {
        timeout: 15_000,
      })
      .toBeGreaterThan(0);
    await statusIs(app.page, 'Stopped');
    const agentCalls = app.sim.requests.filter((r) => r.server === 'agent' && r.method === 'POST');
    expect(agentCalls.some((r) => r.path.endsWith('/interrupt'))).toBe(true);
    await app.screenshot('05b-stopped');

    await app.page.getByRole('button', { name: 'Rename' }).click();
    const title = app.page.getByRole('textbox', { name: 'Title' });
    await title.fill('Renamed by the journey');
    await title.press('Enter');
    await expect
      .poll(
        () =>
          app.page.getByRole('list', { name: 'Conversations' }).getByText('Renamed by the journey').count(),
        {
          timeout: 15_000,
        },
      )
      .toBeGreaterThan(0);
    await app.screenshot('06-renamed');

    await header(app.page).getByRole('button', { name: 'Delete' }).click();
    await app.page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await expect
      .poll(async () => (await bridgeData(app.page, 'conversations', 'list')).length, { timeout: 15_000 })
      .toBe(0);
    await app.screenshot('07-deleted');
  }, 120_000);

  it('goes offline, queues a message, and delivers it once when the server is back', async (ctx) => {
    const app = await startApp({ ctx, simulator: { stepMs: 40 } });
    await addSimulatorThroughUi(app);
    await startConversation(app.page, 'Prepare the release');
    await statusIs(app.page, 'Finished', 30_000);

    await app.sim.goOffline();
    await app.page
      .getByRole('alert')
      .filter({ hasText: /offline/i })
      .waitFor({ timeout: 20_000 });
    const composer = app.page.getByRole('textbox', { name: 'Message' });
    await composer.fill('Sent while offline');
    await composer.press('Enter');
    const queued = app.page.getByRole('list', { name: 'Queued actions' });
    await queued.getByText('Sent while offline').waitFor();
    await expect.poll(() => app.page.getByRole('button', { name: /Pending actions \(1\)/ }).count()).toBe(1);
    await app.screenshot('08-queued-offline');

    await app.sim.comeBack();
    await expect.poll(() => queued.getByText('Sent while offline').count(), { timeout: 30_000 }).toBe(0);
    await expect
      .poll(
        () =>
          app.page
            .getByRole('alert')
            .filter({ hasText: /offline/i })
            .count(),
        { timeout: 30_000 },
      )
      .toBe(0);
    await expect
      .poll(
        () =>
          app.page
            .getByRole('log', { name: 'Timeline' })
            .getByText('Sent while offline', { exact: true })
            .count(),
        {
          timeout: 20_000,
        },
      )
      .toBe(1);
    const sends = app.sim.requests.filter((r) => r.method === 'POST' && /\/events$/.test(r.path));
    expect(sends.filter((r) => r.status !== undefined && r.status < 300)).toHaveLength(1);
    await app.screenshot('09-delivered');
  }, 120_000);

  it('uploads files into the conversation with per-file progress', async (ctx) => {
    const app = await startApp({ ctx, simulator: { stepMs: 40 } });
    const dir = await mkdtemp(path.join(tmpdir(), 'e2e-upload-'));
    try {
      await addSimulatorThroughUi(app);
      await startConversation(app.page, 'Look at my files');
      await statusIs(app.page, 'Finished', 30_000);
      const files = ['notes.txt', 'data.bin'].map((name) => path.join(dir, name));
      await writeFile(files[0]!, 'hello from the journey\n');
      await writeFile(files[1]!, randomBytes(3 * 1024 * 1024));
      await app.page.getByLabel('Upload files').setInputFiles(files);
      const stored = await eventually(
        async () => {
          const found = await filesNamed(app.sim.world.options.filesRoot, ['notes.txt', 'data.bin']);
          return found.size === 2 ? found : undefined;
        },
        'both files in the workspace',
        30_000,
      );
      expect(await readFile(stored.get('notes.txt')!, 'utf8')).toBe('hello from the journey\n');
      expect((await readFile(stored.get('data.bin')!)).equals(await readFile(files[1]!))).toBe(true);
      await app.screenshot('10-uploaded');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('searches 10,000 conversations', async (ctx) => {
    const app = await startApp({ ctx, simulator: { stepMs: 40 } });
    await app.sim.world.seedMany(10_000, 500);
    await addSimulatorThroughUi(app);
    const list = app.page.getByRole('list', { name: 'Conversations' });
    await app.page.getByText(/10,000 conversations/).waitFor({ timeout: 60_000 });
    const rows = await list.getByRole('listitem').count();
    expect(rows).toBeLessThan(100);
    await app.page.keyboard.press('Control+k');
    await app.page.getByRole('searchbox', { name: 'Search conversations' }).fill('9999');
    await expect.poll(() => list.getByRole('listitem').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await app.screenshot('11-search');
    expect(app.pageErrors).toEqual([]);
  }, 120_000);

  it('switches the whole window to Simplified Chinese from Settings', async (ctx) => {
    const app = await startApp({ ctx, simulator: { stepMs: 40 } });
    await app.sim.world.seedMany(12, 4);
    await addSimulatorThroughUi(app);
    await startConversation(app.page, 'Write the release notes');
    await statusIs(app.page, 'Finished', 30_000);
    await app.page.getByRole('button', { name: 'Settings' }).click();
    await app.page.getByRole('dialog', { name: 'Settings' }).getByRole('radio', { name: '简体中文' }).click();
    await app.page.getByRole('dialog', { name: '设置' }).waitFor();
    await app.screenshot('settings-zh-CN');
    await app.page.keyboard.press('Escape');
    await app.page.getByRole('button', { name: '新建会话' }).waitFor();
    await statusIs(app.page, '已完成');
    await app.screenshot('conversation-zh-CN');
    expect(await app.page.locator('html').getAttribute('lang')).toBe('zh-CN');
  }, 60_000);

  it('works with an old self-hosted server that has only the legacy V0 API', async (ctx) => {
    const app = await startApp({ ctx, simulator: { profile: 'legacy', v1Enabled: false, stepMs: 40 } });
    await addSimulatorThroughUi(app);
    await startConversation(app.page, 'Tidy the README');
    // V0 has no agent socket: the timeline is read every few seconds.
    const timeline = app.page.getByRole('log', { name: 'Timeline' });
    await expect
      .poll(() => timeline.getByText('Tidy the README').count(), { timeout: 30_000 })
      .toBeGreaterThan(0);
    const composer = app.page.getByRole('textbox', { name: 'Message' });
    await composer.fill('One more thing');
    await composer.press('Enter');
    await expect
      .poll(() => timeline.getByText('One more thing').count(), { timeout: 20_000 })
      .toBeGreaterThan(0);
    await app.page.getByRole('button', { name: 'Rename' }).click();
    const title = app.page.getByRole('textbox', { name: 'Title' });
    await title.fill('Renamed on a V0 server');
    await title.press('Enter');
    await expect
      .poll(
        () =>
          app.page.getByRole('list', { name: 'Conversations' }).getByText('Renamed on a V0 server').count(),
        { timeout: 15_000 },
      )
      .toBeGreaterThan(0);
    await header(app.page).getByRole('button', { name: 'Delete' }).click();
    await app.page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await expect
      .poll(async () => (await bridgeData(app.page, 'conversations', 'list')).length, { timeout: 15_000 })
      .toBe(0);
    const paths = app.sim.requests.filter((r) => r.server === 'app').map((r) => `${r.method} ${r.path}`);
    expect(paths).toContain('GET /api/options/config');
    expect(paths.some((p) => p.startsWith('PATCH /api/conversations/'))).toBe(true);
    expect(paths.some((p) => p.startsWith('DELETE /api/conversations/'))).toBe(true);
    await app.screenshot('09-legacy-v0');
  }, 90_000);
});
