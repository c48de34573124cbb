// PyTorch round trip through the built package and Debian's python3-torch (/usr/bin/python3):
// toPyTorch() predictions and one training step (loss and gradients) equal ours, preprocess() encodes
// CSV rows as Dataset does, torchrun DDP trains train_ddp.py, and the result loads back (loadModel, CLI).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, Dataset, MoE, MoEError, loadModel, type MoEOptions } from '../../dist/index.js';
import { encodeSafetensors, decodeSafetensors } from '../../dist/safetensors.js';
import { DIST, ROOT, diabetes, iris, maxAbsDiff } from './helpers.js';

const PYTHON = '/usr/bin/python3';
const CHECK = `${ROOT}tests/py/torch_check.py`;
let work: string;

// Runs a command to completion; its stdout and stderr, or an Error with both.
function run(cmd: string, args: string[], timeout = 600_000): { stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout, env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

// Runs torch_check.py on a list of jobs in one Python process (importing torch is the slow part).
type Job = Record<string, unknown>;
function torchCheck(jobs: Job[]): Array<Record<string, any>> {
  const jobsPath = join(work, `jobs-${Math.random().toString(36).slice(2)}.json`);
  const outPath = `${jobsPath}.out`;
  writeFileSync(jobsPath, JSON.stringify(jobs));
  run(PYTHON, [CHECK, jobsPath, outPath]);
  return JSON.parse(readFileSync(outPath, 'utf8'));
}

let exportCount = 0;
function writeExport(model: MoE): string {
  const dir = join(work, `export-${exportCount++}`);
  const files = model.toPyTorch();
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

const f32 = (a: number[] | Float32Array) => Float32Array.from(a);

beforeAll(async () => {
  const probe = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0) throw new Error(`${PYTHON} cannot import torch (install Debian's python3-torch: bash scripts/bootstrap.sh):\n${probe.stderr}`);
  await init();
  work = mkdtempSync(join(tmpdir(), 'moe-torch-'));
});

afterAll(() => { if (work) rmSync(work, { recursive: true, force: true }); });

describe('toPyTorch: the exported module predicts what predict() predicts', () => {
  it('dense, top-k (noisy and not), regression and categorical + missing data through preprocess, within 1e-5', async () => {
    const [irisTrain, irisTest] = Dataset.fromCSV(iris(), { target: 'species' }).split(0.8, { seed: 3, stratify: true });
    const [diaTrain, diaTest] = Dataset.fromCSV(diabetes()).split(0.8, { seed: 1 });
    const penguins = readFileSync(`${ROOT}tests/fixtures/csv/penguins_like.csv`, 'utf8');
    const pds = Dataset.fromCSV(penguins);
    const base = { experts: 4, expertHidden: [12, 8], gateHidden: [6], seed: 5 };
    const cases: Array<{ name: string; train: Dataset; test: Dataset; options: Partial<MoEOptions> }> = [
      { name: 'dense softmax gating, relu', train: irisTrain, test: irisTest, options: { ...base, gating: 'softmax', zLoss: 0.01 } },
      { name: 'noisy top-2 gating, gelu', train: irisTrain, test: irisTest, options: { ...base, gating: { type: 'topk', k: 2, noise: true }, activation: 'gelu' } },
      { name: 'top-1 gating, tanh, no gate hidden layer', train: irisTrain, test: irisTest, options: { ...base, gating: { type: 'topk', k: 1 }, activation: 'tanh', gateHidden: [] } },
      { name: 'regression, top-2', train: diaTrain, test: diaTest, options: { experts: 3, expertHidden: [16], seed: 2, gating: { type: 'topk', k: 2 } } },
      { name: 'categorical + missing (penguins)', train: pds, test: pds, options: { experts: 3, expertHidden: [8], gateHidden: [4], seed: 9, gating: { type: 'topk', k: 2 } } },
    ];
    const jobs: Job[] = [];
    const expected: Float32Array[] = [];
    const models: MoE[] = [];
    for (const c of cases) {
      const model = MoE.forDataset(c.train, c.options);
      await model.fit(c.train, { epochs: 4, batchSize: 16 });
      const dir = writeExport(model);
      jobs.push({ op: 'predict', dir, x: Array.from(c.test.features) });
      expected.push(model.predict(c.test));
      models.push(model);
    }
    // The penguins model again, this time from the raw CSV through model.py's preprocess.
    const csvPath = join(work, 'penguins.csv');
    writeFileSync(csvPath, penguins);
    const penguinModel = models[models.length - 1];
    jobs.push({ op: 'predict', dir: join(work, `export-${exportCount - 1}`), csv: csvPath });
    const results = torchCheck(jobs);
    cases.forEach((c, i) => {
      expect(results[i].out.length, c.name).toBe(expected[i].length);
      expect(maxAbsDiff(f32(results[i].out), expected[i]), c.name).toBeLessThan(1e-5);
    });
    // preprocess(rows) == Dataset.fromCSV with the model's schema: features, labels and predictions.
    const again = Dataset.fromCSV(penguins, { schema: penguinModel.schema });
    const viaCsv = results[cases.length];
    expect(again.features.some((v) => Number.isNaN(v))).toBe(false);
    expect(viaCsv.x.length).toBe(again.features.length);
    expect(maxAbsDiff(f32(viaCsv.x), again.features)).toBeLessThan(1e-6);
    expect(viaCsv.y).toEqual(Array.from(again.labels!));
    expect(maxAbsDiff(f32(viaCsv.out), penguinModel.predict(again))).toBeLessThan(1e-5);
    for (const m of models) m.dispose();
  });
});

// The core's Rng (src/core/rng.h: splitmix64-seeded xoshiro128**, Box-Muller in float32), to replay
// the gate-noise draws of a fit in PyTorch. The trainer seeds it with seed ^ kNoiseSalt.
function coreNormals(seed: bigint, n: number): Float32Array {
  const M64 = (1n << 64n) - 1n;
  const s = new Uint32Array(4);
  let x = seed & M64;
  for (let i = 0; i < 4; i++) {
    x = (x + 0x9E3779B97F4A7C15n) & M64;
    let z = x;
    z = ((z ^ (z >> 30n)) * 0xBF58476D1CE4E5B9n) & M64;
    z = ((z ^ (z >> 27n)) * 0x94D049BB133111EBn) & M64;
    s[i] = Number((z ^ (z >> 31n)) >> 32n);
  }
  const rotl = (v: number, k: number) => ((v << k) | (v >>> (32 - k))) >>> 0;
  const next = () => {
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 11);
    return result;
  };
  const uniform = () => Math.fround((next() >>> 8) * (1 / 16777216));
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u1 = Math.max(uniform(), Math.fround(1e-12));
    const u2 = uniform();
    const r = Math.fround(Math.sqrt(Math.fround(-2 * Math.fround(Math.log(u1)))));
    const theta = Math.fround(Math.fround(6.283185307179586) * u2);
    out[i] = Math.fround(r * Math.fround(Math.cos(theta)));
    if (i + 1 < n) out[i + 1] = Math.fround(r * Math.fround(Math.sin(theta)));
  }
  return out;
}
const NOISE_SALT = 0x4E4F495345303031n;

