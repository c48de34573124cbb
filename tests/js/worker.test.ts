// The 'moe-wasm/worker' entry in Node (worker_threads): progress streamed to the callbacks, cancel
// through an AbortSignal, results equal to the in-process model, a terminated worker rejects calls.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, Dataset, MoE, AbortError, MoEError, loadModel } from '../../dist/index.js';
import { createTrainer, Trainer } from '../../dist/worker-client.js';
import { iris, maxAbsDiff } from './helpers.js';

let train: Dataset;
let test: Dataset;
beforeAll(async () => {
  await init();
  [train, test] = Dataset.fromCSV(iris(), { target: 'species' }).split(0.8, { seed: 1, stratify: true });
});

describe('worker trainer', () => {
  it('trains with streamed progress and matches the in-process model', async () => {
    const opts = { experts: 3, expertHidden: [16], gateHidden: [8], seed: 4 };
    const t = await Trainer.forDataset(train, opts);
    const epochs: number[] = [];
    let batches = 0;
    const h = await t.fit(train, { epochs: 6, batchSize: 16, validationData: test, onEpochEnd: (e) => epochs.push(e), onBatchEnd: () => batches++ });
    expect(epochs).toEqual([0, 1, 2, 3, 4, 5]);
    expect(batches).toBe(6 * 8);
    expect(h.val_loss!.length).toBe(6);
    const local = MoE.forDataset(train, opts);
    await local.fit(train, { epochs: 6, batchSize: 16, validationData: test });
    const remote = await t.predict(test);
    expect(maxAbsDiff(remote, local.predict(test))).toBe(0);
    expect((await t.evaluate(test)).loss).toBeCloseTo(local.evaluate(test).loss, 6);
    expect((await t.gate(test)).length).toBe(test.numRows * 3);
    expect((await t.summary()).experts).toBe(3);
    const bytes = await t.save();
    const back = await loadModel(bytes);
    expect(maxAbsDiff(back.predict(test), remote)).toBe(0);
    expect(back.schema).toEqual(train.schema);
    back.dispose(); local.dispose();
    const loaded = await Trainer.load(bytes);
    expect(maxAbsDiff(await loaded.predict(test), remote)).toBe(0);
    await loaded.dispose();
    await t.dispose();
    await expect(t.predict(test)).rejects.toThrow(/disposed/);
  }, 60_000);

  it('cancels through an AbortSignal; the trainer stays usable', async () => {
    const t = await createTrainer({ inputDim: 4, outputDim: 3, experts: 2, seed: 1 });
    const controller = new AbortController();
    const p = t.fit(train, { epochs: 100_000, batchSize: 8, signal: controller.signal, onEpochEnd: (e) => { if (e === 1) controller.abort(); } });
    await expect(p).rejects.toThrow(AbortError);
    expect((await t.predict(test)).length).toBe(test.numRows * 3);
    await t.dispose();
  }, 60_000);

  it('a throwing callback stops the fit and rejects with its error', async () => {
    const t = await createTrainer({ inputDim: 4, outputDim: 3, experts: 2 });
    const boom = new Error('callback failed');
    await expect(t.fit(train, { epochs: 100_000, onEpochEnd: (e) => { if (e === 1) throw boom; } })).rejects.toBe(boom);
    expect((await t.predict(test)).length).toBe(test.numRows * 3);
    await t.dispose();
  }, 60_000);

  it('validation errors from the worker arrive as MoEError', async () => {
    await expect(createTrainer({ inputDim: 4, outputDim: 3, experts: 0 })).rejects.toThrow('experts must be an integer in [1, 1024], got 0');
    const t = await createTrainer({ inputDim: 4, outputDim: 3 });
    await expect(t.fit({ x: new Float32Array(8), y: new Int32Array([0, 7]) })).rejects.toThrow(MoEError);
    await expect(Trainer.load(new Uint8Array([9, 9, 9]))).rejects.toThrow(MoEError);
    await t.dispose();
  }, 60_000);

  it('a terminated worker rejects pending calls with a clear error', async () => {
    const t = await createTrainer({ inputDim: 4, outputDim: 3, experts: 2 });
    const p = t.fit(train, { epochs: 100_000 });
    setTimeout(() => t.terminate(), 200);
    await expect(p).rejects.toThrow(/worker was terminated/);
    await expect(t.predict(test)).rejects.toThrow(/worker was terminated/);
  }, 60_000);
});
