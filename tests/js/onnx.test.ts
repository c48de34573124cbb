// ONNX export through the built package: models trained here, exported with toONNX(), run by
// onnxruntime-web in Node (plain wasm, no download) and compared with model.predict on test rows.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { init, Dataset, MoE, MoEError, loadModel } from '../../dist/index.js';
import { DIST, ROOT, diabetes, iris, maxAbsDiff } from './helpers.js';

ort.env.wasm.numThreads = 1;

async function runOnnx(bytes: Uint8Array, ds: Dataset): Promise<{ name: string; data: Float32Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(bytes);
  expect(session.inputNames).toEqual(['features']);
  const out = await session.run({ features: new ort.Tensor('float32', ds.features, [ds.numRows, ds.numFeatures]) });
  const name = session.outputNames[0];
  return { name, data: out[name].data as Float32Array, dims: out[name].dims };
}

let irisTrain: Dataset;
let irisTest: Dataset;

beforeAll(async () => {
  await init();
  [irisTrain, irisTest] = Dataset.fromCSV(iris(), { target: 'species' }).split(0.8, { seed: 3, stratify: true });
});

describe('toONNX', () => {
  const cases = [
    { name: 'dense softmax gating, relu', options: { gating: 'softmax' as const } },
    { name: 'noisy top-2 gating, gelu', options: { gating: { type: 'topk' as const, k: 2, noise: true }, activation: 'gelu' as const } },
    { name: 'top-1 gating, tanh, no hidden gate layer', options: { gating: { type: 'topk' as const, k: 1 }, activation: 'tanh' as const, gateHidden: [] } },
  ];
  for (const c of cases) {
    it(`classification, ${c.name}: onnxruntime matches predict within 1e-5`, async () => {
      const model = MoE.forDataset(irisTrain, { experts: 4, expertHidden: [12, 8], gateHidden: [6], seed: 5, ...c.options });
      await model.fit(irisTrain, { epochs: 5, batchSize: 16 });
      const out = await runOnnx(model.toONNX(), irisTest);
      expect(out.name).toBe('probabilities');
      expect(out.dims).toEqual([irisTest.numRows, 3]);
      expect(maxAbsDiff(out.data, model.predict(irisTest))).toBeLessThan(1e-5);
      model.dispose();
    });
  }

  it('regression: output "values" matches predict', async () => {
    const [train, test] = Dataset.fromCSV(diabetes()).split(0.8, { seed: 1 });
    const model = MoE.forDataset(train, { experts: 3, expertHidden: [16], seed: 2 });
    await model.fit(train, { epochs: 3 });
    const out = await runOnnx(model.toONNX(), test);
    expect(out.name).toBe('values');
    expect(out.dims).toEqual([test.numRows, 1]);
    expect(maxAbsDiff(out.data, model.predict(test))).toBeLessThan(1e-4);
    model.dispose();
  });

  it('categorical and missing values: the schema travels as metadata and encodes the same rows', async () => {
    const csv = readFileSync(`${ROOT}tests/fixtures/csv/penguins_like.csv`, 'utf8');
    const ds = Dataset.fromCSV(csv);
    const model = MoE.forDataset(ds, { experts: 2, expertHidden: [8], seed: 9 });
    await model.fit(ds, { epochs: 2, batchSize: 8 });
    const bytes = model.toONNX();
    const session = await ort.InferenceSession.create(bytes);
    const out = await runOnnx(bytes, ds);
    expect(maxAbsDiff(out.data, model.predict(ds))).toBeLessThan(1e-5);
    // Metadata is plain protobuf strings: the schema JSON and class labels are in the file.
    const text = new TextDecoder().decode(bytes);
    expect(text).toContain('moe-wasm.schema');
    expect(text).toContain(JSON.stringify(ds.classes));
    expect(session.outputNames).toEqual(['probabilities']);
    model.dispose();
  });

  it('a loaded model exports the same graph output as the original', async () => {
    const model = MoE.forDataset(irisTrain, { experts: 2, expertHidden: [8], seed: 1 });
    await model.fit(irisTrain, { epochs: 2 });
    const again = await loadModel(model.save());
    const a = await runOnnx(model.toONNX(), irisTest);
    const b = await runOnnx(again.toONNX(), irisTest);
    expect(maxAbsDiff(a.data, b.data)).toBe(0);
    model.dispose();
    again.dispose();
  });

  it('an untrained or disposed model gives a clear MoEError', () => {
    const model = MoE.forDataset(irisTrain, { experts: 2 });
    expect(() => model.toONNX()).toThrow(MoEError);
    expect(() => model.toONNX()).toThrow(/not been trained/);
    model.dispose();
    expect(() => model.toONNX()).toThrow(/disposed/);
  });

  it('CLI: moe-wasm export model.moe model.onnx writes the same graph', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'moe-onnx-'));
    try {
      const model = MoE.forDataset(irisTrain, { experts: 2, expertHidden: [8], seed: 4 });
      await model.fit(irisTrain, { epochs: 2 });
      writeFileSync(join(dir, 'm.moe'), model.save());
      const r = spawnSync(process.execPath, [`${DIST}cli.js`, 'export', join(dir, 'm.moe'), join(dir, 'm.onnx')], { encoding: 'utf8' });
      expect(r.stderr).toMatch(/wrote .*m\.onnx/);
      expect(r.status).toBe(0);
      const out = await runOnnx(readFileSync(join(dir, 'm.onnx')), irisTest);
      expect(maxAbsDiff(out.data, model.predict(irisTest))).toBeLessThan(1e-5);
      model.dispose();
      const bad = spawnSync(process.execPath, [`${DIST}cli.js`, 'export', join(dir, 'm.moe')], { encoding: 'utf8' });
      expect(bad.status).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
