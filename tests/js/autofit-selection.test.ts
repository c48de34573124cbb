// autoFit's selection and scoring parts through the built package's modules: the pessimistic ranking
// prefers the steadier of two settings with close means, trial scores are the core report's numbers,
// and the search space holds ridge-like linear models and small MLPs with weight decay.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, Dataset, MoE, type TrialReport } from '../../dist/index.js';
import { leaderboard, rankReports } from '../../dist/autofit-search.js';
import { pessimistic, score } from '../../dist/autofit-metrics.js';
import { sampleSetting } from '../../dist/autofit-space.js';

beforeAll(async () => { await init(); });

const report = (trial: number, foldScores: number[], metric: 'accuracy' | 'rmse', weights = 100, rung = 1): TrialReport => {
  const mean = foldScores.reduce((a, b) => a + b) / foldScores.length;
  const sd = Math.sqrt(foldScores.reduce((a, b) => a + (b - mean) ** 2, 0) / (foldScores.length - 1));
  return { trial, options: {}, batchSize: 32, weights, score: mean, spread: sd, pessimistic: pessimistic(metric, foldScores), foldScores,
    epochs: 1, seconds: 1, rung };
};

describe('autoFit selection', () => {
  it('ranks by the mean minus one standard error: the steadier setting wins over a lucky one', () => {
    // lucky: mean 0.9167 but one bad fold (sd 0.144, se 0.083); steady: 0.9 on every fold.
    const lucky = report(1, [1, 1, 0.75], 'accuracy');
    const steady = report(2, [0.9, 0.9, 0.9], 'accuracy');
    expect(lucky.score).toBeGreaterThan(steady.score);
    expect(lucky.pessimistic).toBeCloseTo(0.9167 - 0.1443 / Math.sqrt(3), 3);
    expect(steady.pessimistic).toBeCloseTo(0.9, 12);
    expect([lucky, steady].sort(rankReports('accuracy')).map((t) => t.trial)).toEqual([2, 1]);
    // Lower is better for rmse: the standard error is added.
    const wobbly = report(3, [0.2, 0.2, 0.5], 'rmse');
    const even = report(4, [0.31, 0.31, 0.31], 'rmse');
    expect(wobbly.score).toBeLessThan(even.score);
    expect([wobbly, even].sort(rankReports('rmse')).map((t) => t.trial)).toEqual([4, 3]);
    // Far apart, the better mean still wins; one fold has no spread to penalise.
    expect([steady, report(5, [0.99, 0.97, 0.98], 'accuracy')].sort(rankReports('accuracy'))[0].trial).toBe(5);
    expect(pessimistic('accuracy', [0.7])).toBe(0.7);
  });

  it('puts first the smallest trial within one standard error of the best, then the rest by pessimistic score', () => {
    const big = report(0, [0.62, 0.5, 0.58], 'accuracy', 20000);      // mean 0.567, pessimistic 0.531
    const mid = report(1, [0.6, 0.5, 0.56], 'accuracy', 3000);        // mean 0.553, pessimistic 0.524
    const linear = report(2, [0.58, 0.49, 0.55], 'accuracy', 10);     // mean 0.540 >= 0.531: within one se
    const tiny = report(3, [0.5, 0.45, 0.5], 'accuracy', 5);          // mean 0.483: too far below
    const screened = report(4, [0.9], 'accuracy', 1, 0);              // one fold only: never the winner
    const board = leaderboard([tiny, screened, linear, mid, big], 'accuracy');
    expect(board.map((t) => t.trial)).toEqual([2, 0, 1, 3, 4]);
    // No trial within reach but the best itself: the best.
    expect(leaderboard([report(5, [0.9, 0.91, 0.9], 'accuracy', 900), tiny], 'accuracy')[0].trial).toBe(5);
    // Lower is better: the mean must be at most the best pessimistic (mean plus one se).
    // 7 has the best pessimistic score (0.376); 6's mean 0.35 is below it and 6 is smaller.
    const r = leaderboard([report(6, [0.3, 0.4, 0.35], 'rmse', 10), report(7, [0.36, 0.37, 0.38], 'rmse', 500)], 'rmse');
    expect(r.map((t) => t.trial)).toEqual([6, 7]);
    expect(leaderboard([report(6, [0.3, 0.4, 0.35], 'rmse', 10), report(7, [0.36, 0.37, 0.38], 'rmse', 500)].reverse(), 'rmse')[0].trial).toBe(6);
    expect([report(6, [0.3, 0.4, 0.35], 'rmse'), report(7, [0.36, 0.37, 0.38], 'rmse')].sort(rankReports('rmse'))[0].trial).toBe(7);
  });

  it('scores predictions with the core report: the same numbers as model.report', async () => {
    const rows = 60;
    const x = Float32Array.from({ length: rows * 2 }, (_, i) => Math.sin(i * 1.7));
    const y = Int32Array.from({ length: rows }, (_, i) => (x[i * 2] + 0.3 * x[i * 2 + 1] > 0 ? (i % 4 === 0 ? 2 : 1) : 0));
    const ds = Dataset.fromArrays(x, y, { numFeatures: 2, task: 'classification', classes: ['a', 'b', 'c'] });
    const model = MoE.forDataset(ds, { experts: 2, expertHidden: [8], seed: 3 });
    await model.fit(ds, { epochs: 3 });
    const p = model.predict(ds);
    const r = model.report(ds);
    if (r.task !== 'classification') throw new Error('expected a classification report');
    expect(score('accuracy', 'classification', p, y, 3)).toBe(r.accuracy);
    expect(score('balancedAccuracy', 'classification', p, y, 3)).toBe(r.balancedAccuracy);
    // Cross-entropy by hand (probabilities clamped at 1e-7).
    let nll = 0;
    for (let i = 0; i < rows; i++) nll -= Math.log(Math.max(p[i * 3 + y[i]], 1e-7));
    expect(score('loss', 'classification', p, y, 3)).toBeCloseTo(nll / rows, 5);
    model.dispose();

    const t = Float32Array.from({ length: rows }, (_, i) => 3 * x[i * 2] - x[i * 2 + 1] + 10);
    const reg = Dataset.fromArrays(x, t, { numFeatures: 2, task: 'regression' });
    const m2 = MoE.forDataset(reg, { experts: 1, expertHidden: [], seed: 3 });
    await m2.fit(reg, { epochs: 2 });
    const q = m2.predict(reg);
    const rr = m2.report(reg);
    if (rr.task !== 'regression') throw new Error('expected a regression report');
    expect(score('r2', 'regression', q, t, 1)).toBe(rr.r2);
    expect(score('rmse', 'regression', q, t, 1)).toBe(rr.rmse);
    let sse = 0;
    for (let i = 0; i < rows; i++) sse += (q[i] - t[i]) ** 2;
    expect(score('loss', 'regression', q, t, 1)).toBeCloseTo(sse / rows, 3);
    m2.dispose();
  });

  it('samples ridge-like linear models and small MLPs with weight decay, and every setting is valid', () => {
    const settings = Array.from({ length: 200 }, (_, n) => sampleSetting(1, n + 1, 300));
    const decay = (s: (typeof settings)[number]) => (s.options.optimizer as { weightDecay?: number }).weightDecay ?? 0;
    const ridge = settings.filter((s) => s.options.experts === 1 && s.options.expertHidden!.length === 0);
    const small = settings.filter((s) => s.options.experts === 1 && s.options.expertHidden!.length === 1);
    expect(ridge.length).toBeGreaterThan(15);
    expect(small.length).toBeGreaterThan(15);
    for (const s of ridge) expect(decay(s)).toBeGreaterThanOrEqual(1e-3);
    for (const s of small) expect(decay(s)).toBeGreaterThan(0);
    expect(Math.max(...ridge.map(decay))).toBeGreaterThan(0.05);
    for (const s of settings) new MoE({ ...s.options, inputDim: 4, outputDim: 3, task: 'classification' }).dispose();
    expect(sampleSetting(1, 7, 300)).toEqual(sampleSetting(1, 7, 300));
  });
});
