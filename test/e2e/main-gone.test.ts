// Issue 15, finding 9: when browser mode's main process stopped, the open page went on showing its last
// state as if all were well. Now it says the app is not running, in real Chromium, and clears that once
// main is back. Screenshots: test-results/e2e/main-gone/.
import { expect, it } from 'vitest';
import { startApp } from './support/harness';

it('says so when the app behind the page stops, and stops saying it when it is back', async (ctx) => {
  const app = await startApp({ ctx, simulator: false });
  const { page } = app;
  await page.getByRole('button', { name: 'Settings' }).waitFor();
  const banner = page.getByRole('alert').filter({ hasText: 'The app is not running' });
  expect(await banner.count()).toBe(0);

  await app.web.close();
  await banner.waitFor({ timeout: 10_000 });
  expect(await banner.textContent()).toContain('Actions already queued are saved');
  await app.screenshot('main-gone');

  await app.restartWeb({ samePort: true });
  await page.getByRole('button', { name: 'Settings' }).waitFor();
  await expect.poll(() => banner.count(), { timeout: 10_000 }).toBe(0);
  expect(app.pageErrors).toEqual([]);
}, 60_000);
