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
