// Results belong to what produced them: the results card names "file → target · options", and any
// change of file, target, task or options after training hides it until the next training.
import { byId, chooseSample, expect, setEpochs, test, trainToDone, waitReady } from './fixtures';
import { mixedCsv } from './page-checks';

test('results are titled with file, target and options, and hidden after any change', async ({ page, site }) => {
  await page.goto(site);
  await waitReady(page);
  await expect(byId(page, 'results')).toBeHidden();
  await setEpochs(page, 3);
  await trainToDone(page);
  await expect(byId(page, 'results')).toBeVisible();
  await expect(byId(page, 'results-title')).toHaveText(/^iris\.csv → species · 4 experts, softmax gate, 3 epochs/);
  await expect(byId(page, 'metric-accuracy')).not.toBeEmpty();

  // An option changes: the old numbers no longer describe the setup on screen.
  await setEpochs(page, 4);
  await expect(byId(page, 'results')).toBeHidden();
  await expect(byId(page, 'metric-accuracy')).toBeEmpty();
  await trainToDone(page);
  await expect(byId(page, 'results-title')).toContainText('4 epochs');

  // The task changes.
  await byId(page, 'task-select').selectOption('regression');
  await expect(byId(page, 'results')).toBeHidden();
  await byId(page, 'task-select').selectOption('auto');
  await waitReady(page);
  await trainToDone(page);
  await expect(byId(page, 'results')).toBeVisible();

  // The file changes (a sample, then an upload).
  await chooseSample(page, 'penguins');
  await expect(byId(page, 'results')).toBeHidden();
  await expect(byId(page, 'confusion-matrix').locator('td')).toHaveCount(0);
  await trainToDone(page);
  await expect(byId(page, 'results-title')).toContainText('penguins.csv → species');
  await byId(page, 'csv-input').setInputFiles({ name: 'mixed.csv', mimeType: 'text/csv', buffer: Buffer.from(mixedCsv()) });
  await waitReady(page);
  await expect(byId(page, 'results')).toBeHidden();

  // The target changes.
  await trainToDone(page);
  await expect(byId(page, 'results-title')).toContainText('mixed.csv → score');
  await byId(page, 'target-select').selectOption('label');
  await expect(byId(page, 'results')).toBeHidden();
  await waitReady(page);
  await trainToDone(page);
  await expect(byId(page, 'results-title')).toContainText('mixed.csv → label');
});

test('a change while training is running keeps the finished run off the results card', async ({ page, site }) => {
  await page.goto(site);
  await waitReady(page);
  await setEpochs(page, 400);
  await byId(page, 'train-button').click();
  await expect(page.locator('body')).toHaveAttribute('data-state', 'training');
  await byId(page, 'seed-input').fill('7');
  await expect(page.locator('body')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expect(byId(page, 'status')).toContainText('changed meanwhile');
  await expect(byId(page, 'results')).toBeHidden();
});
