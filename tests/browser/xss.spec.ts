// Hostile input on the demo page (issue 7). File names, column names, categories and class labels
// that are HTML/script are shown as text, never parsed: a CSV carrying them goes through the whole
// flow (preview, target choice, training, confusion matrix, expert usage, map legend, errors) and
// window.__xss stays undefined, no element appears from them. Also: the CSP is strict and enforced,
// and a training worker that throws gives a clear error instead of a hang.
import { byId, expect, setEpochs, test, trainToDone, waitReady } from './fixtures';
import { cspProblems, tryInlineCode } from './page-checks';
import { CLASS_A, CLASS_B, FILE, IMG, type Injected, MODEL_FILE, SCRIPT, TARGET, hostileCsv, injectedProbe } from './hostile-input';
import type { Page } from '@playwright/test';

const injected = (page: Page): Promise<Injected> => page.evaluate(injectedProbe);

test('HTML in file names, headers, values and class labels is shown as text and never runs', async ({ page, site }) => {
  await page.goto(site);
  await waitReady(page);
  const clean = await injected(page);
  expect(clean.xss).toBeUndefined();
  expect(clean.img).toBe(0);

  await byId(page, 'csv-input').setInputFiles({ name: FILE, mimeType: 'text/csv', buffer: Buffer.from(hostileCsv()) });
  await waitReady(page);
  // The texts are there, literally: file name, column names in the preview and the target select.
  await expect(page.locator('#data-source')).toContainText(FILE);
  const header = byId(page, 'preview').locator('thead th');
  await expect(header.filter({ hasText: IMG })).toHaveCount(1);
  await expect(header.filter({ hasText: SCRIPT })).toHaveCount(1);
  await expect(byId(page, 'preview').locator('tbody')).toContainText(SCRIPT);
  await expect(byId(page, 'target-select')).toHaveValue(TARGET);
  await expect(byId(page, 'target-select').locator('option', { hasText: IMG })).toHaveCount(1);

  await setEpochs(page, 3);
  await trainToDone(page);
  // Class labels reach the confusion matrix (and the usage chart and map legend) as text.
  await expect(byId(page, 'confusion-matrix')).toContainText(CLASS_A);
  await expect(byId(page, 'confusion-matrix')).toContainText(CLASS_B);
  await expect(page.locator('main')).toContainText(CLASS_A);

  // A hostile name on a refused model file lands in the error region as text too.
  await byId(page, 'load-model-input').setInputFiles({ name: MODEL_FILE, mimeType: 'application/octet-stream', buffer: Buffer.from('not a model') });
  await expect(byId(page, 'error')).toContainText(MODEL_FILE);

  // Give any injected handler (onerror/onload fire asynchronously) time to run, then check.
  await page.waitForTimeout(300);
  const after = await injected(page);
  expect(after.xss).toBeUndefined();
  expect(after.img).toBe(0);
  expect(after.svg).toBe(0);
  expect(after.bold).toBe(0);
  expect(after.scripts).toBe(clean.scripts);
});

test('the CSP is strict (no eval, no inline script, nothing but this origin) and the browser enforces it', async ({ page, site, guard }) => {
  await page.goto(site);
  await waitReady(page);
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(cspProblems(csp)).toEqual([]);
  // Enforced: an inline script and an inline event handler (the two ways injected HTML would run)
  // are refused. (eval cannot be probed from page.evaluate, which DevTools exempts from the CSP;
  // the policy above has no 'unsafe-eval'.)
  const result = await page.evaluate(tryInlineCode);
  expect(result.inline).toBeUndefined();
  expect(result.handler).toBeUndefined();
  // Those two refusals are the only CSP reports (and console errors), and they are expected here;
  // each comes once per policy (the HTTP header and the <meta> tag carry the same one).
  await expect.poll(() => new Set(guard.cspViolations).size).toBe(2);
  expect(guard.cspViolations.every((v) => v.startsWith('script-src'))).toBe(true);
  guard.cspViolations.length = 0;
  expect(guard.consoleErrors.length).toBeGreaterThan(0);
  expect(guard.consoleErrors.every((e) => e.includes('Content Security Policy'))).toBe(true);
  guard.consoleErrors.length = 0;
});

test('a training worker that throws mid-training: a clear error, no hang; after a reload training works', async ({ page, site, guard }) => {
  await page.goto(site);
  await waitReady(page);
  await setEpochs(page, 100000);
  await byId(page, 'train-button').click();
  await expect(page.locator('body')).toHaveAttribute('data-state', 'training');
  await expect.poll(() => page.workers().length).toBeGreaterThan(0);
  const worker = page.workers().find((w) => !w.url().includes('sw.js')) ?? page.workers()[0];
  await worker.evaluate(() => { setTimeout(() => { throw new Error('boom in the training worker'); }, 0); });
  await expect(byId(page, 'error')).toContainText('boom in the training worker');
  await expect(page.locator('body')).toHaveAttribute('data-state', 'error');
  await expect(byId(page, 'train-button')).toBeVisible();
  guard.consoleErrors = guard.consoleErrors.filter((e) => !e.includes('boom in the training worker'));
  await page.reload();
  await waitReady(page);
  await setEpochs(page, 2);
  await trainToDone(page);
});

test('class labels that are spreadsheet formulas are neutralised in the predictions download', async ({ page, site }) => {
  const labels = ['=HYPERLINK("http://evil","x")', "+cmd|' /C calc'!A0"];
  const lines = ['a,b,label'];
  const quoted = (s: string) => `"${s.replace(/"/g, '""')}"`;
  for (let i = 0; i < 40; i++) lines.push(`${i % 2 ? -i : i},${(i * 3) % 7},${quoted(labels[i % 2])}`);
  await page.goto(site);
  await waitReady(page);
  await byId(page, 'csv-input').setInputFiles({ name: 'formulas.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n') + '\n') });
  await waitReady(page);
  await setEpochs(page, 2);
  await trainToDone(page);
  const [dl] = await Promise.all([page.waitForEvent('download'), byId(page, 'download-predictions').click()]);
  const csv = (await import('node:fs')).readFileSync((await dl.path())!, 'utf8');
  const rows = csv.trim().split('\n').slice(1);
  expect(rows.length).toBe(40);
  // The label as read and the prediction: a quote before = and +; numbers (also -5) and probabilities stay plain.
  const label = `(?:"'=HYPERLINK\\(""http:\\/\\/evil"",""x""\\)"|'\\+cmd\\|' \\/C calc'!A0)`;
  const shape = new RegExp(`^-?\\d+,\\d+,${label},(?:train|test),${label},[0-9.]+,[0-9.]+$`);
  for (const row of rows) expect(row).toMatch(shape);
});
