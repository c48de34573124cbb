// autoFit through the built package: it beats a deliberately bad setting on a nonlinear problem,
// spends exactly its trial budget, is reproducible (also across worker counts), scores baselines
// right, stops on its signal, and refuses bad input with MoEError. Budgets are trials, never seconds.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, autoFit, Dataset, MoE, MoEError, AbortError, loadModel, type TrialReport } from '../../dist/index.js';
import { iris } from './helpers.js';

// reference: mulberry32, a seeded PRNG so the synthetic data is the same on every run.
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** XOR of two signs (no linear model can do better than guessing) plus two noise columns: x (rows, 4). */
function xor(rows: number, seed: number): Dataset {
  const r = rng(seed);
  const x = new Float32Array(rows * 4);
  const y = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < 4; j++) x[i * 4 + j] = r() * 2 - 1;
    y[i] = x[i * 4] * x[i * 4 + 1] > 0 ? 1 : 0;
  }
  return Dataset.fromArrays(x, y, { numFeatures: 4, task: 'classification', classes: ['diff', 'same'] });
}

const strip = (board: TrialReport[]) => board.map(({ seconds: _s, ...rest }) => rest);

let data: Dataset;
let train: Dataset;
let test: Dataset;

beforeAll(async () => {
  await init();
  data = xor(480, 3);
  [train, test] = data.split(0.75, { seed: 2, stratify: true });
});

