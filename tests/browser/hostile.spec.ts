// Bad input on the demo page: each file gets a clear message in the error region and the next good
// file works. Also: drag and drop of a CSV, and bad option values.
import { byId, expect, setEpochs, test, trainToDone, waitReady } from './fixtures';
import { GOOD_CSV as GOOD } from './page-checks';

test('a JSON file renamed .csv and a ragged CSV are refused clearly; the next file works', async ({ page, site }) => {
  await page.goto(site);
  await waitReady(page);
  const error = byId(page, 'error');

  await byId(page, 'csv-input').setInputFiles({
    name: 'data.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(JSON.stringify([{ a: 1, b: 2 }, { a: 3, b: 4 }], null, 2)),
  });
  await expect(error).toBeVisible();
  await expect(error).toContainText('data.csv');
  await expect(error).toContainText('JSON');
  await expect(byId(page, 'train-button')).toBeDisabled();

  await byId(page, 'csv-input').setInputFiles({
    name: 'ragged.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('a,b,c\n1,2,3\n4,5\n6,7,8\n9,10,11,12\n'),
  });
  await expect(error).toBeVisible();
  await expect(error).toContainText('ragged.csv');
  await expect(error).toContainText(/row|line/i);
  await expect(byId(page, 'train-button')).toBeDisabled();

  await byId(page, 'csv-input').setInputFiles({ name: 'binary.csv', mimeType: 'text/csv', buffer: Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0x14, 0]) });
  await expect(error).toContainText('binary');

  await byId(page, 'csv-input').setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(GOOD) });
  await waitReady(page);
  await expect(error).toBeHidden();
  await expect(error).toBeEmpty();
  await setEpochs(page, 2);
  await trainToDone(page);
});

test('a CSV dropped on the page is used', async ({ page, site }) => {
  await page.goto(site);
  await waitReady(page);
  const dt = await page.evaluateHandle((text) => {
    const d = new DataTransfer();
    d.items.add(new File([text], 'dropped.csv', { type: 'text/csv' }));
    return d;
  }, GOOD);
  await page.dispatchEvent('main', 'dragover', { dataTransfer: dt });
  await page.dispatchEvent('main', 'drop', { dataTransfer: dt });
  await waitReady(page);
  await expect(page.locator('#data-source')).toContainText('dropped.csv');
  await expect(byId(page, 'target-select')).toHaveValue('kind');
});

test('an out-of-range option is named in the error region (the package\'s own message) and nothing starts', async ({ page, site }) => {
  await page.goto(site);
  await waitReady(page);
  await byId(page, 'experts-input').fill('0');
  await byId(page, 'train-button').click();
  // The page keeps no limits of its own: the range is the package's (from the C++ validation).
  await expect(byId(page, 'error')).toContainText('experts must be an integer in [1, 1024], got 0');
  await byId(page, 'experts-input').fill('2.5');
  await byId(page, 'train-button').click();
  await expect(byId(page, 'error')).toContainText('got 2.5');
  await byId(page, 'learning-rate-input').fill('');
  await byId(page, 'experts-input').fill('3');
  await byId(page, 'train-button').click();
  await expect(byId(page, 'error')).toContainText('learningRate');
  await byId(page, 'learning-rate-input').fill('0.01');
  await expect(page.locator('body')).toHaveAttribute('data-state', 'ready');
  await byId(page, 'experts-input').fill('3');
  await setEpochs(page, 2);
  await trainToDone(page);
  await expect(byId(page, 'error')).toBeHidden();
});

test('bytes that are not a model are refused when loaded as a model', async ({ page, site }) => {
  await page.goto(site);
  await waitReady(page);
  await byId(page, 'load-model-input').setInputFiles({ name: 'fake.moe', mimeType: 'application/octet-stream', buffer: Buffer.from('this is not a model at all') });
  await expect(byId(page, 'error')).toContainText('fake.moe');
  await setEpochs(page, 2);
  await trainToDone(page);
});

test('a target column that cannot be learned is named, and another target can be chosen', async ({ page, site }) => {
  await page.goto(site);
  await waitReady(page);
  await byId(page, 'csv-input').setInputFiles({
    name: 'notes.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('x,y,group,note\n1,2,a,\n2,1,b,\n3,4,a,\n4,3,b,\n5,6,a,\n6,5,b,\n7,8,a,\n8,7,b,\n'),
  });
  // The suggested target skips the empty last column; choosing it anyway names the problem.
  await waitReady(page);
  await expect(byId(page, 'target-select')).not.toHaveValue('note');
  await byId(page, 'target-select').selectOption('note');
  await expect(byId(page, 'error')).toContainText('note');
  await expect(byId(page, 'train-button')).toBeDisabled();
  await byId(page, 'target-select').selectOption('group');
  await waitReady(page);
  await expect(byId(page, 'error')).toBeHidden();
  await setEpochs(page, 2);
  await trainToDone(page);
});

test('a file over the size limit is refused before it is read; the next file works', async ({ page, site }) => {
  await page.goto(site);
  await waitReady(page);
  const dt = await page.evaluateHandle(() => {
    const d = new DataTransfer();
    d.items.add(new File([new Uint8Array(51 * 1024 * 1024)], 'huge.csv', { type: 'text/csv' }));
    return d;
  });
  await page.dispatchEvent('main', 'drop', { dataTransfer: dt });
  await expect(byId(page, 'error')).toContainText('huge.csv');
  await expect(byId(page, 'error')).toContainText('50 MB');
  await expect(byId(page, 'train-button')).toBeDisabled();
  await byId(page, 'csv-input').setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(GOOD) });
  await waitReady(page);
  await expect(byId(page, 'error')).toBeHidden();
});