describe('one training step: PyTorch loss and gradients equal ours', () => {
  it('dense + z-loss, top-k + load balance (noise off), noisy top-k (the same noise draw), regression: within 1e-4', async () => {
    const full = Dataset.fromCSV(iris(), { target: 'species' });
    const [batch] = full.split(0.3, { seed: 7, stratify: true });
    // Regression on a target of unit scale (the core does not standardise targets; large ones make big gradients).
    const rcsv = ['a,b,y', ...Array.from({ length: 48 }, (_, i) => {
      const a = Math.sin(i * 1.7) * 2, b = Math.cos(i * 0.9) * 3;
      return `${a.toFixed(3)},${b.toFixed(3)},${(Math.tanh(a) + 0.2 * b).toFixed(4)}`;
    })].join('\n');
    const rbatch = Dataset.fromCSV(rcsv, { task: 'regression' });
    const LR = 0.125;  // a power of two: (before - after) / LR loses nothing to the division
    const sgd = { type: 'sgd' as const, learningRate: LR };
    const cases: Array<{ name: string; ds: Dataset; options: Partial<MoEOptions> }> = [
      { name: 'dense softmax, relu, z-loss', ds: batch, options: { gating: 'softmax', zLoss: 0.05 } },
      { name: 'top-2 without noise, gelu, load balance + z-loss', ds: batch, options: { gating: { type: 'topk', k: 2, noise: false }, activation: 'gelu', loadBalance: 0.1, zLoss: 0.02 } },
      { name: 'noisy top-2, tanh, load balance', ds: batch, options: { gating: { type: 'topk', k: 2, noise: true }, activation: 'tanh', loadBalance: 0.1 } },
      { name: 'regression, dense softmax', ds: rbatch, options: { gating: 'softmax', zLoss: 0.01 } },
    ];
    const FIT_SEED = 11;
    const jobs: Job[] = [];
    const ours: Array<{ loss: number; grads: Map<string, Float32Array> }> = [];
    for (const c of cases) {
      const model = MoE.forDataset(c.ds, { experts: 3, expertHidden: [10, 6], gateHidden: [5], seed: 21, optimizer: sgd, ...c.options });
      // Move the weights off their initial values (a non-zero noise layer, a trained gate) first.
      await model.fit(c.ds, { epochs: 2, batchSize: 8, seed: 1 });
      const dir = writeExport(model);
      const before = new Map(model._tensors().map((t) => [t.name, t.data]));
      const n = c.ds.numRows;
      const noisy = typeof c.options.gating === 'object' && c.options.gating.type === 'topk' && c.options.gating.noise !== false;
      const eps = noisy ? Array.from(coreNormals(BigInt(FIT_SEED) ^ NOISE_SALT, n * 3)) : null;
      jobs.push({ op: 'step', dir, x: Array.from(c.ds.features), y: Array.from(c.ds.labels!), eps });
      // One SGD step on one batch of every row in order: gradient = (before - after) / LR.
      let loss = NaN;
      await model.fit(c.ds, { epochs: 1, batchSize: n, shuffle: false, seed: FIT_SEED, onBatchEnd: (_b, logs) => { loss = logs.batch_loss; } });
      const grads = new Map<string, Float32Array>();
      for (const t of model._tensors()) grads.set(t.name, before.get(t.name)!.map((v, i) => (v - t.data[i]) / LR));
      ours.push({ loss, grads });
      model.dispose();
    }
    const results = torchCheck(jobs);
    cases.forEach((c, i) => {
      const r = results[i];
      expect(Math.abs(r.loss - ours[i].loss), `${c.name}: loss ${r.loss} vs ${ours[i].loss}`).toBeLessThan(1e-4);
      expect(Object.keys(r.grads).sort(), c.name).toEqual([...ours[i].grads.keys()].sort());
      let largest = 0;
      for (const [name, g] of ours[i].grads) {
        expect(maxAbsDiff(f32(r.grads[name]), g), `${c.name}: gradient of ${name}`).toBeLessThan(1e-4);
        largest = Math.max(largest, ...Array.from(g, Math.abs));
      }
      expect(largest, `${c.name}: the gradients are not all ~0`).toBeGreaterThan(1e-2);
    });
    // The aux losses were part of the comparison (not zero).
    expect(results[1].aux).toBeGreaterThan(1e-3);
    expect(results[2].aux).toBeGreaterThan(1e-3);
  });
});

