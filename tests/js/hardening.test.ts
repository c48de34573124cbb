// Hardening from the user's side (issue 7), against the built package: data or models too large for
// the wasm heap are refused before allocating, the heap stays flat over 1,000 cycles and 1,000
// predicts, non-finite inputs are named by row and column, a diverging fit rejects and keeps usable
// weights, clipNorm works, abort in every phase leaves a usable model, hostile model files are
// refused with clear MoEErrors. Worker crashes: hardening-worker.test.ts.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init, Dataset, MoE, MoEError, AbortError, loadModel, heapUsage } from '../../dist/index.js';
import { ROOT, diabetes, iris, maxAbsDiff } from './helpers.js';

let ds: Dataset;
beforeAll(async () => {
  await init();
  ds = Dataset.fromCSV(iris(), { target: 'species' });
});

const tiny = { experts: 2, expertHidden: [4], gateHidden: [2] };

function allFinite(a: Float32Array): boolean {
  return a.every((v) => Number.isFinite(v));
}

// A model that must survive whatever the test does to the module.
function survivor(): MoE {
  return MoE.forDataset(ds, { ...tiny, seed: 3 });
}

describe('memory limits', () => {
  it('the README states the 2 GiB heap maximum the build links with', () => {
    const cmake = readFileSync(`${ROOT}bindings/wasm/wasm.cmake`, 'utf8');
    expect(cmake).toMatch(/-sMAXIMUM_MEMORY=2147483648/);
    expect(readFileSync(`${ROOT}bindings/README.md`, 'utf8')).toMatch(/2 GiB/);
  });

  it('predict/gate/evaluate/fit on data larger than the heap: MoEError before anything is copied', async () => {
    const keep = survivor();
    const expected = keep.predict(ds);
    // 600M floats = 2.4 GB: more than the whole wasm heap. The array is never touched, so cheap.
    const huge = new Float32Array(4 * 150_000_000);
    expect(() => keep.predict(huge)).toThrow(MoEError);
    expect(() => keep.predict(huge)).toThrow(/predict: the data needs about \d+ MiB of wasm memory but only \d+ MiB of the 2048 MiB heap are free/);
    expect(() => keep.gate(huge)).toThrow(/gate: the data needs about/);
    // fit keeps one copy of its rows in wasm memory (fit-memory.test.ts): 2.4 GB of features cannot be trained on either.
    const labels = new Int32Array(150_000_000);
    await expect(keep.fit({ x: huge, y: labels })).rejects.toThrow(/fit: the data needs about \d+ MiB/);
    expect(() => keep.evaluate({ x: huge, y: labels })).toThrow(/evaluate: the data needs about/);
    try { keep.predict(huge); } catch (e) { expect((e as MoEError).code).toBe('OutOfRange'); }
    // Nothing was discarded: the same model, the same module, the same answers.
    expect(maxAbsDiff(keep.predict(ds), expected)).toBe(0);
    expect((await keep.fit(ds, { epochs: 1 })).epoch).toEqual([0]);
    keep.dispose();
  });

  it('absurd widths, too many experts, oversized model files and CSV text are refused before allocating', async () => {
    const before = heapUsage().allocated;
    expect(() => new MoE({ inputDim: 4, outputDim: 3, experts: 1024, expertHidden: [65536] })).toThrow(/would need about \d+ MiB of wasm memory/);
    expect(() => new MoE({ inputDim: 65536, outputDim: 3, experts: 8, expertHidden: [4096, 4096] })).toThrow(MoEError);
    expect(() => new MoE({ inputDim: 4, outputDim: 3, expertHidden: [1e9] })).toThrow(/expertHidden\[0\] must be an integer in \[1, 65536\]/);
    // A 1 GB "model file": refused by size before it is copied into wasm memory.
    const file = new Uint8Array(1 << 30);
    file.set(new TextEncoder().encode('MOEWASM\0'));
    await expect(loadModel(file)).rejects.toThrow(/loadModel: a model file of 1024 MiB: the data needs about \d+ MiB/);
    // The same gigabyte as CSV text: refused before it is copied in (it would be parsed next to itself).
    expect(() => Dataset.fromCSV(file)).toThrow(/Dataset.fromCSV: a CSV of 1024 MiB: the data needs about 3072 MiB of wasm memory/);
    expect(heapUsage().allocated).toBe(before);
  });

  it('a batch larger than the data trains as one batch without room for rows that do not exist', async () => {
    const m = MoE.forDataset(ds, { seed: 2 });
    const h = await m.fit(ds, { epochs: 1, batchSize: 1 << 20 });
    expect(h.loss.length).toBe(1);
    // The working buffers are sized for the 150 rows, not for 1M (which would be ~5 GB).
    expect(heapUsage().heapSize).toBeLessThan(256 * 2 ** 20);
    const same = MoE.forDataset(ds, { seed: 2 });
    const h2 = await same.fit(ds, { epochs: 1, batchSize: 150, shuffle: false });
    const h3 = await MoE.forDataset(ds, { seed: 2 }).fit(ds, { epochs: 1, batchSize: 4096, shuffle: false });
    expect(h3.loss[0]).toBeCloseTo(h2.loss[0], 10);
    m.dispose(); same.dispose();
  });

  it('1,000 create/fit/dispose cycles and 1,000 predicts keep the heap flat', async () => {
    const x = ds.features.subarray(0, 8 * 4);
    const y = (ds.labels as Int32Array).subarray(0, 8);
    const cycle = async (i: number) => {
      const m = new MoE({ inputDim: 4, outputDim: 3, ...tiny, seed: i });
      await m.fit({ x, y }, { epochs: 1, batchSize: 8 });
      m.dispose();
    };
    for (let i = 0; i < 20; i++) await cycle(i);
    const start = heapUsage();
    for (let i = 0; i < 1000; i++) await cycle(i);
    const mid = heapUsage();
    // Every cycle frees what it allocated: the in-use bytes return to the same level.
    expect(mid.allocated - start.allocated).toBeLessThanOrEqual(4096);
    expect(mid.heapSize).toBe(start.heapSize);

    const m = MoE.forDataset(ds, { ...tiny, seed: 1 });
    const first = m.predict(ds);
    const base = heapUsage();
    let last = first;
    for (let i = 0; i < 1000; i++) last = m.predict(ds);
    const end = heapUsage();
    expect(end.allocated).toBe(base.allocated);
    expect(end.heapSize).toBe(base.heapSize);
    expect(maxAbsDiff(last, first)).toBe(0);
    m.dispose();
  }, 120_000);

  it('results are copies: they survive heap growth and later calls (no heap view is handed out)', () => {
    const m = MoE.forDataset(ds, { ...tiny, seed: 9 });
    const p = m.predict(ds);
    const copy = p.slice();
    const heap = heapUsage().heapSize;
    // A predict over 4M rows needs ~64 MB in wasm: the memory grows (its old buffer detaches).
    const many = new Float32Array(4 * 4_000_000);
    for (let i = 0; i < many.length; i++) many[i] = ((i * 7919) % 97) / 97 - 0.5;
    expect(m.predict(many).length).toBe(3 * 4_000_000);
    expect(heapUsage().heapSize).toBeGreaterThan(heap);
    expect(p.buffer.byteLength).toBe(p.length * 4);
    expect(maxAbsDiff(p, copy)).toBe(0);
    m.dispose();
  }, 60_000);
});

