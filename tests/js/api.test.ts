// API shapes and errors of the built package (dist/), real wasm: init, Dataset, MoE options,
// wrong dimensions, NaN, disposed handles, corrupt model bytes; the module stays usable after errors.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, Dataset, MoE, MoEError, AbortError, loadModel, heapUsage } from '../../dist/index.js';
import { iris } from './helpers.js';

beforeAll(async () => { await init(); });

describe('init', () => {
  it('resolves { simd, version } and is idempotent', async () => {
    const a = await init();
    const b = await init();
    expect(a).toEqual(b);
    expect(typeof a.simd).toBe('boolean');
    expect(a.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(a.simd).toBe(true); // Node 20 supports SIMD128
  });
  it('rejects a bad option', async () => {
    await expect(init({ simd: 'yes' as unknown as boolean })).rejects.toThrow(/simd must be a boolean/);
  });
});

describe('Dataset', () => {
  it('reads iris with the documented fields', () => {
    const ds = Dataset.fromCSV(iris(), { target: 'species' });
    expect(ds.numRows).toBe(150);
    expect(ds.numFeatures).toBe(4);
    expect(ds.task).toBe('classification');
    expect(ds.featureNames).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
    expect(ds.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(ds.features).toBeInstanceOf(Float32Array);
    expect(ds.features.length).toBe(600);
    expect(ds.labels).toBeInstanceOf(Int32Array);
    expect(Array.from(ds.labels!.slice(0, 3))).toEqual([0, 0, 0]);
    expect(ds.columns.map((c) => c.kind)).toEqual(['numeric', 'numeric', 'numeric', 'numeric', 'target']);
    expect(Array.isArray(ds.warnings)).toBe(true);
    // standardised numerics: mean ~ 0
    let mean = 0;
    for (let r = 0; r < 150; r++) mean += ds.features[r * 4];
    expect(Math.abs(mean / 150)).toBeLessThan(1e-4);
    const schema = JSON.parse(JSON.stringify(ds.schema));
    expect(schema).toEqual(ds.schema);
  });
  it('accepts bytes, an ArrayBuffer, a BOM and the default (last) target', () => {
    const bytes = new TextEncoder().encode('\uFEFF' + iris());
    const a = Dataset.fromCSV(bytes);
    const b = Dataset.fromCSV(bytes.buffer.slice(0) as ArrayBuffer);
    expect(a.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(Array.from(b.features)).toEqual(Array.from(a.features));
  });
  it('takes the target as a column index too', () => {
    const byIndex = Dataset.fromCSV(iris(), { target: 4 });
    expect(byIndex.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    const first = Dataset.fromCSV(iris(), { target: 0 });
    expect(first.task).toBe('regression');
    expect(first.featureNames[0]).toBe('sepal_width');
  });
  it('re-encodes rows with an earlier schema, target optional', () => {
    const ds = Dataset.fromCSV(iris(), { target: 'species' });
    const rows = iris().split('\n').slice(0, 3).map((l) => l.split(',').slice(0, 4).join(',')).join('\n');
    const holdout = Dataset.fromCSV(rows, { schema: ds.schema });
    expect(holdout.numRows).toBe(2);
    expect(holdout.labels).toBeNull();
    expect(Array.from(holdout.features)).toEqual(Array.from(ds.features.slice(0, 8)));
  });
  it('split is seeded and stratified', () => {
    const ds = Dataset.fromCSV(iris(), { target: 'species' });
    const [a, b] = ds.split(0.8, { seed: 1, stratify: true });
    expect(a.numRows + b.numRows).toBe(150);
    expect(a.numRows).toBe(120);
    const counts = [0, 0, 0];
    for (const l of b.labels!) counts[l]++;
    expect(counts).toEqual([10, 10, 10]);
    const [a2] = ds.split(0.8, { seed: 1, stratify: true });
    expect(Array.from(a2.features)).toEqual(Array.from(a.features));
    const [a3] = ds.split(0.8, { seed: 2, stratify: true });
    expect(Array.from(a3.features)).not.toEqual(Array.from(a.features));
  });
  it('bad CSV input throws MoEError with a clear message', () => {
    expect(() => Dataset.fromCSV('', {})).toThrow(MoEError);
    expect(() => Dataset.fromCSV(iris(), { target: 'nope' })).toThrow(/nope/);
    expect(() => Dataset.fromCSV(iris(), { delimiter: '::' })).toThrow(/delimiter/);
    expect(() => Dataset.fromCSV(42 as unknown as string)).toThrow(/string, Uint8Array or ArrayBuffer/);
  });
  it('fromArrays validates shapes and values', () => {
    const ds = Dataset.fromArrays(new Float32Array([1, 2, 3, 4]), new Int32Array([0, 1]), { numFeatures: 2 });
    expect(ds.numRows).toBe(2);
    expect(ds.classes).toEqual(['0', '1']);
    expect(() => Dataset.fromArrays(new Float32Array([1, 2, 3]), new Int32Array([0]), { numFeatures: 2 })).toThrow(/not a multiple of 2/);
    expect(() => Dataset.fromArrays(new Float32Array([1, NaN]), new Int32Array([0]), { numFeatures: 2 })).toThrow(/non-finite value \(NaN\) at row 0, column 1/);
    expect(() => Dataset.fromArrays(new Float32Array([1, 2]), new Int32Array([0, 1]), { numFeatures: 2 })).toThrow(/2 labels but x has 1 rows/);
    const r = Dataset.fromArrays(new Float32Array([1, 2]), new Float32Array([0.5]), { numFeatures: 2, task: 'regression' });
    expect(r.task).toBe('regression');
  });
});

describe('MoE options', () => {
  const base = { inputDim: 4, outputDim: 3 };
  it.each([
    [{ experts: 0 }, 'experts must be an integer in [1, 1024], got 0'],
    [{ experts: 2.5 }, 'experts must be an integer, got 2.5'],
    [{ inputDim: -1 }, 'inputDim must be an integer in [1, 1048576], got -1'],
    [{ activation: 'sigmoid' }, "activation must be one of 'relu', 'tanh', 'gelu', got \"sigmoid\""],
    [{ gating: { type: 'topk', k: 9 } }, 'gating.k must be an integer in [1, 5] (at most experts), got 9'],
    [{ optimizer: { type: 'adam', learningRate: -1 } }, 'optimizer.learningRate must be a finite number in (0, 1000], got -1'],
    [{ optimizer: { type: 'adamw', weightDecay: 5 } }, 'optimizer.weightDecay must be a finite number in [0, 1], got 5'],
    [{ optimizer: { type: 'adam', lr: 0.1 } }, "unknown optimizer option 'lr'"],
    [{ gating: { type: 'topk', kk: 2 } }, "unknown gating option 'kk'"],
    [{ expertHidden: [64, 0] }, 'expertHidden[1] must be an integer in [1, 65536], got 0'],
    [{ bogus: 1 }, "unknown MoE option 'bogus'"],
    [{ outputDim: 1 }, 'outputDim must be an integer in [2, 1048576] for classification (the number of classes), got 1'],
  ])('%j -> %s', (extra, message) => {
    expect(() => new MoE({ ...base, ...extra } as never)).toThrow(MoEError);
    expect(() => new MoE({ ...base, ...extra } as never)).toThrow(message);
  });
  it('refuses a model too large for the wasm heap before allocating it', () => {
    expect(() => new MoE({ ...base, experts: 1, expertHidden: [14000, 14000] })).toThrow(/would need about \d+ MiB of wasm memory/);
    const m = new MoE(base);
    expect(m.predict(new Float32Array(4)).length).toBe(3);
    m.dispose();
  });
  it('builds with defaults and reports a summary', () => {
    const m = new MoE(base);
    const s = m.summary();
    expect(s.experts).toBe(5);
    expect(s.parameters).toBeGreaterThan(1000);
    expect(s.flopsPerSample).toBeGreaterThan(0);
    expect(m.options.expertHidden).toEqual([64, 32]);
    m.dispose();
  });
  it('forDataset sizes the model and carries the schema', () => {
    const ds = Dataset.fromCSV(iris());
    const m = MoE.forDataset(ds, { experts: 3 });
    expect(m.inputDim).toBe(4);
    expect(m.outputDim).toBe(3);
    expect(m.schema).toEqual(ds.schema);
    m.dispose();
  });
});

describe('errors at call time', () => {
  it('wrong dims, NaN, wrong labels give clear MoEErrors and the module stays usable', async () => {
    const m = new MoE({ inputDim: 4, outputDim: 3, experts: 2, seed: 1 });
    expect(() => m.predict(new Float32Array(7))).toThrow(/7 values, which is not a multiple of 4/);
    expect(() => m.predict(new Float32Array([1, 2, NaN, 4]))).toThrow(/non-finite value \(NaN\) at row 0, column 2/);
    expect(() => m.evaluate({ x: new Float32Array(8), y: new Int32Array([0, 3]) })).toThrow(/y\[1\] = 3 is not a class index in \[0, 2\]/);
    await expect(m.fit({ x: new Float32Array(8), y: new Int32Array([0]) })).rejects.toThrow(/1 labels but x has 2 rows/);
    await expect(m.fit(Dataset.fromCSV(iris()), { epochs: 0 })).rejects.toThrow('epochs must be an integer in [1, 1000000], got 0');
    const wrongWidth = Dataset.fromArrays(new Float32Array(6), new Int32Array([0, 1]), { numFeatures: 3 });
    expect(() => m.evaluate(wrongWidth)).toThrow(/3 features but the model expects inputDim = 4/);
    const p = m.predict(new Float32Array([0.1, 0.2, 0.3, 0.4, 1, 1, 1, 1]));
    expect(p.length).toBe(6);
    expect(p[0] + p[1] + p[2]).toBeCloseTo(1, 5);
    const g = m.gate(new Float32Array(4));
    expect(g.length).toBe(2);
    m.dispose();
  });
  it('a disposed model throws "model has been disposed"', async () => {
    const m = new MoE({ inputDim: 2, outputDim: 2 });
    m.dispose();
    m.dispose(); // idempotent
    expect(() => m.predict(new Float32Array(2))).toThrow('model has been disposed');
    expect(() => m.save()).toThrow(MoEError);
    await expect(m.fit({ x: new Float32Array(2), y: new Int32Array(1) })).rejects.toThrow('model has been disposed');
  });
  it('supports Symbol.dispose when the runtime has it', () => {
    const m = new MoE({ inputDim: 2, outputDim: 2 });
    if (typeof Symbol.dispose === 'symbol') {
      (m as unknown as { [Symbol.dispose](): void })[Symbol.dispose]();
      expect(() => m.predict(new Float32Array(2))).toThrow('model has been disposed');
    } else m.dispose();
  });
  it('toONNX says it is not implemented yet', () => {
    const m = new MoE({ inputDim: 2, outputDim: 2 });
    expect(() => m.toONNX()).toThrow(MoEError);
    m.dispose();
  });
  it('corrupt or foreign model bytes give MoEError, never a crash', async () => {
    const m = new MoE({ inputDim: 4, outputDim: 3, experts: 2 });
    const bytes = m.save();
    m.dispose();
    await expect(loadModel(new Uint8Array([1, 2, 3, 4]))).rejects.toThrow(MoEError);
    await expect(loadModel(bytes.slice(0, bytes.length >> 1))).rejects.toThrow(MoEError);
    const flipped = bytes.slice();
    flipped[flipped.length >> 1] ^= 0xff;
    await expect(loadModel(flipped)).rejects.toThrow(MoEError);
    await expect(loadModel(new TextEncoder().encode('{"not":"a model"}'))).rejects.toThrow(MoEError);
    await expect(loadModel('x' as unknown as Uint8Array)).rejects.toThrow(/Uint8Array or ArrayBuffer/);
    const again = await loadModel(bytes);
    expect(again.summary().experts).toBe(2);
    again.dispose();
  });
  it('exports the error classes with their names', () => {
    expect(new MoEError('x').name).toBe('MoEError');
    expect(new AbortError().name).toBe('AbortError');
    expect(heapUsage().heapSize).toBeGreaterThan(0);
  });
});
