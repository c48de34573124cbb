// model.report() (baseline from the training labels, balanced accuracy, per-class numbers, confusion
// matrix, regression baseline and residuals), ds.project2d() and predictionsToCsv through the built package.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init, Dataset, MoE, MoEError, predictionsToCsv } from '../../dist/index.js';
import { ROOT, diabetes, iris } from './helpers.js';

beforeAll(async () => { await init(); });

describe('model.report', () => {
  it('classification: numbers agree with predict, baseline is the majority class of train', async () => {
    const ds = Dataset.fromCSV(iris(), { target: 'species' });
    const [train, test] = ds.split(0.7, { seed: 3, stratify: true });
    const model = MoE.forDataset(train, { experts: 2, seed: 1 });
    await model.fit(train, { epochs: 15, batchSize: 16 });
    const r = model.report(test, { train });
    expect(r.task).toBe('classification');
    // Recompute from predict() by hand.
    const probs = model.predict(test);
    const y = test.labels as Int32Array;
    const confusion = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
    for (let i = 0; i < test.numRows; i++) {
      const p = Array.from(probs.subarray(i * 3, i * 3 + 3));
      confusion[y[i]][p.indexOf(Math.max(...p))]++;
    }
    expect(r.confusion).toEqual(confusion);
    expect(r.accuracy).toBeCloseTo(model.evaluate(test).accuracy, 12);
    expect(r.loss).toBeCloseTo(model.evaluate(test).loss, 12);
    const recall = confusion.map((row, k) => row[k] / row.reduce((a, b) => a + b, 0));
    expect(r.balancedAccuracy).toBeCloseTo(recall.reduce((a, b) => a + b, 0) / 3, 12);
    expect(r.perClass.map((c) => c.class)).toEqual(ds.classes);
    expect(r.perClass.map((c) => c.support)).toEqual(confusion.map((row) => row.reduce((a, b) => a + b, 0)));
    expect(r.perClass[1].recall).toBeCloseTo(recall[1], 12);
    // Baseline: the majority class of the TRAIN labels, scored on the test rows.
    const counts = [0, 0, 0];
    for (const v of train.labels as Int32Array) counts[v]++;
    const major = counts.indexOf(Math.max(...counts));
    expect(r.baseline).toMatchObject({ strategy: 'majority', class: ds.classes[major], fittedOn: 'train' });
    expect(r.baseline.accuracy).toBeCloseTo(r.perClass[major].support / test.numRows, 12);
    expect(model.report(test).baseline.fittedOn).toBe('test');
    model.dispose();
  });

  it('regression: the mean of train as baseline, residuals = actual - predicted', async () => {
    const ds = Dataset.fromCSV(diabetes());
    expect(ds.task).toBe('regression');
    const [train, test] = ds.split(0.8, { seed: 1 });
    const model = MoE.forDataset(train, { experts: 2, seed: 2 });
    await model.fit(train, { epochs: 5, batchSize: 32 });
    const r = model.report(test, { train });
    if (r.task !== 'regression') throw new Error('expected a regression report');
    const y = test.labels as Float32Array;
    const mean = (train.labels as Float32Array).reduce((a, b) => a + b, 0) / train.numRows;
    expect(r.baseline.value[0]).toBeCloseTo(mean, 3);
    const baseRmse = Math.sqrt(Array.from(y).reduce((a, v) => a + (v - mean) ** 2, 0) / y.length);
    expect(r.baseline.rmse).toBeCloseTo(baseRmse, 3);
    expect(r.baseline.r2).toBeLessThanOrEqual(0.05);
    expect(r.rmse).toBeCloseTo(model.evaluate(test).rmse, 4);
    expect(r.predicted).toEqual(model.predict(test));
    for (let i = 0; i < 5; i++) expect(r.residuals[i]).toBeCloseTo(y[i] - r.predicted[i], 3);
    model.dispose();
  });

  it('bad arguments are MoEErrors', async () => {
    const ds = Dataset.fromCSV(iris(), { target: 'species' });
    const model = MoE.forDataset(ds, { experts: 2 });
    expect(() => model.report(ds, { train: new Float32Array(3) })).toThrow(/report: train must be the training Dataset/);
    expect(() => model.report(ds, { trian: ds } as never)).toThrow(/unknown report option 'trian'/);
    const unlabeled = Dataset.fromCSV('sepal_length,sepal_width,petal_length,petal_width\n1,2,3,4\n', { schema: ds.schema });
    expect(() => model.report(unlabeled)).toThrow(MoEError);
    model.dispose();
    expect(() => model.report(ds)).toThrow(/disposed/);
  });
});