describe('numerical trouble', () => {
  it('non-finite values are refused at the boundary with row and column, everywhere', async () => {
    const m = MoE.forDataset(ds, { ...tiny });
    const x = ds.features.slice(0, 12); // 3 rows
    const bad = (row: number, col: number, v: number) => { const b = x.slice(); b[row * 4 + col] = v; return b; };
    const y = new Int32Array([0, 1, 2]);
    expect(() => m.predict(bad(2, 1, Infinity))).toThrow(/predict x has a non-finite value \(Infinity\) at row 2, column 1/);
    expect(() => m.gate(bad(1, 3, NaN))).toThrow(/gate x has a non-finite value \(NaN\) at row 1, column 3/);
    expect(() => m.evaluate({ x: bad(0, 0, -Infinity), y })).toThrow(/evaluate x has a non-finite value \(-Infinity\) at row 0, column 0/);
    await expect(m.fit({ x: bad(1, 2, NaN), y })).rejects.toThrow(/fit x has a non-finite value \(NaN\) at row 1, column 2/);
    await expect(m.fit({ x, y }, { validationData: { x: bad(2, 3, NaN), y } })).rejects.toThrow(/validationData x has a non-finite value \(NaN\) at row 2, column 3/);
    expect(() => m.predict([[0, 1, 2, 3], [0, NaN, 2, 3]])).toThrow(/row 1, column 1/);
    // Float32 overflow of a finite double is caught too (1e39 becomes Infinity in a Float32Array).
    expect(() => m.predict([[0, 1, 2, 1e39]])).toThrow(/non-finite value \(Infinity\) at row 0, column 3/);
    expect(() => Dataset.fromArrays(bad(2, 0, NaN), y, { numFeatures: 4 })).toThrow(/x has a non-finite value \(NaN\) at row 2, column 0/);
    expect(() => Dataset.fromArrays(x, new Float32Array([1, NaN, 3]), { numFeatures: 4, task: 'regression' })).toThrow(/y has a non-finite value \(NaN\) at row 1/);
    // The model is untouched by all of it.
    expect(allFinite(m.predict(x))).toBe(true);
    m.dispose();
  });

  it('a diverging run rejects naming epoch and batch; the model keeps finite, usable weights', async () => {
    const reg = Dataset.fromCSV(diabetes(), { target: 'progression' });
    // Plain SGD with learning rate 1 and 10 on the raw targets: the weights blow up within an epoch.
    for (const learningRate of [1, 10]) {
      const m = MoE.forDataset(reg, { experts: 3, expertHidden: [16], gateHidden: [8], optimizer: { type: 'sgd', learningRate }, seed: 1 });
      const epochs: number[] = [];
      const err = await m.fit(reg, { epochs: 20, batchSize: 16, onEpochEnd: (e) => epochs.push(e) }).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(MoEError);
      expect((err as MoEError).code).toBe('NumericalError');
      expect((err as MoEError).message).toMatch(/training diverged at epoch \d+ of 20, batch \d+ of 28/);
      // Usable afterwards: finite predictions on every row, save() and loadModel() (which refuses non-finite weights).
      const p = m.predict(reg);
      expect(allFinite(p)).toBe(true);
      const back = await loadModel(m.save());
      expect(maxAbsDiff(back.predict(reg), p)).toBe(0);
      back.dispose();
      m.dispose();
    }
  });

  it('huge but finite inputs overflow within the first batches: the weights before the fit are put back', async () => {
    const x = ds.features.map((v) => v * 1e38); // |features| < 3.4: still finite float32
    const m = MoE.forDataset(ds, { ...tiny, seed: 4 });
    const before = m.predict(ds);
    await expect(m.fit({ x, y: ds.labels! }, { epochs: 2 })).rejects.toThrow(/diverged at epoch 1 of 2, batch [12] of 5: the loss is (NaN|infinite)/);
    expect(maxAbsDiff(m.predict(ds), before)).toBe(0);
    m.dispose();
  });

  it('gradient clipping (optimizer.clipNorm) bounds each update and is saved with the model', async () => {
    // One SGD step over every row: the update is learningRate * g, clipped to learningRate * clipNorm.
    const step = async (clipNorm: number) => {
      const m = MoE.forDataset(ds, { ...tiny, optimizer: { type: 'sgd', learningRate: 1, weightDecay: 0, clipNorm }, seed: 6 });
      const before = m._tensors();
      await m.fit(ds, { epochs: 1, batchSize: 150 });
      const after = m._tensors();
      let sq = 0;
      after.forEach((t, i) => t.data.forEach((v, j) => { sq += (v - before[i].data[j]) ** 2; }));
      return { m, norm: Math.sqrt(sq) };
    };
    const free = await step(0);
    const clipped = await step(1e-3);
    expect(free.norm).toBeGreaterThan(1e-2);
    expect(clipped.norm).toBeLessThanOrEqual(1e-3 * 1.01);
    expect(clipped.norm).toBeGreaterThan(0.99e-3);
    expect(clipped.m.options.optimizer.type).toBe('sgd');
    expect((clipped.m.options.optimizer as { clipNorm: number }).clipNorm).toBeCloseTo(1e-3, 9);
    const back = await loadModel(clipped.m.save());
    expect((back.options.optimizer as { clipNorm: number }).clipNorm).toBeCloseTo(1e-3, 9);
    expect(() => MoE.forDataset(ds, { optimizer: { type: 'adam', clipNorm: -1 } })).toThrow('optimizer.clipNorm must be a finite number in [0, 1e9] (0 = off), got -1');
    back.dispose(); free.m.dispose(); clipped.m.dispose();
  });
});

