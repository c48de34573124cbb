// The AutoFit card on the production build: Auto runs a trial budget in Web Workers and fills the
// leaderboard (one row per trial) and the baselines; Cancel stops a timed search and keeps the best so far.
import { byId, expect, test, waitReady } from './fixtures';

test('Auto searches with a trial budget and shows the leaderboard and baselines', async ({ page, site }) => {
  await page.goto(site);
  await waitReady(page);
  await byId(page, 'auto-budget').selectOption('trials:8');
  await byId(page, 'auto-button').click();
  await expect(byId(page, 'auto-status')).toContainText('Finished', { timeout: 80_000 });
  const rows = byId(page, 'leaderboard').locator('tr');
  await expect(rows).toHaveCount(8);
  // Best first: a fully cross-validated trial with an accuracy on iris well above a guess.
  const first = await rows.first().textContent();
  expect(first).toMatch(/accuracy 0\.\d{4} ± 0\.\d{4}/);
  expect(first).not.toMatch(/screened/);
  expect(Number(/accuracy (0\.\d{4})/.exec(first!)![1])).toBeGreaterThan(0.8);
  await expect(byId(page, 'auto-baselines').locator('li')).toHaveCount(3);
  await expect(byId(page, 'auto-baselines')).toContainText('majority: accuracy 0.3');
  await expect(byId(page, 'auto-download')).toBeEnabled();
  await expect(byId(page, 'error')).toBeHidden();
});

test('Cancel stops a timed search and keeps the best trial so far', async ({ page, site }) => {
  await page.goto(site);
  await waitReady(page);
  await byId(page, 'auto-budget').selectOption('time:60');
  await byId(page, 'auto-button').click();
  await expect(byId(page, 'auto-cancel')).toBeEnabled();
  await expect(byId(page, 'leaderboard').locator('tr').first()).toBeVisible({ timeout: 60_000 });
  await byId(page, 'auto-cancel').click();
  await expect(byId(page, 'auto-status')).toContainText('Cancelled');
  await expect(byId(page, 'auto-button')).toBeEnabled();
  await expect(byId(page, 'auto-cancel')).toBeDisabled();
  const count = await byId(page, 'leaderboard').locator('tr').count();
  expect(count).toBeGreaterThanOrEqual(1);
  // Nothing runs any more: the leaderboard no longer grows.
  await page.waitForTimeout(1500);
  await expect(byId(page, 'leaderboard').locator('tr')).toHaveCount(count);
});
