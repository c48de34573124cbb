// Context for every metric: on data with no signal (labels drawn independently of the features) the
// verdict says so in plain words, a rising validation loss is called overfitting, and one click
// retrains with early stopping.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { byId, expect, setEpochs, test, trainToDone, waitReady } from './fixtures';

const NO_SIGNAL = readFileSync(resolve(import.meta.dirname, '../fixtures/no-signal.csv'));

test('no signal: the verdict says overfitting and one click retrains with early stopping', async ({ page, site }) => {
  await page.goto(site);
  await waitReady(page);
  await byId(page, 'csv-input').setInputFiles({ name: 'no-signal.csv', mimeType: 'text/csv', buffer: NO_SIGNAL });
  await expect(page.locator('#data-source')).toContainText('no-signal.csv');
  await waitReady(page);
  await expect(byId(page, 'target-select')).toHaveValue('label');
  await byId(page, 'expert-hidden-input').fill('64, 32');
  await setEpochs(page, 150);
  await trainToDone(page);
  await expect(byId(page, 'verdict')).toContainText(/Validation loss rose from epoch \d+: overfitting — retrain with early stopping/);
  await expect(byId(page, 'retrain-early-stopping')).toBeVisible();
  await byId(page, 'retrain-early-stopping').click();
  await expect(page.locator('body')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expect(byId(page, 'results-title')).toContainText('early stopping (patience 5)');
  await expect(page.locator('#result-note')).toContainText('stopped early');
});

test('no signal: the verdict says no better than always answering the majority class', async ({ page, site }) => {
  await page.goto(site);
  await waitReady(page);
  await byId(page, 'csv-input').setInputFiles({ name: 'no-signal.csv', mimeType: 'text/csv', buffer: NO_SIGNAL });
  await expect(page.locator('#data-source')).toContainText('no-signal.csv');
  await waitReady(page);
  await setEpochs(page, 20);
  await trainToDone(page);
  const baseline = Number(await byId(page, 'baseline').textContent());
  const accuracy = Number(await byId(page, 'metric-accuracy').textContent());
  expect(baseline).toBeGreaterThan(0.3);
  expect(baseline).toBeLessThan(0.7);
  // Within one standard error of always answering the majority class on the 60 test rows.
  expect(accuracy).toBeLessThanOrEqual(baseline + Math.sqrt((baseline * (1 - baseline)) / 60));
  await expect(byId(page, 'verdict')).toContainText('No better than always answering "red"');
  await expect(page.locator('#baseline-label')).toContainText('Always "red"');
  // Balanced accuracy and precision/recall per class sit next to it.
  const balanced = Number(await byId(page, 'metric-balanced-accuracy').textContent());
  expect(balanced).toBeGreaterThanOrEqual(0);
  expect(balanced).toBeLessThanOrEqual(1);
  await expect(byId(page, 'per-class').locator('tbody tr')).toHaveCount(3);
});

test('a model that learned beats its baseline; regression shows predicted against actual', async ({ page, site }) => {
  await page.goto(site);
  await waitReady(page);
  await setEpochs(page, 20);
  await trainToDone(page);
  await expect(byId(page, 'baseline')).toHaveText(/^0\.3\d+$/);
  await expect(byId(page, 'verdict')).toContainText('Better than always answering');
  await byId(page, 'sample-select').selectOption('cars-mpg');
  await expect(page.locator('#data-source')).toContainText('cars-mpg.csv');
  await waitReady(page);
  await trainToDone(page);
  expect(Number(await byId(page, 'baseline').textContent())).toBeGreaterThan(0);
  await expect(byId(page, 'verdict')).toContainText('R²');
  await expect(byId(page, 'predicted-vs-actual')).toBeVisible();
  await expect(byId(page, 'predicted-vs-actual')).toHaveAttribute('aria-label', /Predicted against actual mpg for \d+ test rows/);
  // The expert map's default view is the PCA projection, with axes that say what they are.
  await expect(byId(page, 'map-view')).toHaveValue('pca');
  await expect(byId(page, 'expert-map')).toHaveAttribute('aria-label', /principal components/);
});
