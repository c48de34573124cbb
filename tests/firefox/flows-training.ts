// Firefox: the training flows of tests/browser/training.spec.ts on the production build: one-click
// sample training with every result drawn, an uploaded CSV with a target change, live chart and
// progress updates while the worker trains, and cancel.
import { expect, test } from 'vitest';
import { majorityRate, mixedCsv, paintedFraction } from '../browser/page-checks';
import {
  type Env, waitText, chooseSample, click, isHidden, progressValue, sel, setEpochs, text, trainToDone, upload, waitReady, waitState, withSession,
} from './driver';

const NUMBER = /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i;

export function trainingFlows(env: Env): void {
  test('a preselected sample trains with one click and shows every result', () =>
    withSession(env, async ({ page }) => {
      await page.goto(env.server.url);
      await waitReady(page);
      expect(await page.$eval(sel('sample-select'), (e) => (e as HTMLSelectElement).value)).toBe('iris');
      expect(await page.$eval(sel('target-select'), (e) => (e as HTMLSelectElement).value)).toBe('species');
      await setEpochs(page, 8);
      await trainToDone(page);

      const acc = await text(page, 'metric-accuracy');
      expect(acc).toMatch(NUMBER);
      expect(Number(acc)).toBeGreaterThanOrEqual(0);
      expect(Number(acc)).toBeLessThanOrEqual(1);
      expect(Number.isFinite(Number(await text(page, 'metric-loss')))).toBe(true);
      expect(await page.$eval(sel('epoch-progress'), (p) => [(p as HTMLProgressElement).value, (p as HTMLProgressElement).max])).toEqual([8, 8]);
      expect(await text(page, 'status')).toContain('Finished');
      expect(await isHidden(page, sel('error'))).toBe(true);

      // Confusion matrix: 3 classes whose counts add up to the 30 test rows; usage: overall + 3 classes.
      const cells = await page.$$eval(`${sel('confusion-matrix')} tbody td`, (tds) => tds.map((td) => Number(td.textContent)));
      expect(cells).toHaveLength(9);
      expect(cells.reduce((a, b) => a + b, 0)).toBe(30);
      expect(await page.$$eval(`${sel('expert-usage')} .usage-row`, (r) => r.length)).toBe(4);
      expect(await page.$eval(sel('loss-chart'), (e) => e.getAttribute('data-points'))).toBe('8');
      expect(await page.$eval(sel('expert-map'), paintedFraction as (e: Element) => number)).toBeGreaterThan(0.9);
    }));

  test('an uploaded CSV is previewed as text; changing the target changes the task', () =>
    withSession(env, async ({ page }) => {
      await page.goto(env.server.url);
      await waitReady(page);
      await upload(page, 'csv-input', 'custom <i>name.csv', mixedCsv());
      await waitText(page, '#data-source', 'custom <i>name.csv');
      await waitReady(page);
      expect(await page.$eval(sel('target-select'), (e) => (e as HTMLSelectElement).value)).toBe('score');
      expect(await page.$eval('#task-detected', (e) => e.textContent)).toContain('regression');
      // Data and file names are shown as text, never parsed as HTML.
      expect(await page.$$eval('#preview td', (tds) => tds.filter((td) => td.textContent === '<b>odd</b>').length)).toBe(1);
      expect(await page.$$eval('#preview b, #data-source i', (e) => e.length)).toBe(0);

      await page.select(sel('target-select'), 'label');
      await waitText(page, '#task-detected', 'classification');
      await waitReady(page);
      await setEpochs(page, 30);
      await trainToDone(page);
      // The model learned the label: clearly above always guessing this data's majority class.
      const acc = Number(await text(page, 'metric-accuracy'));
      expect(acc).toBeGreaterThan(majorityRate(mixedCsv(), 'label') + 0.15);
      expect(acc).toBeLessThanOrEqual(1);
      expect(await isHidden(page, '#row-rmse')).toBe(true);
    }));

  test('the loss chart and progress bar update live during training', () =>
    withSession(env, async ({ page }) => {
      await page.goto(env.server.url);
      await waitReady(page);
      await chooseSample(page, 'penguins');
      // Far more epochs than we wait for: watch the redraws, then cancel (independent of speed).
      await setEpochs(page, 100000);
      await page.evaluate(() => {
        const seen: [number, number][] = [];
        (window as unknown as { __seen: [number, number][] }).__seen = seen;
        const chart = document.querySelector('[data-testid="loss-chart"]')!;
        const progress = document.querySelector('[data-testid="epoch-progress"]') as HTMLProgressElement;
        new MutationObserver(() => {
          if (document.body.dataset.state === 'training') seen.push([Number(chart.getAttribute('data-points')), progress.value]);
        }).observe(chart, { attributes: true, attributeFilter: ['data-points'] });
      });
      const seen = () => page.evaluate(() => (window as unknown as { __seen: [number, number][] }).__seen);
      await click(page, 'train-button');
      await expect
        .poll(async () => new Set((await seen()).map(([p]) => p).filter((p) => p > 0)).size, { timeout: 60_000, interval: 200 })
        .toBeGreaterThanOrEqual(4);
      await click(page, 'cancel-button');
      await waitState(page, 'cancelled', 10_000);
      const redraws = await seen();
      for (let i = 1; i < redraws.length; i++) expect(redraws[i][0]).toBeGreaterThanOrEqual(redraws[i - 1][0]);
      // Every redraw shows exactly the epochs the progress bar has counted.
      for (const [points, progress] of redraws) expect(points).toBe(progress);
      const final = Number(await page.$eval(sel('loss-chart'), (e) => e.getAttribute('data-points')));
      expect(final).toBe(await progressValue(page));
      expect(final).toBeLessThan(100000);
    }));

  test('cancel stops training and the page stays usable', () =>
    withSession(env, async ({ page }) => {
      await page.goto(env.server.url);
      await waitReady(page);
      await setEpochs(page, 100000);
      await click(page, 'train-button');
      await waitState(page, 'training');
      await expect.poll(() => progressValue(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
      await click(page, 'cancel-button');
      await waitState(page, 'cancelled', 10_000);
      expect(await text(page, 'status')).toContain('Cancelled');
      expect(await progressValue(page)).toBeLessThan(100000);
      expect(await page.$eval(sel('train-button'), (b) => (b as HTMLButtonElement).disabled)).toBe(false);
      expect(await page.$eval(sel('cancel-button'), (b) => (b as HTMLButtonElement).disabled)).toBe(true);
      expect(await isHidden(page, sel('error'))).toBe(true);
      await setEpochs(page, 3);
      await trainToDone(page);
      expect(await text(page, 'metric-accuracy')).not.toBe('');
    }));
}
