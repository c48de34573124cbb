// Choosing the target on real-looking files whose target is not the last column: the suggested
// target is preselected, identifiers and free text are left out of the features with a notice, and
// training on an identifier or free-text target needs a confirmation that says why it is a bad idea.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { byId, expect, test, trainToDone, waitReady, setEpochs } from './fixtures';

const fixture = (name: string) => readFileSync(resolve(import.meta.dirname, '../fixtures/roles', name));

async function upload(page: Page, name: string): Promise<void> {
  await byId(page, 'csv-input').setInputFiles({ name, mimeType: 'text/csv', buffer: fixture(name) });
  await expect(page.locator('#data-source')).toContainText(name);
  await expect(page.locator('body')).toHaveAttribute('data-state', 'ready');
}

test('the suggested target is preselected on files whose target is not last', async ({ page, site }) => {
  await page.goto(site);
  await waitReady(page);
  for (const [name, target] of [['penguins.csv', 'species'], ['passengers.csv', 'Survived'], ['wine.csv', 'quality'], ['houses.csv', 'SalePrice']]) {
    await upload(page, name);
    await expect(byId(page, 'target-select'), name).toHaveValue(target);
    await expect(byId(page, 'target-confirm')).toBeHidden();
  }
});

test('identifiers and free text are dropped with a notice; choosing one as target needs a confirmation', async ({ page, site }) => {
  await page.goto(site);
  await waitReady(page);
  await upload(page, 'passengers.csv');
  await expect(byId(page, 'dropped-columns')).toContainText('PassengerId (identifier');
  await expect(byId(page, 'dropped-columns')).toContainText('Name (free text');
  await expect(byId(page, 'train-button')).toBeEnabled();

  await byId(page, 'target-select').selectOption('Name');
  await expect(byId(page, 'target-confirm')).toBeVisible();
  await expect(byId(page, 'target-confirm')).toContainText('"Name" looks like free text');
  await expect(byId(page, 'target-confirm')).toContainText('predict nothing useful');
  await expect(byId(page, 'train-button')).toBeDisabled();

  await byId(page, 'target-select').selectOption('PassengerId');
  await expect(byId(page, 'target-confirm')).toContainText('"PassengerId" looks like an identifier');
  await expect(byId(page, 'train-button')).toBeDisabled();
  await page.getByTestId('target-confirm-button').click();
  await expect(byId(page, 'target-confirm')).toBeHidden();
  await expect(byId(page, 'train-button')).toBeEnabled();
  await setEpochs(page, 2);
  await trainToDone(page);
  await expect(byId(page, 'results-title')).toContainText('passengers.csv → PassengerId');
});