// A CSV with numeric, categorical and missing cells whose class depends on both kinds of columns.
function syntheticCsv(rows: number, seed: number): string {
  let state = seed >>> 0;
  const rand = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const colors = ['red', 'green', 'blue'];
  const lines = ['x1,x2,color,label'];
  for (let i = 0; i < rows; i++) {
    const x1 = rand() * 4 - 2, x2 = rand() * 10;
    const color = colors[Math.floor(rand() * 3)];
    const score = x1 + (color === 'red' ? 1.5 : color === 'blue' ? -1.5 : 0) + (rand() - 0.5);
    const label = score > 0.7 ? 'high' : score < -0.7 ? 'low' : 'mid';
    lines.push([x1.toFixed(3), rand() < 0.1 ? 'NA' : x2.toFixed(2), rand() < 0.05 ? '' : color, label].join(','));
  }
  return lines.join('\n') + '\n';
}

describe('torchrun DDP training and the way back', () => {
  it('CLI export --format pytorch, torchrun --nproc_per_node=2 (gloo) trains train_ddp.py one epoch, loadModel and the CLI predict as PyTorch does', async () => {
    const trainPath = join(work, 'train.csv'), testPath = join(work, 'test.csv');
    writeFileSync(trainPath, syntheticCsv(900, 1));
    writeFileSync(testPath, syntheticCsv(120, 2));
    // Prototype "in the browser": a short fit, saved as a model file.
    const ds = Dataset.fromCSV(readFileSync(trainPath, 'utf8'));
    const model = MoE.forDataset(ds, { experts: 4, expertHidden: [16], gateHidden: [8], seed: 3,
      gating: { type: 'topk', k: 1, noise: true }, optimizer: { type: 'adam', learningRate: 0.01 } });
    await model.fit(ds, { epochs: 1, batchSize: 32 });
    writeFileSync(join(work, 'model.moe'), model.save());
    const exported = model._tensors();
    model.dispose();

    const out = join(work, 'pytorch');
    const cli = `${DIST}cli.js`;
    run(process.execPath, [cli, 'export', join(work, 'model.moe'), out, '--format', 'pytorch']);
    for (const f of ['model.py', 'weights.safetensors', 'schema.json', 'train_ddp.py']) expect(existsSync(join(out, f)), f).toBe(true);

    // Two processes, gloo, one epoch over the streamed CSV. (--redirects/--tee: torch 1.13's torchrun
    // cannot parse their default "0" under Python 3.11; any explicit value avoids that bug.)
    const trained = join(work, 'trained.safetensors');
    const ddp = run('/usr/bin/torchrun', ['--standalone', '--nproc_per_node=2', '--redirects', '1', '--tee', '1',
      join(out, 'train_ddp.py'), '--data', trainPath, '--epochs', '1', '--batch-size', '32', '--out', trained]);
    expect(ddp.stdout + ddp.stderr).toMatch(/epoch 1\/1: loss [0-9.]+ over 900 rows, \d+ steps on 2 ranks/);
    expect(existsSync(trained)).toBe(true);

    const [torchOut] = torchCheck([{ op: 'predict', dir: out, weights: trained, csv: testPath }]);
    const back = await loadModel(readFileSync(trained));
    expect(back.options.gating).toEqual({ type: 'topk', k: 1, noise: true });
    const test = Dataset.fromCSV(readFileSync(testPath, 'utf8'), { schema: back.schema });
    expect(maxAbsDiff(f32(torchOut.x), test.features)).toBeLessThan(1e-6);
    const ours = back.predict(test);
    expect(maxAbsDiff(f32(torchOut.out), ours)).toBeLessThan(1e-5);
    // Training changed the weights.
    const after = new Map(back._tensors().map((t) => [t.name, t.data]));
    expect(Math.max(...exported.map((t) => maxAbsDiff(t.data, after.get(t.name)!)))).toBeGreaterThan(1e-3);
    // The ONNX export and the CLI read the imported model too.
    expect(back.toONNX().length).toBeGreaterThan(100);
    const csv = run(process.execPath, [cli, 'predict', trained, testPath]).stdout.trim().split('\n');
    const pCols = `prediction,${back.schema && (back.schema as { classes: string[] }).classes.map((c) => `p_${c}`).join(',')}`;
    expect(csv[0].endsWith(`,${pCols}`)).toBe(true);
    const first = csv[0].split(',').indexOf('prediction') + 1;
    const probs = f32(csv.slice(1).flatMap((line) => line.split(',').slice(first).map(Number)));
    expect(maxAbsDiff(probs, f32(torchOut.out))).toBeLessThan(6e-5);  // the CSV rounds to 4 decimals
    back.dispose();
  }, 900_000);
});

