// Option checking from the user's side: ranges and combinations come from the core (one rule, JS
// option names, plain numbers), unknown keys are refused in every option object, validationSplit
// splits as TF.js does, and the worker refuses the labels the main thread refuses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, Dataset, MoE, MoEError } from '../../dist/index.js';
import { createTrainer } from '../../dist/worker-client.js';
import { iris } from './helpers.js';

const base = { inputDim: 4, outputDim: 3 };
let ds: Dataset;
let model: MoE;
beforeAll(async () => {
  await init();
  ds = Dataset.fromCSV(iris(), { target: 'species' });
  model = MoE.forDataset(ds, { experts: 2, expertHidden: [4], gateHidden: [] });
});
afterAll(() => model.dispose());

function messageOf(fn: () => unknown): string {
  try { fn(); } catch (e) { expect(e).toBeInstanceOf(MoEError); return (e as Error).message; }
  throw new Error('expected a MoEError');
}

describe('option ranges come from the core, in the JS names', () => {
  it('names the option as the user wrote it, with the number as written', () => {
    const m = messageOf(() => new MoE({ ...base, optimizer: { type: 'adamw', weightDecay: 5 } }));
    expect(m).toContain('optimizer.weightDecay must be a finite number in [0, 1], got 5');
    expect(m).not.toMatch(/weight_decay|config\.|5\.0+/);
    expect(messageOf(() => new MoE({ ...base, optimizer: { type: 'adam', beta2: 1 } }))).toContain('optimizer.beta2 must be a finite number in [0, 1), got 1');
    expect(messageOf(() => new MoE({ ...base, zLoss: -0.25 }))).toContain('zLoss must be a finite number in [0, 1e6], got -0.25');
    expect(messageOf(() => new MoE({ ...base, loadBalance: NaN }))).toContain('loadBalance must be a finite number in [0, 1e6], got NaN');
  });

  it('accepts what the core accepts and keeps the defaults of the options left out', () => {
    const m = new MoE({ ...base, optimizer: { type: 'adamw', weightDecay: 0.5 } });
    expect(m.options.optimizer).toMatchObject({ type: 'adamw', learningRate: expect.closeTo(1e-3, 9), weightDecay: 0.5 });
    expect(m.options.experts).toBe(5);
    expect(m.options.expertHidden).toEqual([64, 32]);
    m.dispose();
    const sgd = new MoE({ ...base, optimizer: 'sgd' });
    expect(sgd.options.optimizer).toMatchObject({ type: 'sgd', learningRate: expect.closeTo(0.01, 9) });
    sgd.dispose();
  });

  it('checks JS types in TS', () => {
    expect(messageOf(() => new MoE({ ...base, experts: '3' as unknown as number }))).toBe('experts must be an integer, got "3"');
    expect(messageOf(() => new MoE({ ...base, gating: { type: 'topk', noise: 1 as unknown as boolean } }))).toBe('gating.noise must be a boolean, got 1');
    expect(messageOf(() => new MoE({ ...base, optimizer: { type: 'adam', epsilon: '1e-7' as unknown as number } }))).toBe('optimizer.epsilon must be a number, got "1e-7"');
  });

  it('checks fit option ranges in the core', async () => {
    await expect(model.fit(ds, { batchSize: 0 })).rejects.toThrow('batchSize must be an integer in [1, 1048576], got 0');
    await expect(model.fit(ds, { validationSplit: 1 })).rejects.toThrow('validationSplit must be a finite number in [0, 1), got 1');
    await expect(model.fit(ds, { earlyStopping: { minDelta: -1 } })).rejects.toThrow('earlyStopping.minDelta must be a finite number in [0, 1e9], got -1');
    await expect(model.fit(ds, { earlyStopping: { monitor: 'val_acc' } })).rejects.toThrow("earlyStopping.monitor must be one of loss, accuracy");
    await expect(model.fit(ds, { earlyStopping: { monitor: 'val_loss' } })).rejects.toThrow(/no validation data/);
    await expect(model.fit(ds, { earlyStopping: { monitor: 'rmse' } })).rejects.toThrow(/but the task is classification/);
    expect(model.disposed).toBe(false);
  });
});