describe('autoFit', () => {
  it('finds a setting far better than a bad default and the linear baseline; the model is an ordinary MoE', async () => {
    const bad = MoE.forDataset(train, { experts: 1, expertHidden: [2], optimizer: { type: 'adam', learningRate: 1e-4 }, seed: 1 });
    await bad.fit(train, { epochs: 5 });
    const badAccuracy = bad.evaluate(test).accuracy;
    bad.dispose();
    const seen: TrialReport[] = [];
    const { model, leaderboard, baselines, metric, folds, cancelled } = await autoFit(train, { trials: 6, workers: 2, seed: 4, onTrial: (t) => seen.push(t) });
    expect(metric).toBe('accuracy');
    expect(folds).toBe(3);
    expect(cancelled).toBe(false);
    // Successive halving: 6 screened on one fold, the best 2 (and each family's best) fully cross-validated.
    expect(leaderboard.length).toBe(6);
    const promoted = leaderboard.filter((t) => t.rung === 1).length;
    expect(promoted).toBeGreaterThanOrEqual(2);
    expect(promoted).toBeLessThanOrEqual(4);
    expect(seen.length).toBe(6 + promoted);
    expect(new Set(leaderboard.map((t) => t.trial))).toEqual(new Set([0, 1, 2, 3, 4, 5]));
    const best = leaderboard[0];
    expect(best.rung).toBe(1);
    expect(best.foldScores.length).toBe(3);
    expect(best.score).toBeCloseTo(best.foldScores.reduce((a, b) => a + b) / 3, 10);
    expect(best.spread).toBeGreaterThanOrEqual(0);
    expect(best.epochs).toBeGreaterThanOrEqual(1);
    expect(best.seconds).toBeGreaterThan(0);
    for (const t of leaderboard.filter((r) => r.rung === 0)) expect(t.foldScores.length).toBe(1);
    // The winner: the smallest trial whose mean reaches the best pessimistic score (mean minus one
    // standard error); the others by pessimistic score.
    const cv = leaderboard.filter((r) => r.rung === 1);
    for (const t of cv) expect(t.pessimistic).toBeCloseTo(t.score - t.spread / Math.sqrt(3), 12);
    const bar = Math.max(...cv.map((t) => t.pessimistic));
    expect(best.score).toBeGreaterThanOrEqual(bar);
    for (const t of cv) if (t.score >= bar) expect(best.weights).toBeLessThanOrEqual(t.weights);
    const full = cv.slice(1).map((t) => t.pessimistic);
    expect(full).toEqual([...full].sort((a, b) => b - a));
    expect(best.score).toBeGreaterThan(0.85);
    const linear = baselines.find((b) => b.name === 'linear')!;
    expect(linear.options).toMatchObject({ experts: 1, expertHidden: [] });
    expect(linear.score).toBeLessThan(0.7);
    expect(baselines.map((b) => b.name)).toEqual(['majority', 'linear', 'mlp']);
    // The model: retrained on all of train with the winner's settings, better than the bad default on unseen rows.
    expect(model).toBeInstanceOf(MoE);
    expect(model.options.experts).toBe(best.options.experts);
    expect(model.options.expertHidden).toEqual(best.options.expertHidden);
    const accuracy = model.evaluate(test).accuracy;
    expect(accuracy).toBeGreaterThan(0.85);
    expect(accuracy).toBeGreaterThan(badAccuracy + 0.2);
    const again = await loadModel(model.save());
    expect(again.predict(test)).toEqual(model.predict(test));
    again.dispose();
    model.dispose();
  });

  it('is reproducible: the same seed and trials give the same leaderboard and model, on 1 or 2 workers', async () => {
    const small = xor(150, 7);
    // Two workers finish jobs in an order that varies from run to run; one worker runs them in sequence.
    const a = await autoFit(small, { trials: 4, workers: 2, seed: 9 });
    const c = await autoFit(small, { trials: 4, workers: 1, seed: 9 });
    expect(strip(c.leaderboard)).toEqual(strip(a.leaderboard));
    expect(c.baselines.map((x) => x.foldScores)).toEqual(a.baselines.map((x) => x.foldScores));
    expect(c.model.predict(test)).toEqual(a.model.predict(test));
    const d = await autoFit(small, { trials: 4, workers: 2, seed: 10 });
    expect(strip(d.leaderboard)).not.toEqual(strip(a.leaderboard));
    for (const r of [a, c, d]) r.model.dispose();
  });

  it('scores the majority baseline as counted by hand, and carries the CSV schema into the model', async () => {
    // 60 rows of class 0 and 30 of class 1: every stratified fold validates on 20 + 10 rows, so
    // always predicting class 0 is right on exactly 2/3 of each fold.
    const r = rng(5);
    const x = Float32Array.from({ length: 90 * 2 }, () => r());
    const y = Int32Array.from({ length: 90 }, (_, i) => (i % 3 === 2 ? 1 : 0));
    const ds = Dataset.fromArrays(x, y, { numFeatures: 2, task: 'classification' });
    const { model, baselines } = await autoFit(ds, { trials: 1, workers: 2, seed: 1 });
    expect(baselines[0].name).toBe('majority');
    expect(baselines[0].foldScores).toEqual([2 / 3, 2 / 3, 2 / 3]);
    expect(baselines[0].score).toBeCloseTo(2 / 3, 12);
    const balanced = await autoFit(ds, { trials: 1, workers: 1, seed: 1, metric: 'balancedAccuracy' });
    expect(balanced.baselines[0].foldScores).toEqual([0.5, 0.5, 0.5]);
    model.dispose();
    balanced.model.dispose();

    const flowers = Dataset.fromCSV(iris(), { target: 'species' });
    const fit = await autoFit(flowers, { trials: 1, workers: 1, folds: 2 });
    expect(fit.folds).toBe(2);
    expect(fit.model.schema?.target).toBe('species');
    expect(fit.leaderboard[0].options).toMatchObject({ experts: 5, expertHidden: [64, 32] }); // trial 0: the defaults
    expect(fit.model.evaluate(flowers).accuracy).toBeGreaterThan(0.8);
    fit.model.dispose();
  });

  it('does regression with r2 by default and rmse on request (lower is better first)', async () => {
    const r = rng(8);
    const rows = 200;
    const x = Float32Array.from({ length: rows * 3 }, () => r() * 2 - 1);
    const y = Float32Array.from({ length: rows }, (_, i) => Math.sin(3 * x[i * 3]) + 0.5 * x[i * 3 + 1]);
    const ds = Dataset.fromArrays(x, y, { numFeatures: 3, task: 'regression' });
    const r2 = await autoFit(ds, { trials: 3, workers: 2 });
    expect(r2.metric).toBe('r2');
    expect(r2.baselines[0].name).toBe('mean');
    expect(r2.baselines[0].score).toBeLessThanOrEqual(0);
    expect(r2.leaderboard[0].score).toBeGreaterThan(0.5);
    const rmse = await autoFit(ds, { trials: 3, workers: 2, metric: 'rmse' });
    for (const t of rmse.leaderboard.filter((r) => r.rung === 1)) expect(t.pessimistic).toBeCloseTo(t.score + t.spread / Math.sqrt(3), 12);
    const full = rmse.leaderboard.filter((t) => t.rung === 1).slice(1).map((t) => t.pessimistic);
    expect(full).toEqual([...full].sort((a, b) => a - b));
    r2.model.dispose();
    rmse.model.dispose();
    // Targets far from 0 and wide: trials train on standardised targets, the model predicts raw values.
    const far = Dataset.fromArrays(x, y.map((v) => 1000 + 50 * v), { numFeatures: 3, task: 'regression' });
    const shifted = await autoFit(far, { trials: 3, workers: 2, metric: 'rmse' });
    expect(shifted.leaderboard[0].score).toBeLessThan(0.7 * 50 * 0.7);
    expect(shifted.model.evaluate(far).r2).toBeGreaterThan(0.5);
    const back = await loadModel(shifted.model.save());
    expect(back.predict(far)).toEqual(shifted.model.predict(far));
    back.dispose();
    shifted.model.dispose();
  });

  it('stops on its signal: resolves with the best trial so far, or rejects with AbortError before any', async () => {
    const controller = new AbortController();
    let reports = 0;
    const result = await autoFit(train, {
      trials: 60, workers: 2, seed: 3, signal: controller.signal,
      onTrial: () => { if (++reports === 2) controller.abort(); },
    });
    expect(result.cancelled).toBe(true);
    expect(result.leaderboard.length).toBeGreaterThanOrEqual(2);
    expect(result.leaderboard.length).toBeLessThan(60);
    expect(result.model.predict(test).length).toBe(test.numRows * 2);
    result.model.dispose();

    const early = new AbortController();
    const p = autoFit(train, { trials: 5, workers: 2, signal: early.signal });
    early.abort();
    await expect(p).rejects.toBeInstanceOf(AbortError);
    const before = new AbortController();
    before.abort();
    await expect(autoFit(train, { trials: 5, signal: before.signal })).rejects.toBeInstanceOf(AbortError);
    // The module stays usable.
    const after = await autoFit(train, { trials: 1, workers: 1 });
    expect(after.leaderboard.length).toBe(1);
    after.model.dispose();
  });

  it('refuses bad input with MoEError naming the option, and never hangs', async () => {
    const bad = async (options: object, re: RegExp, ds: unknown = train) => {
      const e = await autoFit(ds as Dataset, options).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(MoEError);
      expect((e as Error).message).toMatch(re);
    };
    await bad({ timeBudget: '10' }, /timeBudget must be a positive number/);
    await bad({ timeBudget: -1 }, /timeBudget/);
    await bad({ trials: 0 }, /trials must be an integer in \[1, 100000\], got 0/);
    await bad({ trials: 2.5 }, /trials/);
    await bad({ metric: 'r2' }, /metric 'r2' does not apply to classification/);
    await bad({ metric: 'f1' }, /metric must be one of/);
    await bad({ folds: 1 }, /folds must be an integer in \[2, 20\]/);
    await bad({ workers: 0 }, /workers must be an integer/);
    await bad({ workers: 'many' }, /workers must be 'auto' or a number/);
    await bad({ seed: -1 }, /seed/);
    await bad({ onTrial: 'yes' }, /onTrial must be a function/);
    await bad({ signal: {} }, /signal must be an AbortSignal/);
    await bad({ timebudget: 5 }, /unknown autoFit option 'timebudget'/);
    await bad({ trials: 1 }, /train must be a Dataset/, { x: new Float32Array(4), y: new Int32Array(4) });
    const tiny = Dataset.fromArrays(new Float32Array(8), new Int32Array([0, 1, 0, 1, 0, 1, 0, 1]), { numFeatures: 1 });
    await bad({ trials: 1 }, /train has 8 rows, too few for 3-fold cross-validation: at least 10 rows/, tiny);
    const one = Dataset.fromArrays(new Float32Array(20), new Int32Array(20), { numFeatures: 1, classes: ['only', 'other'] });
    await bad({ trials: 1 }, /every row of train has the same class \('only'\)/, one);
    // Workers that cannot start, and a callback that throws: a clear error, no hang.
    await bad({ trials: 1, workers: 1, wasmUrl: 'file:///nonexistent/moe/' }, /could not read the wasm file/);
    await bad({ trials: 1, workers: 1, workerUrl: 'file:///nonexistent/autofit-worker.js' }, /autoFit worker/);
    const thrown = await autoFit(train, { trials: 2, workers: 1, onTrial: () => { throw new Error('stop here'); } }).catch((e: unknown) => e);
    expect((thrown as Error).message).toBe('stop here');
    // A budget too small for one trial: a clear error once the budget ends.
    const big = xor(3000, 1);
    await bad({ timeBudget: 0.001, workers: 1 }, /time budget of 0.001 s ended before the first trial finished/, big);
  });
});
