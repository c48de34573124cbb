// Training flows on the production build: one-click sample training, upload with a target change,
// live chart updates, cancel, and a responsiveness measurement while the worker trains.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { RESULTS_DIR, byId, expect, setEpochs, test, trainToDone, waitReady, chooseSample } from './fixtures';
import { majorityRate, mixedCsv, paintedFraction } from './page-checks';

function number(text: string | null): number {
  expect(text ?? '').toMatch(/^-?\d+(\.\d+)?(e[-+]?\d+)?$/i);
  return Number(text);
}

test('a preselected sample trains with one click and shows every result', async ({ page, site }) => {
  await page.goto(site);
  await waitReady(page);
  await expect(byId(page, 'sample-select')).toHaveValue('iris');
  await expect(byId(page, 'target-select')).toHaveValue('species');
  await setEpochs(page, 8);
  await trainToDone(page);

  // The model learned: iris has three equal classes (a majority guess scores 1/3); 8 epochs reach ~0.97.
  const acc = number(await byId(page, 'metric-accuracy').textContent());
  expect(acc).toBeGreaterThan(0.6);
  expect(acc).toBeLessThanOrEqual(1);
  expect(Number.isFinite(number(await byId(page, 'metric-loss').textContent()))).toBe(true);
  await expect(byId(page, 'epoch-progress')).toHaveJSProperty('value', 8);
  await expect(byId(page, 'epoch-progress')).toHaveJSProperty('max', 8);
  await expect(byId(page, 'status')).toContainText('Finished');
  await expect(byId(page, 'error')).toBeHidden();

  // Confusion matrix: 3 classes, counts add up to the test rows.
  const cells = await byId(page, 'confusion-matrix').locator('tbody td').allTextContents();
  expect(cells).toHaveLength(9);
  expect(cells.map(Number).reduce((a, b) => a + b, 0)).toBe(30);
  // Expert usage: the overall row plus one per class.
  await expect(byId(page, 'expert-usage').locator('.usage-row')).toHaveCount(4);
  await expect(byId(page, 'loss-chart')).toHaveAttribute('data-points', '8');
  // The expert map canvas has been painted.
  const painted = await byId(page, 'expert-map').evaluate(paintedFraction);
  expect(painted).toBeGreaterThan(0.9);

  mkdirSync(RESULTS_DIR, { recursive: true });
  await page.screenshot({ path: join(RESULTS_DIR, 'trained-page.png'), fullPage: true });
});

test('an uploaded CSV is previewed as text; changing the target changes the task', async ({ page, site }) => {
  await page.goto(site);
  await waitReady(page);
  await byId(page, 'csv-input').setInputFiles({ name: 'custom <i>name</i>.csv', mimeType: 'text/csv', buffer: Buffer.from(mixedCsv()) });
  await waitReady(page);
  await expect(byId(page, 'target-select')).toHaveValue('score');
  await expect(page.locator('#task-detected')).toContainText('regression');
  // Data and file names are shown as text, never parsed as HTML.
  await expect(page.locator('#preview td', { hasText: '<b>odd</b>' })).toHaveCount(1);
  await expect(page.locator('#preview b, #data-source i')).toHaveCount(0);
  await expect(page.locator('#data-source')).toContainText('custom <i>name</i>.csv');

  await byId(page, 'target-select').selectOption('label');
  await waitReady(page);
  await expect(page.locator('#task-detected')).toContainText('classification');
  await setEpochs(page, 30);
  await trainToDone(page);
  // The model learned the label (x1 > x2, a straight boundary): clearly above always guessing the
  // majority class of this data (34 of 60 rows are 'small').
  const acc = number(await byId(page, 'metric-accuracy').textContent());
  expect(acc).toBeGreaterThan(majorityRate(mixedCsv(), 'label') + 0.15);
  expect(acc).toBeLessThanOrEqual(1);
  await expect(page.locator('#row-rmse')).toBeHidden();

  // And regression on the built-in cars sample reports RMSE and R².
  await chooseSample(page, 'cars-mpg');
  await setEpochs(page, 4);
  await trainToDone(page);
  expect(Number.isFinite(Number(await byId(page, 'metric-rmse').textContent()))).toBe(true);
  expect(await byId(page, 'metric-r2').textContent()).toMatch(/^-?\d+\.\d+$/);
  await expect(page.locator('#row-accuracy')).toBeHidden();
  await expect(page.locator('#confusion-block')).toBeHidden();
  await expect(byId(page, 'loss-chart').locator('.u-legend')).not.toContainText('acc');
});

test('the loss chart and progress bar update live during training', async ({ page, site }) => {
  await page.goto(site);
  await waitReady(page);
  await chooseSample(page, 'penguins');
  // Far more epochs than we wait for: the test watches redraws, then cancels (independent of speed).
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
  await byId(page, 'train-button').click();
  const seen = () => page.evaluate(() => (window as unknown as { __seen: [number, number][] }).__seen);
  await expect.poll(async () => new Set((await seen()).map(([p]) => p).filter((p) => p > 0)).size, { timeout: 60_000 }).toBeGreaterThanOrEqual(4);
  await expect(page.locator('body')).toHaveAttribute('data-state', 'training');
  await byId(page, 'cancel-button').click();
  await expect(page.locator('body')).toHaveAttribute('data-state', 'cancelled', { timeout: 10_000 });
  const redraws = await seen();
  console.log(`loss chart redraws while training: ${redraws.length} (points: ${redraws.slice(0, 12).map(([p]) => p).join(', ')}…)`);
  for (let i = 1; i < redraws.length; i++) expect(redraws[i][0]).toBeGreaterThanOrEqual(redraws[i - 1][0]);
  // Every redraw shows exactly the epochs the progress bar has counted.
  for (const [points, progress] of redraws) expect(points).toBe(progress);
  const final = Number(await byId(page, 'loss-chart').getAttribute('data-points'));
  expect(final).toBe(await byId(page, 'epoch-progress').evaluate((p: HTMLProgressElement) => p.value));
  expect(final).toBeLessThan(100000);
  await expect(byId(page, 'loss-chart').locator('canvas')).toHaveCount(1);
});

