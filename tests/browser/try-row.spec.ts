// Try a row: the form is prefilled with a test row, its answer equals what the model predicts for the
// same row through the predictions download, edits update prediction and gate live, and a loaded
// model gets the form too.
import type { Page } from '@playwright/test';
import { byId, expect, readDownload, setEpochs, test, trainToDone, waitReady } from './fixtures';

async function formRow(page: Page): Promise<{ names: string[]; values: string[] }> {
  return byId(page, 'try-row').evaluate((f: HTMLFormElement) => {
    const fields = Array.from(f.elements) as HTMLInputElement[];
    return { names: fields.map((x) => x.name), values: fields.map((x) => x.value) };
  });
}

const probs = (page: Page) =>
  byId(page, 'try-prediction').locator('li').evaluateAll((lis) => lis.map((li) => Number((li as HTMLElement).dataset.p)));
const gates = (page: Page) =>
  byId(page, 'try-gate').locator('li').evaluateAll((lis) => lis.map((li) => Number((li as HTMLElement).dataset.weight)));

test('try a row: prefilled, equal to predict on that row, live on edits, and for a loaded model', async ({ page, site }) => {
  await page.goto(site);
  await waitReady(page);
  await expect(byId(page, 'try-row')).toBeHidden();
  await setEpochs(page, 10);
  await trainToDone(page);

  // Iris: four numeric inputs prefilled with a test row; three class probabilities; four experts.
  await expect(byId(page, 'try-row').locator('input[type=number]')).toHaveCount(4);
  await expect(byId(page, 'try-prediction').locator('li')).toHaveCount(3);
  await expect(byId(page, 'try-gate').locator('li')).toHaveCount(4);
  const row = await formRow(page);
  expect(row.names).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
  for (const v of row.values) expect(Number.isFinite(Number(v)) && v !== '').toBe(true);
  const p = await probs(page);
  expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  expect((await gates(page)).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  await expect(byId(page, 'try-prediction')).toContainText(/Prediction: (setosa|versicolor|virginica)/);

  // The same row as a file of its own: the predictions download gives the same probabilities.
  const csv = `${row.names.join(',')}\n${row.values.join(',')}\n`;
  await byId(page, 'csv-input').setInputFiles({ name: 'one-row.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await expect(page.locator('#data-source')).toContainText('one-row.csv');
  const lines = (await readDownload(page, 'download-predictions')).toString('utf8').trim().split('\n');
  const header = lines[0].split(',');
  const cells = lines[1].split(',');
  const fromFile = header.map((h, i) => [h, cells[i]] as const).filter(([h]) => h.startsWith('p_')).map(([, v]) => Number(v));
  expect(fromFile).toHaveLength(3);
  fromFile.forEach((v, k) => expect(Math.abs(v - p[k])).toBeLessThan(1e-3));

  // Editing a value answers live: a huge petal length moves the probabilities and the gate.
  const gateBefore = await gates(page);
  await byId(page, 'try-row').locator('input[name=petal_length]').fill('40');
  await expect.poll(async () => JSON.stringify(await probs(page))).not.toBe(JSON.stringify(p));
  await expect.poll(async () => JSON.stringify(await gates(page))).not.toBe(JSON.stringify(gateBefore));

  // A loaded model in a fresh page gets the form (prefilled from the current file's first row).
  const model = await readDownload(page, 'download-model', 'iris-species.moe');
  await page.reload();
  await waitReady(page);
  await byId(page, 'load-model-input').setInputFiles({ name: 'iris-species.moe', mimeType: 'application/octet-stream', buffer: model });
  await expect(byId(page, 'status')).toContainText('Loaded iris-species.moe');
  await expect(byId(page, 'try-row').locator('input[name=sepal_length]')).toHaveValue('5.1');
  await expect(byId(page, 'try-prediction').locator('li')).toHaveCount(3);
  await expect(byId(page, 'try-gate').locator('li')).toHaveCount(4);
});
