// Explaining the knobs: one line of help per option, presets, top-k next to gating, and the settings
// kept in the page address (a link restores them; no data ever goes there).
import { byId, expect, test, trainToDone, waitReady } from './fixtures';

test('every option has a line of help; top-k fields appear next to gating only when used', async ({ page, site }) => {
  await page.goto(site);
  await waitReady(page);
  const fields = page.locator('#model-card input, #model-card select');
  expect(await fields.count()).toBeGreaterThanOrEqual(16);
  const helps = await fields.evaluateAll((els) => els.map((e) => {
    const id = e.getAttribute('aria-describedby');
    return { id: e.id, help: id ? document.getElementById(id)?.textContent?.trim() ?? '' : '' };
  }));
  for (const h of helps) expect(h.help.length, `help for ${h.id}`).toBeGreaterThan(20);
  await expect(byId(page, 'topk-input')).toBeHidden();
  await byId(page, 'gating-select').selectOption('topk');
  await expect(byId(page, 'topk-input')).toBeVisible();
  await expect(byId(page, 'noise-input')).toBeVisible();
});

test('presets fill the form; settings travel in the address and come back from a link', async ({ page, site }) => {
  await page.goto(site);
  await waitReady(page);
  await byId(page, 'preset-thorough').click();
  await expect(byId(page, 'experts-input')).toHaveValue('8');
  await expect(byId(page, 'epochs-input')).toHaveValue('200');
  await byId(page, 'preset-quick').click();
  await expect(byId(page, 'experts-input')).toHaveValue('2');
  await byId(page, 'seed-input').fill('7');
  await expect.poll(() => page.evaluate(() => location.hash)).toContain('seed=7');
  const url = new URL(await page.evaluate(() => location.href));
  const params = new URLSearchParams(url.hash.slice(1));
  expect(params.get('experts')).toBe('2');
  expect(params.get('seed')).toBe('7');
  // Never data: no file name, column name or value of the loaded CSV.
  expect(url.href).not.toMatch(/iris|species|sepal|setosa/);

  // The link in a new page restores the setup, and training uses it.
  const again = await page.context().newPage();
  await again.goto(url.href);
  await waitReady(again);
  await expect(byId(again, 'experts-input')).toHaveValue('2');
  await expect(byId(again, 'seed-input')).toHaveValue('7');
  await expect(byId(again, 'epochs-input')).toHaveValue('15');
  await trainToDone(again);
  await expect(byId(again, 'results-title')).toContainText('2 experts, softmax gate, 15 epochs');
  await again.close();
});