describe('ds.project2d', () => {
  it('points on a line: one component explains everything', () => {
    const x = new Float32Array(20 * 3);
    for (let i = 0; i < 20; i++) x.set([i, 2 * i, -i], i * 3);
    const p = Dataset.fromArrays(x, new Int32Array(20), { numFeatures: 3 }).project2d();
    expect(p.explained[0]).toBeCloseTo(1, 9);
    expect(p.explained[1]).toBeCloseTo(0, 9);
    expect(p.x).toBeInstanceOf(Float32Array);
    expect(p.x[19] - p.x[0]).toBeCloseTo(19 * Math.sqrt(6), 3);
    for (const v of p.y) expect(Math.abs(v)).toBeLessThan(1e-4);
  });

  it('iris: two axes, explained shares in (0, 1], fewer than 2 rows is a MoEError', () => {
    const ds = Dataset.fromCSV(iris(), { target: 'species' });
    const p = ds.project2d();
    expect(p.x.length).toBe(ds.numRows);
    expect(p.explained[0]).toBeGreaterThan(p.explained[1]);
    expect(p.explained[0] + p.explained[1]).toBeLessThanOrEqual(1 + 1e-9);
    expect(() => Dataset.fromArrays(new Float32Array([1, 2]), new Int32Array([0]), { numFeatures: 2 }).project2d()).toThrow(/at least 2 rows/);
  });
});

describe('predictionsToCsv', () => {
  it('input columns as read, true value, split flag, prediction and rounded probabilities', async () => {
    const text = readFileSync(`${ROOT}tests/fixtures/roles/penguins.csv`);
    const ds = Dataset.fromCSV(text, { keepRaw: true });
    expect(ds.rawRows![0]).toEqual(['Chinstrap', 'Dream', '52.8', '18.1', '199', '3783', 'female', '2008']);
    const [train, test] = ds.split(0.8, { seed: 1 });
    const model = MoE.forDataset(train, { experts: 2, seed: 1 });
    await model.fit(train, { epochs: 2 });
    const csv = predictionsToCsv(model, [{ data: train, split: 'train' }, { data: test, split: 'test' }]).trim().split('\n');
    expect(csv[0]).toBe('species,island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year,split,' +
      'prediction,p_Chinstrap,p_Adelie,p_Gentoo');
    expect(csv.length).toBe(1 + ds.numRows);
    const last = csv.at(-1)!.split(',');
    expect(last[8]).toBe('test');
    expect(last.slice(0, 8)).toEqual(test.rawRows!.at(-1));
    for (const p of last.slice(10)) expect(p).toMatch(/^[01]\.\d{4}$/);
    expect(ds.classes).toContain(last[9]);
    // Without raw rows: the true value in a column named after the target.
    const [, plainTest] = Dataset.fromCSV(text).split(0.8, { seed: 1 });
    expect(plainTest.rawRows).toBeNull();
    const plain = predictionsToCsv(model, plainTest, { decimals: 2 }).split('\n');
    expect(plain[0]).toBe('species,prediction,p_Chinstrap,p_Adelie,p_Gentoo');
    expect(plain[1]).toMatch(/^(Adelie|Gentoo|Chinstrap),(Adelie|Gentoo|Chinstrap),[01]\.\d\d,/);
    expect(() => predictionsToCsv(model, [])).toThrow(/non-empty array/);
    expect(() => predictionsToCsv(model, test, { decimals: 11 })).toThrow(/decimals must be an integer in \[0, 10\]/);
    model.dispose();
  });
});