describe('loadModel(.safetensors): tensors that do not match the config are a clear MoEError', () => {
  it('missing, extra, reshaped, non-F32 or non-finite tensors, missing or bad config metadata, truncated files', async () => {
    const [train] = Dataset.fromCSV(iris(), { target: 'species' }).split(0.5, { seed: 1 });
    const model = MoE.forDataset(train, { experts: 2, expertHidden: [4], gateHidden: [3], seed: 1 });
    const good = model.toPyTorch()['weights.safetensors'];
    const { tensors, metadata } = decodeSafetensors(good);
    const rebuild = (edit: (t: Map<string, { shape: number[]; data: Float32Array }>, m: Record<string, string>) => void) => {
      const t = new Map([...tensors].map(([k, v]) => [k, { shape: [...v.shape], data: v.data.slice() }]));
      const m = { ...metadata };
      edit(t, m);
      return encodeSafetensors([...t], m);
    };
    const bad: Array<[string, Uint8Array, RegExp]> = [
      ['missing tensor', rebuild((t) => t.delete('gate.dense1.b')), /no tensor 'gate\.dense1\.b' \(shape \[2\]\)/],
      ['extra tensor', rebuild((t) => t.set('expert2.dense0.w', { shape: [4, 4], data: new Float32Array(16) })), /tensor 'expert2\.dense0\.w' that its config does not have/],
      ['transposed weight', rebuild((t) => { t.get('gate.dense0.w')!.shape = [3, 4]; }), /'gate\.dense0\.w' has shape \[3, 4\] but its config needs \[4, 3\]/],
      ['no config', rebuild((_t, m) => { delete m['moe-wasm.config']; }), /no 'moe-wasm\.config' metadata/],
      ['bad config', rebuild((_t, m) => { m['moe-wasm.config'] = JSON.stringify({ ...JSON.parse(m['moe-wasm.config']), experts: 0 }); }), /'moe-wasm\.config' metadata.*experts must be/],
      ['non-finite weight', rebuild((t) => { t.get('gate.dense0.w')!.data[1] = NaN; }), /tensor 'gate\.dense0\.w' holds NaN at index 1; every weight must be a finite number/],
      ['truncated', good.subarray(0, good.length - 9), /data_offsets .* outside/],
    ];
    const f16 = good.slice();
    const at = new TextDecoder('latin1').decode(f16).indexOf('"F32"');
    f16.set(new TextEncoder().encode('"F16"'), at);
    bad.push(['float16 tensor', f16, /dtype "F16"; only F32/]);
    for (const [name, bytes, message] of bad) {
      const err = await loadModel(bytes).then(() => null, (e: unknown) => e);
      expect(err, name).toBeInstanceOf(MoEError);
      expect((err as Error).message, name).toMatch(message);
    }
    // The module is still fine: the untouched file loads and predicts as the model does.
    const back = await loadModel(good);
    expect(maxAbsDiff(back.predict(train), model.predict(train))).toBe(0);
    back.dispose();
    model.dispose();
  });
});
