// Training through the built package: fit lowers the loss and reaches good accuracy on iris,
// regression on diabetes, callbacks and history, determinism, SIMD vs baseline, save/load, abort.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, Dataset, MoE, AbortError, loadModel } from '../../dist/index.js';
import { diabetes, iris, maxAbsDiff } from './helpers.js';

let train: Dataset;
let test: Dataset;

beforeAll(async () => {
  await init();
  [train, test] = Dataset.fromCSV(iris(), { target: 'species' }).split(0.8, { seed: 1, stratify: true });
});

describe('fit', () => {
  it('lowers the loss and reaches >= 90% test accuracy on iris, with TF.js-style logs', async () => {
    const model = MoE.forDataset(train, { experts: 3, expertHidden: [16], gateHidden: [8], seed: 7, optimizer: { type: 'adam', learningRate: 0.01 } });
    const before = model.evaluate(test);
    const epochs: number[] = [];
    let batches = 0;
    let lastBatchLogs: Record<string, number> = {};
    const history = await model.fit(train, {
      epochs: 40, batchSize: 16, validationData: test,
      onEpochEnd: (e, logs) => { epochs.push(e); expect(Object.keys(logs).sort()).toEqual(['accuracy', 'loss', 'val_accuracy', 'val_loss']); },
      onBatchEnd: (_b, logs) => { batches++; lastBatchLogs = logs; },
    });
    expect(epochs).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(batches).toBe(40 * Math.ceil(120 / 16));
    expect(lastBatchLogs.loss).toBeGreaterThan(0);
    expect(history.epoch).toEqual(epochs);
    expect(history.loss.length).toBe(40);
    expect(history.val_accuracy!.length).toBe(40);
    expect(history.loss[39]).toBeLessThan(history.loss[0] * 0.5);
    const after = model.evaluate(test);
    expect(after.loss).toBeLessThan(before.loss);
    expect((after as { accuracy: number }).accuracy).toBeGreaterThanOrEqual(0.9);
    const probs = model.predict(test);
    expect(probs.length).toBe(test.numRows * 3);
    const usage = model.expertUsage(test);
    expect(usage.meanWeight.length).toBe(3);
    expect(usage.classUsage!.length).toBe(3);
    model.dispose();
  });

  it('regression on diabetes: loss falls, rmse and r2 reported', async () => {
    const [tr, te] = Dataset.fromCSV(diabetes(), { target: 'progression' }).split(0.8, { seed: 3 });
    expect(tr.task).toBe('regression');
    const model = MoE.forDataset(tr, { experts: 3, expertHidden: [16], seed: 3, optimizer: { type: 'adam', learningRate: 0.01 } });
    const history = await model.fit(tr, { epochs: 30, batchSize: 32, validationSplit: 0.1 });
    expect(Object.keys(history).sort()).toEqual(['epoch', 'loss', 'r2', 'rmse', 'val_loss', 'val_r2', 'val_rmse']);
    expect(history.loss[29]).toBeLessThan(history.loss[0]);
    const m = model.evaluate(te) as { loss: number; rmse: number; r2: number };
    expect(Object.keys(m).sort()).toEqual(['loss', 'r2', 'rmse']);
    expect(m.r2).toBeGreaterThan(0.2);
    model.dispose();
  });

  it('early stopping ends before the epoch budget', async () => {
    const model = MoE.forDataset(train, { experts: 2, expertHidden: [8], seed: 2, optimizer: { type: 'adam', learningRate: 0.05 } });
    const h = await model.fit(train, { epochs: 500, batchSize: 32, validationData: test, earlyStopping: { monitor: 'val_loss', patience: 2 } });
    expect(h.epoch.length).toBeLessThan(500);
    model.dispose();
  });

  it('yields to the event loop between chunks', async () => {
    const model = MoE.forDataset(train, { experts: 2, seed: 1 });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    await model.fit(train, { epochs: 30, batchSize: 8 });
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
    model.dispose();
  });
});

