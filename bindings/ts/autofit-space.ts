// autoFit's search space: seeded sampling of model settings (ridge-like linear models, small MLPs with
// weight decay, and mixtures: experts, expert and gate widths and depths, dense or top-k gating,
// activation, learning rate and weight decay on a log scale, batch size), the package defaults as the
// first setting, and the baselines' settings.
import type { TrialOptions } from './autofit-protocol.js';
import { mulberry32 } from './autofit-folds.js';
import type { Activation } from './options.js';

/** One point of the search: model options plus the fit's batch size. */
export interface Setting { options: TrialOptions; batchSize: number }

const pick = <T>(rng: () => number, list: readonly T[]): T => list[Math.floor(rng() * list.length)];
const logUniform = (rng: () => number, lo: number, hi: number): number => Math.exp(Math.log(lo) + rng() * (Math.log(hi) - Math.log(lo)));
// Two significant digits: settings read well in the leaderboard and survive float32 unchanged enough.
const round2 = (v: number): number => Number(v.toPrecision(2));

/** The package's defaults (the seed model) with Adam 1e-3 and batches of 32: trial 0 of every search. */
export function defaultSetting(seed: number): Setting {
  return {
    options: { experts: 5, expertHidden: [64, 32], gateHidden: [32], activation: 'relu', gating: 'softmax',
      optimizer: { type: 'adam', learningRate: 1e-3 }, seed },
    batchSize: 32,
  };
}

/** The n-th sampled setting of a search seeded with `seed` (the same n and seed give the same setting). */
export function sampleSetting(seed: number, n: number, trainRows: number): Setting {
  const rng = mulberry32(Math.imul(seed, 0x9e3779b1) ^ Math.imul(n + 1, 0x85ebca6b));
  const family = rng();
  const batchSize = Math.min(pick(rng, [16, 32, 32, 64, 128] as const), Math.max(1, trainRows));
  const trialSeed = (seed + 7919 * (n + 1)) % 2147483647;
  // What wins on small, noisy sets: a linear model with strong weight decay (ridge-like) ...
  if (family < 0.15) {
    const learningRate = round2(logUniform(rng, 3e-3, 3e-2));
    const weightDecay = round2(logUniform(rng, 1e-3, 0.3));
    return { options: { experts: 1, expertHidden: [], gateHidden: [], optimizer: { type: 'adamw', learningRate, weightDecay }, seed: trialSeed }, batchSize };
  }
  // ... and one small MLP with weight decay.
  if (family < 0.3) {
    const learningRate = round2(logUniform(rng, 1e-3, 3e-2));
    const weightDecay = round2(logUniform(rng, 1e-4, 0.1));
    return {
      options: { experts: 1, expertHidden: [pick(rng, [8, 16, 32, 64] as const)], gateHidden: [], activation: pick<Activation>(rng, ['relu', 'tanh']),
        optimizer: { type: 'adamw', learningRate, weightDecay }, seed: trialSeed },
      batchSize,
    };
  }
  const experts = pick(rng, [2, 3, 4, 6, 8] as const);
  // Widths up to a quarter of the training rows (at least 16): wider experts on a few hundred rows
  // cost seconds per fold and, within the folds' noise, never beat a smaller one.
  const widths = [16, 32, 64, 128, 256].filter((w) => w === 16 || w <= trainRows / 4);
  const width = pick(rng, widths);
  // Depth 0: linear experts (a gated mixture of linear models), strong on small, noisy data.
  const depth = pick(rng, [0, 1, 1, 2, 2, 3] as const);
  const expertHidden = Array.from({ length: depth }, (_, i) => Math.max(8, width >> i));
  const gateWidth = pick(rng, [0, 16, 32, 64] as const);
  const activation = pick<Activation>(rng, ['relu', 'relu', 'gelu', 'tanh']);
  const topk = experts >= 3 && rng() < 0.35;
  const k = topk ? pick(rng, [1, 2, 2] as const) : 0;
  const learningRate = round2(logUniform(rng, 3e-4, 3e-2));
  const weightDecay = rng() < 0.3 ? 0 : round2(logUniform(rng, 1e-5, 1e-1));
  return {
    options: {
      experts, expertHidden, gateHidden: gateWidth ? [gateWidth] : [], activation,
      gating: topk ? { type: 'topk', k, noise: true } : 'softmax',
      optimizer: weightDecay > 0 ? { type: 'adamw', learningRate, weightDecay } : { type: 'adam', learningRate },
      seed: trialSeed,
    },
    batchSize,
  };
}

/** The baselines that train: a linear model (one expert, no hidden layer) and a single MLP. */
export function baselineSettings(seed: number): { linear: Setting; mlp: Setting } {
  return {
    linear: { options: { experts: 1, expertHidden: [], gateHidden: [], optimizer: { type: 'adam', learningRate: 1e-2 }, seed }, batchSize: 32 },
    mlp: { options: { experts: 1, expertHidden: [64, 32], gateHidden: [], activation: 'relu', optimizer: { type: 'adam', learningRate: 1e-3 }, seed }, batchSize: 32 },
  };
}
