// Keeping a model: download it, load it back in a fresh page, and get byte-identical predictions.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-web';
import { csvCells, predictionRows } from './page-checks';
import { SITE_DIR, byId, expect, readDownload, setEpochs, test, trainToDone, waitReady, chooseSample } from './fixtures';

test('a downloaded model, loaded again, predicts exactly the same', async ({ page, site }) => {
  await page.goto(site);
  await waitReady(page);
  await chooseSample(page, 'penguins');
  await setEpochs(page, 5);
  await trainToDone(page);

  const before = (await readDownload(page, 'download-predictions', 'penguins-species-predictions.csv')).toString('utf8');
  const lines = before.trim().split('\n');
  // The shared predictions CSV: the file's columns as read, train/test flag, prediction, probabilities.
  expect(lines[0]).toBe('island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,species,split,prediction,p_Adelie,p_Chinstrap,p_Gentoo');
  expect(lines).toHaveLength(345);
  expect(new Set(lines.slice(1).map((l) => csvCells(l)[7]))).toEqual(new Set(['train', 'test']));
  for (const l of lines.slice(1)) for (const p of csvCells(l).slice(9)) expect(p).toMatch(/^[01](\.\d{1,4})?$/);
  const modelBytes = await readDownload(page, 'download-model', 'penguins-species.moe');
  expect(modelBytes.length).toBeGreaterThan(100);
  // The ONNX export of the same model opens in ONNX Runtime with the documented names.
  const onnx = await readDownload(page, 'download-onnx', 'penguins-species.onnx');
  const session = await ort.InferenceSession.create(new Uint8Array(onnx));
  expect(session.inputNames).toEqual(['features']);
  expect(session.outputNames).toEqual(['probabilities']);

  // A fresh page (new worker, nothing in memory): load the model and predict on the same sample.
  await page.reload();
  await waitReady(page);
  await chooseSample(page, 'penguins');
  await expect(byId(page, 'download-predictions')).toBeDisabled();
  await byId(page, 'load-model-input').setInputFiles({ name: 'penguins-species.moe', mimeType: 'application/octet-stream', buffer: modelBytes });
  await expect(byId(page, 'status')).toContainText('Loaded penguins-species.moe');
  await expect(byId(page, 'download-predictions')).toBeEnabled();
  const after = (await readDownload(page, 'download-predictions', 'penguins-species-predictions.csv')).toString('utf8');
  expect(predictionRows(after)).toEqual(predictionRows(before));

  // A new CSV without the target column: the loaded model still predicts every row, the same way.
  const sample = readFileSync(resolve(SITE_DIR, 'samples/penguins.csv'), 'utf8').trim().split('\n');
  const noTarget = sample.map((line) => line.split(',').slice(0, -1).join(',')).join('\n') + '\n';
  await byId(page, 'csv-input').setInputFiles({ name: 'unlabelled.csv', mimeType: 'text/csv', buffer: Buffer.from(noTarget) });
  await expect(page.locator('#data-source')).toContainText('unlabelled.csv');
  await expect(byId(page, 'download-predictions')).toBeEnabled();
  const unlabelled = (await readDownload(page, 'download-predictions')).toString('utf8');
  expect(predictionRows(unlabelled, 'prediction')).toEqual(predictionRows(before, 'prediction'));
  await expect(byId(page, 'error')).toBeHidden();
});