describe('determinism, builds, persistence', () => {
  const opts = { experts: 3, expertHidden: [16], gateHidden: [8], seed: 11 };

  it('same seed + same data = same model', async () => {
    const a = MoE.forDataset(train, opts);
    const b = MoE.forDataset(train, opts);
    await a.fit(train, { epochs: 5, batchSize: 16 });
    await b.fit(train, { epochs: 5, batchSize: 16 });
    expect(maxAbsDiff(a.predict(test), b.predict(test))).toBe(0);
    const c = MoE.forDataset(train, { ...opts, seed: 12 });
    await c.fit(train, { epochs: 5, batchSize: 16 });
    expect(maxAbsDiff(a.predict(test), c.predict(test))).toBeGreaterThan(1e-4);
    a.dispose(); b.dispose(); c.dispose();
  });

  it('SIMD and baseline builds agree within tolerance', async () => {
    expect((await init({ simd: false })).simd).toBe(false);
    const base = MoE.forDataset(train, opts);
    expect((await init({ simd: true })).simd).toBe(true);
    const simd = MoE.forDataset(train, opts);
    // Same initial weights (same seeded RNG); products differ only in summation order.
    expect(maxAbsDiff(base.predict(test), simd.predict(test))).toBeLessThan(1e-5);
    await base.fit(train, { epochs: 5, batchSize: 16 });
    await simd.fit(train, { epochs: 5, batchSize: 16 });
    expect(maxAbsDiff(base.predict(test), simd.predict(test))).toBeLessThan(1e-3);
    // A model saved by one build loads in the other with the same predictions.
    const moved = await loadModel(base.save());
    expect(maxAbsDiff(moved.predict(test), base.predict(test))).toBeLessThan(1e-5);
    base.dispose(); simd.dispose(); moved.dispose();
  });

  it('save/load round trip gives identical predictions and keeps the schema', async () => {
    const m = MoE.forDataset(train, opts);
    await m.fit(train, { epochs: 3 });
    const bytes = m.save();
    expect(bytes).toBeInstanceOf(Uint8Array);
    const back = await loadModel(bytes);
    expect(maxAbsDiff(back.predict(test), m.predict(test))).toBe(0);
    expect(back.schema).toEqual(train.schema);
    expect(back.options).toEqual(m.options);
    // the loaded model trains on
    await back.fit(train, { epochs: 1 });
    m.dispose(); back.dispose();
  });
});

describe('abort', () => {
  it('rejects with AbortError mid-fit and the model stays usable', async () => {
    const model = MoE.forDataset(train, { experts: 2, seed: 5 });
    const controller = new AbortController();
    let seen = 0;
    const p = model.fit(train, {
      epochs: 10_000, batchSize: 8, signal: controller.signal,
      onEpochEnd: (e) => { seen = e; if (e === 2) controller.abort(); },
    });
    await expect(p).rejects.toThrow(AbortError);
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toBeLessThan(5);
    expect(model.predict(test).length).toBe(test.numRows * 3);
    const h = await model.fit(train, { epochs: 2 });
    expect(h.epoch).toEqual([0, 1]);
    const already = new AbortController();
    already.abort();
    await expect(model.fit(train, { signal: already.signal })).rejects.toThrow(AbortError);
    model.dispose();
  });
  it('a throwing callback ends the fit with its error; the model can fit again', async () => {
    const model = MoE.forDataset(train, { experts: 2 });
    const boom = new Error('callback failed');
    await expect(model.fit(train, { epochs: 100, onEpochEnd: () => { throw boom; } })).rejects.toBe(boom);
    expect((await model.fit(train, { epochs: 1 })).epoch).toEqual([0]);
    model.dispose();
  });
  it('dispose during fit rejects the fit and frees the model', async () => {
    const model = MoE.forDataset(train, { experts: 2 });
    const p = model.fit(train, { epochs: 1000, onEpochEnd: (e) => { if (e === 1) model.dispose(); } });
    await expect(p).rejects.toThrow('model has been disposed');
    expect(() => model.predict(test)).toThrow('model has been disposed');
  });
  it('a second concurrent fit is refused', async () => {
    const model = MoE.forDataset(train, { experts: 2 });
    const first = model.fit(train, { epochs: 3 });
    await expect(model.fit(train, { epochs: 1 })).rejects.toThrow(/already running/);
    await first;
    model.dispose();
  });
});
