// Offline-first start in real Chromium: after a restart with the server unreachable, the conversations and
// the last-open conversation's timeline come from main's local cache, marked as not live, under the Offline
// banner with "last synced …". Screenshots: test-results/e2e/offline-cache/.
import { expect, it } from 'vitest';
import { createConversation } from '../support/sim';
import { addServerViaBridge, bridgeData, startApp, waitForConversations } from './support/harness';

it('restarts offline and shows the cached list and the last-open conversation, not live', async (ctx) => {
  const app = await startApp({ ctx, simulator: { stepMs: 20 } });
  const { page } = app;
  await createConversation(app.sim, {
    initial_message: { content: [{ type: 'text', text: 'Remember this offline [steps=3]' }], run: true },
  });
  const added = await addServerViaBridge(page, { name: 'Simulator', baseUrl: app.sim.url });
  expect(added.ok).toBe(true);
  const [conversation] = await waitForConversations(page, 1);
  const list = page.getByRole('list', { name: 'Conversations' });
  await list.getByText(conversation!.title).first().click();
  const timeline = page.getByRole('log', { name: 'Timeline' });
  await expect
    .poll(() => timeline.getByText('Remember this offline [steps=3]').count(), { timeout: 15_000 })
    .toBeGreaterThan(0);
  await expect
    .poll(async () => (await bridgeData(page, 'settings', 'get')).lastOpenConversation?.id, {
      timeout: 5_000,
    })
    .toBe(conversation!.id);
  await app.screenshot('online-open');

  await app.sim.goOffline();
  await app.restartWeb();

  await page.getByRole('alert').filter({ hasText: 'You are offline' }).waitFor({ timeout: 15_000 });
  await expect
    .poll(() =>
      page
        .getByRole('alert')
        .filter({ hasText: /Last synced/ })
        .count(),
    )
    .toBeGreaterThan(0);
  await expect
    .poll(() => list.getByText(conversation!.title).count(), { timeout: 10_000 })
    .toBeGreaterThan(0);
  await expect
    .poll(() => timeline.getByText('Remember this offline [steps=3]').count(), { timeout: 10_000 })
    .toBeGreaterThan(0);
  await page.locator('main').getByText('Not live', { exact: true }).waitFor({ timeout: 15_000 });
  await app.screenshot('offline-restart-from-cache');
  expect(app.pageErrors).toEqual([]);
}, 60_000);
