// Phone and keyboard: axe-core finds no violation in any state of the page, a 360x740 phone never
// scrolls sideways and every tap target is at least 44 px, focus follows training (Cancel while it
// runs, the results after), and both canvases have text alternatives.
import type { Page } from '@playwright/test';
import { axeViolations } from './axe';
import { byId, chooseSample, expect, setEpochs, test, trainToDone, waitReady } from './fixtures';

test('axe-core: no violations when ready, training, done, cancelled and on an error', async ({ page, site }) => {
  await page.goto(site);
  await waitReady(page);
  expect(await axeViolations(page)).toEqual([]);
  await page.locator('#advanced summary').click();
  await byId(page, 'gating-select').selectOption('topk');
  expect(await axeViolations(page)).toEqual([]);
  await byId(page, 'gating-select').selectOption('softmax');
  await setEpochs(page, 100000);
  await byId(page, 'train-button').click();
  await expect(page.locator('body')).toHaveAttribute('data-state', 'training');
  expect(await axeViolations(page)).toEqual([]);
  await byId(page, 'cancel-button').click();
  await expect(page.locator('body')).toHaveAttribute('data-state', 'cancelled', { timeout: 10_000 });
  expect(await axeViolations(page)).toEqual([]);
  await setEpochs(page, 5);
  await trainToDone(page);
  expect(await axeViolations(page)).toEqual([]);
  await chooseSample(page, 'cars-mpg');
  await trainToDone(page);
  expect(await axeViolations(page)).toEqual([]);
  await byId(page, 'csv-input').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('{"a": 1}') });
  await expect(byId(page, 'error')).toBeVisible();
  expect(await axeViolations(page)).toEqual([]);
});

/** How far the page scrolls sideways, and the outermost elements that stick out of it (for the message). */
async function overflow(page: Page): Promise<{ px: number; culprits: string[] }> {
  return page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    const culprits: string[] = [];
    const scrolls = (e: HTMLElement | null): boolean => {
      for (let p = e?.parentElement; p && p !== document.body; p = p.parentElement) {
        if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX)) return true;
      }
      return false;
    };
    for (const e of document.querySelectorAll<HTMLElement>('body *')) {
      if (scrolls(e)) continue; // inside a box that scrolls (or clips) on its own, e.g. a wide table
      if (e.getBoundingClientRect().right > w + 0.5 && !(e.parentElement && e.parentElement.getBoundingClientRect().right > w + 0.5)) {
        culprits.push(`${e.tagName.toLowerCase()}#${e.id}.${e.className} right=${Math.round(e.getBoundingClientRect().right)}`);
      }
    }
    return { px: document.documentElement.scrollWidth - w, culprits };
  });
}

/** Visible interactive elements smaller than 44x44 CSS px. */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const e of document.querySelectorAll<HTMLElement>('button, select, input, summary, a[href]')) {
      const r = e.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      // A checkbox counts with its label row (the label is the tap target).
      const box = e instanceof HTMLInputElement && e.type === 'checkbox' ? (e.closest('.field') ?? e).getBoundingClientRect() : r;
      if (box.height < 44 || box.width < 44) out.push(`${e.tagName.toLowerCase()}#${e.id || e.getAttribute('data-testid') || e.textContent?.trim()} ${Math.round(box.width)}x${Math.round(box.height)}`);
    }
    return out;
  });
}

test('a 360x740 phone: no sideways scroll, tap targets of 44 px, in every state', async ({ page, site }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(site);
  await waitReady(page);
  expect(await overflow(page)).toEqual({ px: 0, culprits: [] });
  expect(await smallTargets(page)).toEqual([]);
  await chooseSample(page, 'penguins');
  await setEpochs(page, 5);
  await trainToDone(page);
  expect(await overflow(page)).toEqual({ px: 0, culprits: [] });
  await page.locator('#advanced summary').click();
  expect(await smallTargets(page)).toEqual([]);
  expect(await axeViolations(page)).toEqual([]);
});

test('keyboard: focus moves to Cancel while training and to the results after; canvases have text', async ({ page, site }) => {
  await page.goto(site);
  await waitReady(page);
  await setEpochs(page, 5);
  await byId(page, 'train-button').focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('body')).toHaveAttribute('data-state', /training|done/);
  // While it runs, Cancel has the focus (or training was over before the check: then the results do).
  await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.id))
    .toMatch(/cancel-button|results-heading/);
  await expect(page.locator('body')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('results-heading');
  for (const id of ['loss-chart', 'expert-map']) {
    const alt = await byId(page, id).evaluate((e) => `${e.getAttribute('role')}|${e.getAttribute('aria-label') ?? ''}`);
    expect(alt, id).toMatch(/^img\|.{20,}/);
  }
  await expect(byId(page, 'loss-chart')).toHaveAttribute('aria-label', /loss/i);
  await expect(byId(page, 'expert-map')).toHaveAttribute('aria-label', /expert/i);
});