describe('abort in every phase leaves no half-built state', () => {
  const opts = { ...tiny, seed: 11 };
  // After an abort: the model predicts finite values and a fresh 2-epoch fit runs epochs 0 and 1
  // from batch 0, with every batch of each epoch.
  async function usable(m: MoE): Promise<void> {
    expect(allFinite(m.predict(ds))).toBe(true);
    const batches: Array<[number, number]> = [];
    let epoch = 0;
    const h = await m.fit(ds, { epochs: 2, batchSize: 50, onBatchEnd: (b) => batches.push([epoch, b]), onEpochEnd: (e) => { epoch = e + 1; } });
    expect(h.epoch).toEqual([0, 1]);
    expect(batches).toEqual([[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]);
  }

  it('before the first chunk (in onTrainBegin): the weights are untouched', async () => {
    const m = MoE.forDataset(ds, opts);
    const before = m.predict(ds);
    const c = new AbortController();
    await expect(m.fit(ds, { epochs: 5, signal: c.signal, onTrainBegin: () => c.abort() })).rejects.toThrow(AbortError);
    expect(maxAbsDiff(m.predict(ds), before)).toBe(0);
    await usable(m);
    m.dispose();
  });

  it('mid-epoch (in onBatchEnd)', async () => {
    const m = MoE.forDataset(ds, opts);
    const c = new AbortController();
    let seen = 0;
    await expect(m.fit(ds, { epochs: 5, batchSize: 10, signal: c.signal, onBatchEnd: (b) => { seen++; if (b === 3) c.abort(); } })).rejects.toThrow(AbortError);
    expect(seen).toBeLessThan(15);
    await usable(m);
    m.dispose();
  });

  it('from a timer while a large validation set is evaluated every epoch', async () => {
    const m = MoE.forDataset(ds, opts);
    const c = new AbortController();
    const vx = new Float32Array(4 * 200_000).map((_, i) => ds.features[i % ds.features.length]);
    const vy = new Int32Array(200_000).map((_, i) => ds.labels![i % 150]);
    let epochs = 0;
    setTimeout(() => c.abort(), 30);
    await expect(m.fit(ds, { epochs: 1000, batchSize: 50, validationData: { x: vx, y: vy }, signal: c.signal, onEpochEnd: () => { epochs++; } })).rejects.toThrow(AbortError);
    expect(epochs).toBeLessThan(1000);
    await usable(m);
    m.dispose();
  });

  it('with early stopping and restoreBestWeights: the best weights so far are put back', async () => {
    const m = MoE.forDataset(ds, opts);
    const c = new AbortController();
    const losses: number[] = [];
    await expect(m.fit(ds, {
      epochs: 1000, batchSize: 50, validationData: ds, earlyStopping: { monitor: 'val_loss', patience: 1000, restoreBestWeights: true },
      signal: c.signal, onEpochEnd: (e, logs) => { losses.push(logs.val_loss); if (e === 7) c.abort(); },
    })).rejects.toThrow(AbortError);
    expect(m.evaluate(ds).loss).toBeCloseTo(Math.min(...losses), 5);
    await usable(m);
    m.dispose();
  });

  it('right at the end (in the last onEpochEnd, and in onTrainEnd): the fit is complete', async () => {
    const m = MoE.forDataset(ds, opts);
    const c = new AbortController();
    const h = await m.fit(ds, { epochs: 3, signal: c.signal, onEpochEnd: (e) => { if (e === 2) c.abort(); } });
    expect(h.epoch).toEqual([0, 1, 2]);
    const c2 = new AbortController();
    const h2 = await m.fit(ds, { epochs: 2, signal: c2.signal, onTrainEnd: () => c2.abort() });
    expect(h2.epoch).toEqual([0, 1]);
    await usable(m);
    m.dispose();
  });
});

describe('untrusted model files', () => {
  let good: Uint8Array;
  let keep: MoE;
  let expected: Float32Array;
  beforeAll(async () => {
    const m = MoE.forDataset(ds, { ...tiny, seed: 21 });
    await m.fit(ds, { epochs: 2 });
    good = m.save();
    m.dispose();
    keep = survivor();
    expected = keep.predict(ds);
  });

  // A refused file: MoEError with a message (never a trap), nothing left allocated, the module fine.
  async function refused(bytes: Uint8Array, message: RegExp): Promise<void> {
    const before = heapUsage().allocated;
    const err = await loadModel(bytes).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(MoEError);
    expect((err as MoEError).message).toMatch(message);
    expect((err as MoEError).message).not.toMatch(/discarded/);
    expect(heapUsage().allocated).toBe(before);
    expect(maxAbsDiff(keep.predict(ds), expected)).toBe(0);
  }

  const crc32 = (b: Uint8Array): number => {
    let c = 0xffffffff;
    for (const byte of b) {
      c ^= byte;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    return (c ^ 0xffffffff) >>> 0;
  };
  // A copy with a u32/u64 field changed and the CRC made valid again (a deliberately forged file).
  const forged = (edit: (v: DataView) => void): Uint8Array => {
    const b = good.slice();
    edit(new DataView(b.buffer));
    new DataView(b.buffer).setUint32(b.length - 4, crc32(b.subarray(0, b.length - 4)), true);
    return b;
  };

  it('every truncation', async () => {
    for (let n = 0; n < good.length; n += n < 200 ? 1 : 97) await refused(good.slice(0, n), /empty|truncated|not a moe-wasm model file/);
    await refused(good.slice(0, good.length - 1), /truncated/);
  });

  it('bit flips anywhere', async () => {
    for (let i = 0; i < good.length; i += 13) {
      const b = good.slice();
      b[i] ^= 1 << (i % 8);
      await refused(b, /checksum|not a moe-wasm|version|impossible|declares|unknown|parameters|truncated|invalid/);
    }
  });

  // Format 1 layout (src/io/checkpoint.h): magic 8 | version @8 | task @12 | D @16 | C @20 | E @24 |
  // expert hidden count @28, widths | gate hidden count, widths | act, gating, k (u32 x3), noise (u8) |
  // loadBalance, zLoss, optimizer, 7 f32 | seed u64 | P u64 | P f32 | schema length u32, bytes | CRC.
  function layout(): { pAt: number; schemaAt: number; schemaLen: number } {
    const pAt = 28 + (4 + 4 * tiny.expertHidden.length) + (4 + 4 * tiny.gateHidden.length) + 13 + 12 + 28 + 8;
    const v = new DataView(good.buffer);
    const P = Number(v.getBigUint64(pAt, true));
    expect(P).toBe(keep.summary().parameters);
    const schemaAt = pAt + 8 + 4 * P;
    const schemaLen = v.getUint32(schemaAt, true);
    expect(schemaAt + 4 + schemaLen + 4).toBe(good.length);
    return { pAt, schemaAt, schemaLen };
  }

  it('oversized headers: huge P, widths, experts, layers, schema; trailing bytes', async () => {
    const { pAt, schemaAt } = layout();
    await refused(forged((v) => v.setBigUint64(pAt, 0xffffffffffffn, true)), /holds 281474976710655 parameters but its configuration implies/);
    await refused(forged((v) => v.setInt32(32, 1 << 20, true)), /holds \d+ parameters but its configuration implies \d+/); // expert width 1M
    await refused(forged((v) => v.setInt32(24, 1 << 30, true)), /impossible sizes: inputDim 4, outputDim 3, experts 1073741824/);
    await refused(forged((v) => v.setUint32(28, 1_000_000, true)), /declares 1000000 expert hidden layers \(at most 64\)/);
    await refused(forged((v) => v.setUint32(schemaAt, 0xfffffff0, true)), /schema of 4294967280 bytes \(at most 67108864\)/);
    const longer = new Uint8Array(good.length + 16);
    longer.set(good);
    await refused(longer, /unexpected bytes after its end|checksum/);
  });

  it('foreign files: PNG, JSON, ZIP, gzip, an ONNX export, HTML, empty', async () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
    await refused(png, /not a moe-wasm model file \(it looks like a PNG image\)/);
    await refused(new TextEncoder().encode(JSON.stringify({ weights: [1, 2, 3] })), /looks like JSON text/);
    await refused(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 8, 0]), /looks like a ZIP archive/);
    await refused(Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]), /gzip/);
    const trained = await loadModel(good);
    const onnx = trained.toONNX();
    trained.dispose();
    await refused(onnx, /not a moe-wasm model file \(it looks like possibly an ONNX\/protobuf file\)/);
    await refused(new TextEncoder().encode('<!doctype html><p>hi'), /HTML/);
    await refused(new Uint8Array(0), /empty/);
    await refused(new TextEncoder().encode('MOEWAS'), /truncated|not a moe-wasm/);
  });

  it('older and newer format versions, also with a valid checksum', async () => {
    await refused(forged((v) => v.setUint32(8, 2, true)), /format version 2 is newer than this moe-wasm supports \(up to 1\); upgrade/);
    await refused(forged((v) => v.setUint32(8, 0, true)), /format version 0 is not a known version/);
    await refused(forged((v) => v.setUint32(8, 0xffffffff, true)), /format version 4294967295 is newer/);
  });

  it('a forged file with a valid checksum but a NaN weight or a broken config', async () => {
    const { pAt } = layout();
    await refused(forged((v) => v.setFloat32(pAt + 8, NaN, true)), /parameter 0 is not a finite number/);
    await refused(forged((v) => v.setUint32(12, 7, true)), /unknown task code 7/);
  });

  it("today's format-1 fixture (tests/fixtures/model-v1.moe) loads and predicts", async () => {
    const m = await loadModel(new Uint8Array(readFileSync(`${ROOT}tests/fixtures/model-v1.moe`)));
    expect(m.inputDim).toBe(3);
    const p = m.predict(new Float32Array([0.1, -0.2, 0.3, 1, 1, 1]));
    expect(allFinite(p)).toBe(true);
    expect(p[0] + p[1] + p[2]).toBeCloseTo(1, 5);
    m.dispose();
    keep.dispose();
  });
});
