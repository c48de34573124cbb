// 'moe-wasm/worker' sessions: one worker owns datasets (parsed once there, used by handle) and
// trainers; results equal the in-process API on the same bytes; errors are MoEErrors naming what.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init, Dataset, MoE, AbortError, MoEError, loadModel } from '../../dist/index.js';
import { openWorker, RemoteDataset } from '../../dist/worker-client.js';
import { IRIS_PATH, maxAbsDiff } from './helpers.js';

const bytes = () => new Uint8Array(readFileSync(IRIS_PATH));
const opts = { experts: 3, expertHidden: [16], gateHidden: [8], seed: 4 };

beforeAll(async () => { await init(); });

describe('worker session', () => {
  it('parses in the worker, splits there, and trains by handle exactly like the in-process API', async () => {
    const w = await openWorker();
    expect((await w.engine).version).toMatch(/^\d+\.\d+\.\d+/);
    const input = bytes();
    const ds = await w.fromCSV(input, { target: 'species' });
    expect(input.length).toBeGreaterThan(0); // the caller's bytes are copied, not taken
    const local = Dataset.fromCSV(bytes(), { target: 'species' });
    expect(ds).toBeInstanceOf(RemoteDataset);
    expect([ds.numRows, ds.numFeatures, ds.outputDim, ds.task]).toEqual([local.numRows, local.numFeatures, local.outputDim, local.task]);
    expect(ds.featureNames).toEqual(local.featureNames);
    expect(ds.classes).toEqual(local.classes);
    expect(ds.columns).toEqual(local.columns);
    expect(ds.schema).toEqual(local.schema);
    expect(Array.from(ds.labels!)).toEqual(Array.from(local.labels!));
    expect(maxAbsDiff(await ds.features(), local.features)).toBe(0);

    const [tr, te] = await ds.split(0.8, { seed: 1, stratify: true });
    const [ltr, lte] = local.split(0.8, { seed: 1, stratify: true });
    expect(Array.from(te.labels!)).toEqual(Array.from(lte.labels!));

    const t = await w.forDataset(tr, opts);
    const epochs: number[] = [];
    const h = await t.fit(tr, { epochs: 5, batchSize: 16, validationData: te, onEpochEnd: (e) => epochs.push(e) });
    expect(epochs).toEqual([0, 1, 2, 3, 4]);
    const m = MoE.forDataset(ltr, opts);
    const lh = await m.fit(ltr, { epochs: 5, batchSize: 16, validationData: lte });
    expect(h.val_loss).toEqual(lh.val_loss);
    expect(maxAbsDiff(await t.predict(te), m.predict(lte))).toBe(0);
    expect(maxAbsDiff(await t.gate(te), m.gate(lte))).toBe(0);
    expect(await t.evaluate(te)).toEqual(m.evaluate(lte));
    expect(t.schema).toEqual(local.schema);
    const onnx = await t.toONNX();
    expect(onnx.length).toBeGreaterThan(100);

    // A model loaded into the same session predicts rows parsed there with its schema.
    const again = await w.load(await t.save());
    const rows = await w.fromCSV(bytes(), { schema: again.schema });
    const back = await loadModel(await t.save());
    expect(maxAbsDiff(await again.predict(rows), back.predict(Dataset.fromCSV(bytes(), { schema: back.schema })))).toBe(0);
    back.dispose(); m.dispose();

    // Disposing a trainer of a session keeps the worker: the session still parses and trains.
    await t.dispose();
    await expect(t.predict(te)).rejects.toThrow(/disposed/);
    expect((await again.predict(te)).length).toBe(te.numRows * 3);
    await te.dispose();
    await expect(again.predict(te)).rejects.toThrow(/dataset has been disposed/);
    w.terminate();
    await expect(w.fromCSV('a,b\n1,2\n')).rejects.toThrow(/terminated/);
  }, 60_000);

  it('bad input and misuse are MoEErrors naming what; the session stays usable', async () => {
    const w = await openWorker();
    await expect(w.fromCSV('a,b\n1,2\n', { target: 'nope' })).rejects.toThrow(MoEError);
    await expect(w.fromCSV('a,b\n1,2\n', { target: 'nope' })).rejects.toThrow(/nope/);
    await expect(w.fromCSV(42 as unknown as string)).rejects.toThrow(/input must be/);
    await expect(w.create({ inputDim: 4, outputDim: 3, experts: 0 })).rejects.toThrow('experts must be an integer in [1, 1024], got 0');
    const ds = await w.fromCSV(bytes(), { target: 'species' });
    const other = await openWorker();
    const t = await other.forDataset(ds, opts);
    await expect(t.fit(ds, { epochs: 1 })).rejects.toThrow(/another worker/);
    other.terminate();
    const mine = await w.forDataset(ds, opts);
    await expect(mine.fit(ds, { epochs: 1, batchSize: 0 })).rejects.toThrow(MoEError);
    const h = await mine.fit(ds, { epochs: 1 });
    expect(h.loss).toHaveLength(1);
    w.terminate();
  }, 60_000);

  it('cancels a fit on a remote dataset through an AbortSignal; the model stays usable', async () => {
    const w = await openWorker();
    const ds = await w.fromCSV(bytes(), { target: 'species' });
    const t = await w.forDataset(ds, { experts: 2, seed: 1 });
    const controller = new AbortController();
    const p = t.fit(ds, { epochs: 100_000, batchSize: 8, signal: controller.signal, onEpochEnd: (e) => { if (e === 1) controller.abort(); } });
    await expect(p).rejects.toThrow(AbortError);
    expect((await t.predict(ds)).length).toBe(ds.numRows * 3);
    w.terminate();
  }, 60_000);
});

describe('worker session: the data calls run where the data is', () => {
  it('suggestTarget, preview, report, project2d and predictionsCsv equal the in-process calls', async () => {
    const { predictionsToCsv } = await import('../../dist/index.js');
    const w = await openWorker();
    expect(await w.suggestTarget(bytes())).toEqual(Dataset.suggestTarget(bytes()));
    expect(await w.preview(bytes(), 5)).toEqual(Dataset.preview(bytes(), 5));
    const ds = await w.fromCSV(bytes(), { keepRaw: true });
    expect(ds.columns.find((c) => c.kind === 'target')).toMatchObject({ name: 'species', role: 'target' });
    const [tr, te] = await ds.split(0.8, { seed: 1, stratify: true });
    const t = await w.forDataset(tr, opts);
    await t.fit(tr, { epochs: 3 });
    const local = Dataset.fromCSV(bytes(), { keepRaw: true });
    const [ltr, lte] = local.split(0.8, { seed: 1, stratify: true });
    const m = await loadModel(await t.save());
    const r = await t.report(te, { train: tr });
    expect(r).toEqual(m.report(lte, { train: ltr }));
    expect(r.task === 'classification' && r.baseline.fittedOn).toBe('train');
    expect(await te.project2d()).toEqual(lte.project2d());
    const csv = await t.predictionsCsv([{ data: tr, split: 'train' }, { data: te, split: 'test' }]);
    expect(csv).toBe(predictionsToCsv(m, [{ data: ltr, split: 'train' }, { data: lte, split: 'test' }]));
    expect(csv.split('\n')[0]).toBe('sepal_length,sepal_width,petal_length,petal_width,species,split,prediction,p_setosa,p_versicolor,p_virginica');
    await expect(t.predictionsCsv([{ data: te, split: 3 as unknown as string }])).rejects.toThrow(MoEError);
    await expect(w.preview('{"a": 1}')).rejects.toThrow(MoEError);
    m.dispose();
    w.terminate();
  }, 60_000);
});