describe('unknown keys', () => {
  it('are refused in every option object, listing the known ones', async () => {
    expect(messageOf(() => new MoE({ ...base, expert: 3 } as never))).toMatch(/^unknown MoE option 'expert' \(known: inputDim, .*experts/);
    await expect(model.fit(ds, { epoch: 3 } as never)).rejects.toThrow(/unknown fit option 'epoch' \(known: epochs, batchSize/);
    await expect(model.fit(ds, { earlyStopping: { patiense: 2 } } as never)).rejects.toThrow(/unknown earlyStopping option 'patiense' \(known: monitor, patience/);
    expect(messageOf(() => Dataset.fromCSV(iris(), { traget: 'species' } as never))).toMatch(/unknown Dataset.fromCSV option 'traget' \(known: target,/);
    await expect(Dataset.fromStream(new Blob([iris()]), { onprogress: () => {} } as never)).rejects.toThrow(/unknown Dataset.fromStream option 'onprogress'/);
    expect(messageOf(() => Dataset.fromArrays(new Float32Array(4), new Int32Array([0]), { numFeatures: 4, numClasses: 2 } as never)))
      .toMatch(/unknown Dataset.fromArrays option 'numClasses'/);
    expect(messageOf(() => ds.split(0.5, { stratified: true } as never))).toMatch(/unknown split option 'stratified' \(known: seed, stratify\)/);
  });

  it('keeps callbacks as a known fit option (the TF.js spelling)', async () => {
    const m = new MoE({ ...base, experts: 1, expertHidden: [2], gateHidden: [] });
    await expect(m.fit(ds, { epochs: 1, callbacks: {} } as never)).resolves.toBeDefined();
    m.dispose();
  });
});

describe('CSV options', () => {
  it('header and task reach the reader by the names of its one enum of each', () => {
    const csv = '1,2,0\n3,4,1\n5,6,0\n';
    expect(Dataset.fromCSV(csv, { header: false }).numRows).toBe(3);
    expect(Dataset.fromCSV(csv, { header: true }).numRows).toBe(2);
    expect(Dataset.fromCSV(csv, { header: false, task: 'regression' }).task).toBe('regression');
    expect(Dataset.fromCSV(csv, { header: false, task: 'classification' }).task).toBe('classification');
    expect(Dataset.fromCSV(csv).columns.map((c) => c.kind)).toEqual(['numeric', 'numeric', 'target']);
  });
});

describe('validationSplit', () => {
  it('takes the last fraction of the rows as TF.js does (0.25 of 10 rows -> 3 validation rows)', async () => {
    const x = new Float32Array(40).map((_, i) => (i % 7) / 7);
    const y = new Int32Array(10).map((_, i) => i % 3);
    const m = new MoE({ ...base, experts: 1, expertHidden: [2], gateHidden: [] });
    const h = await m.fit({ x, y }, { epochs: 1, batchSize: 10, validationSplit: 0.25 });
    const tail = Dataset.fromArrays(x.subarray(28), y.subarray(7), { numFeatures: 4, classes: ['0', '1', '2'] });
    expect(h.val_loss![0]).toBe(m.evaluate(tail).loss);
    const seven = Dataset.fromArrays(x.subarray(0, 28), y.subarray(0, 7), { numFeatures: 4, classes: ['0', '1', '2'] });
    const fresh = new MoE({ ...base, experts: 1, expertHidden: [2], gateHidden: [] });
    const h7 = await fresh.fit(seven, { epochs: 1, batchSize: 10 });
    expect(h.loss[0]).toBe(h7.loss[0]);  // trained on exactly the first 7 rows
    m.dispose(); fresh.dispose();
  });
});

describe('the worker runs the same checks', () => {
  it('refuses string and fractional labels instead of truncating them', async () => {
    const t = await createTrainer({ ...base, experts: 1, expertHidden: [2], gateHidden: [] });
    const x = new Float32Array(8);
    await expect(t.fit({ x, y: [0, 1.5] })).rejects.toThrow('y[1] = 1.5 is not a class index in [0, 2]');
    await expect(t.fit({ x, y: ['0', '1'] as unknown as number[] })).rejects.toThrow('y[0] = "0" is not a class index in [0, 2]');
    await expect(t.fit({ x, y: [0, 1] }, { epoch: 2 } as never)).rejects.toThrow(/unknown fit option 'epoch'/);
    await expect(t.fit({ x, y: [0, 1] }, { batchSize: 0 })).rejects.toThrow('batchSize must be an integer in [1, 1048576], got 0');
    await expect(createTrainer({ ...base, optimizer: { type: 'adamw', weightDecay: 5 } })).rejects.toThrow('optimizer.weightDecay must be a finite number in [0, 1], got 5');
    await t.dispose();
  });
});
