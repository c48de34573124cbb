// TF.js habits in fit (issue 13): `callbacks: { ... }` (or an array of them) is an alias of the
// top-level hooks, validationData accepts [x, y]; both for MoE and the worker Trainer.
import { beforeAll, expect, it } from 'vitest';
import { init, Dataset, MoE, MoEError, type Logs } from '../../dist/index.js';
import { createTrainer } from '../../dist/worker-client.js';
import { iris } from './helpers.js';

let train: Dataset;
let test: Dataset;
beforeAll(async () => {
  await init();
  [train, test] = Dataset.fromCSV(iris(), { target: 'species' }).split(0.8, { seed: 1, stratify: true });
});

const opts = { experts: 2, expertHidden: [8], gateHidden: [4], seed: 3 };

it('callbacks: { ... } runs the same hooks as top-level options, with the same logs', async () => {
  const seen: string[] = [];
  const epochLogs: Logs[] = [];
  const a = MoE.forDataset(train, opts);
  const h1 = await a.fit(train, {
    epochs: 2, batchSize: 30,
    callbacks: {
      onTrainBegin: () => { seen.push('begin'); },
      onBatchEnd: (b) => { seen.push(`b${b}`); },
      onEpochEnd: (e, logs) => { seen.push(`e${e}`); epochLogs.push(logs); },
      onTrainEnd: () => { seen.push('end'); },
    },
  });
  expect(seen).toEqual(['begin', 'b0', 'b1', 'b2', 'b3', 'e0', 'b0', 'b1', 'b2', 'b3', 'e1', 'end']);
  const b = MoE.forDataset(train, opts);
  const top: Logs[] = [];
  const h2 = await b.fit(train, { epochs: 2, batchSize: 30, onEpochEnd: (_e, logs) => { top.push(logs); } });
  expect(epochLogs).toEqual(top);
  expect(h1).toEqual(h2);
  a.dispose(); b.dispose();
});

it('an array of callback objects runs each in order; bad hooks are MoErrors naming the known keys', async () => {
  const order: string[] = [];
  const m = MoE.forDataset(train, opts);
  await m.fit(train, { epochs: 1, callbacks: [{ onEpochEnd: () => { order.push('first'); } }, { onEpochEnd: async () => { order.push('second'); } }] });
  expect(order).toEqual(['first', 'second']);
  await expect(m.fit(train, { callbacks: { onEpochBegin: () => {} } as never })).rejects.toThrow(/unknown hook 'onEpochBegin' \(known: onTrainBegin, onTrainEnd, onEpochEnd, onBatchEnd\)/);
  await expect(m.fit(train, { callbacks: { onEpochEnd: 1 } as never })).rejects.toThrow(MoEError);
  await expect(m.fit(train, { onEpochEnd: () => {}, callbacks: { onEpochEnd: () => {} } })).rejects.toThrow(/both at the top level and in callbacks/);
  const h = await m.fit(train, { epochs: 1 });
  expect(h.epoch).toEqual([0]);
  m.dispose();
});

it('validationData: [x, y] gives the same validation metrics as { x, y } and as the Dataset', async () => {
  const runs = [];
  for (const v of [test, { x: test.features, y: test.labels! }, [test.features, test.labels!] as [Float32Array, Int32Array]]) {
    const m = MoE.forDataset(train, opts);
    runs.push((await m.fit(train, { epochs: 2, validationData: v })).val_loss);
    m.dispose();
  }
  expect(runs[0]).toHaveLength(2);
  expect(runs[1]).toEqual(runs[0]);
  expect(runs[2]).toEqual(runs[0]);
  const m = MoE.forDataset(train, opts);
  await expect(m.fit(train, { validationData: [test.features] as never })).rejects.toThrow(/must be \[x, y\]/);
  m.dispose();
});

it('the worker Trainer takes callbacks: { ... } and [x, y] validation data too', async () => {
  const t = await createTrainer({ inputDim: train.numFeatures, outputDim: train.outputDim, ...opts });
  const epochs: number[] = [];
  const h = await t.fit(train, { epochs: 2, validationData: [test.features, test.labels!], callbacks: { onEpochEnd: (e) => { epochs.push(e); } } });
  expect(epochs).toEqual([0, 1]);
  expect(h.val_accuracy).toHaveLength(2);
  const summary = await t.summary();
  expect(summary.parameters).toBeGreaterThan(0);
  expect(summary.layers.length).toBeGreaterThan(0);
  await t.dispose();
});