test('cancel stops training and the page stays usable', async ({ page, site }) => {
  await page.goto(site);
  await waitReady(page);
  await setEpochs(page, 100000);
  await byId(page, 'train-button').click();
  await expect(page.locator('body')).toHaveAttribute('data-state', 'training');
  await expect.poll(() => byId(page, 'epoch-progress').evaluate((p: HTMLProgressElement) => p.value)).toBeGreaterThanOrEqual(2);
  await byId(page, 'cancel-button').click();
  await expect(page.locator('body')).toHaveAttribute('data-state', 'cancelled', { timeout: 10_000 });
  await expect(byId(page, 'status')).toContainText('Cancelled');
  const stoppedAt = await byId(page, 'epoch-progress').evaluate((p: HTMLProgressElement) => p.value);
  expect(stoppedAt).toBeLessThan(100000);
  await expect(byId(page, 'train-button')).toBeEnabled();
  await expect(byId(page, 'cancel-button')).toBeDisabled();
  await expect(byId(page, 'error')).toBeHidden();
  await setEpochs(page, 3);
  await trainToDone(page);
  await expect(byId(page, 'metric-accuracy')).not.toBeEmpty();
});

test('the page answers clicks while the worker trains (long tasks recorded)', async ({ page, site }) => {
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: number[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  // Long-task entries reach the observer a little after the task ends; wait for them, then take them.
  const longTasks = () =>
    page.evaluate(async () => {
      await new Promise((resolve) => setTimeout(resolve, 250));
      return (window as unknown as { __longTasks: number[] }).__longTasks.splice(0);
    });
  const progress = () => byId(page, 'epoch-progress').evaluate((p: HTMLProgressElement) => p.value);
  await page.goto(site);
  await waitReady(page);
  await setEpochs(page, 100000);
  // Playwright's first locator.evaluate compiles its injected script in the page's own world, a
  // 60-100 ms task the observer would charge to the page; run it once before measuring.
  await progress();
  await longTasks();
  await byId(page, 'train-button').click();
  await expect.poll(progress).toBeGreaterThanOrEqual(1);

  // Frame gaps over about one second of training, measured with requestAnimationFrame.
  const gaps = await page.evaluate(
    () =>
      new Promise<number[]>((resolve) => {
        const out: number[] = [];
        let last = performance.now();
        const end = last + 1000;
        const tick = (t: number) => {
          out.push(t - last);
          last = t;
          if (t < end) requestAnimationFrame(tick);
          else resolve(out);
        };
        requestAnimationFrame(tick);
      }),
  );
  // A click on the page is handled while training continues.
  await expect(page.locator('body')).toHaveAttribute('data-state', 'training');
  await page.locator('#advanced summary').click();
  await expect(page.locator('#advanced')).toHaveJSProperty('open', true);
  await expect(page.locator('body')).toHaveAttribute('data-state', 'training');
  const during = await longTasks();
  console.log(
    `during training: ${gaps.length} frames in ~1 s, largest frame gap ${Math.max(...gaps).toFixed(1)} ms; ` +
      `main-thread long tasks: ${during.length}, longest ${during.length ? Math.max(...during).toFixed(1) : 0} ms`,
  );
  expect(gaps.length).toBeGreaterThan(1);
  await byId(page, 'cancel-button').click();
  await expect(page.locator('body')).toHaveAttribute('data-state', 'cancelled', { timeout: 10_000 });

  // The end of a run: the results (metrics, usage bars, confusion matrix, expert map) are drawn.
  await setEpochs(page, 20);
  await longTasks();
  await trainToDone(page);
  await expect(byId(page, 'expert-usage').locator('.usage-row')).not.toHaveCount(0);
  const finish = await longTasks();
  console.log(
    `training to done with results: main-thread long tasks: ${finish.length}, longest ${finish.length ? Math.max(...finish).toFixed(1) : 0} ms`,
  );
});

test('sparse top-k gating trains from the page', async ({ page, site }) => {
  await page.goto(site);
  await waitReady(page);
  await byId(page, 'gating-select').selectOption('topk');
  await byId(page, 'experts-input').fill('4');
  await setEpochs(page, 4);
  await trainToDone(page);
  // Learned, not just a number: well above the 1/3 of a majority guess on iris (~0.9 after 4 epochs).
  const acc = Number(await byId(page, 'metric-accuracy').textContent());
  expect(acc).toBeGreaterThan(0.6);
  expect(acc).toBeLessThanOrEqual(1);
  await expect(byId(page, 'expert-usage').locator('.usage-row')).toHaveCount(4);
});
