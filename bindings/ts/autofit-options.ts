// autoFit's public types (options, trial reports, result) and the checks of its own options, with
// messages in the JS option names. Model options are never taken from the caller here: the search
// builds them, and new MoE() in each worker runs the core's config validation on every one.
import { MoEError } from './errors.js';
import { CLASSIFICATION_METRICS, METRICS, REGRESSION_METRICS, defaultMetric } from './autofit-metrics.js';
import type { AutoFitMetric, TrialOptions } from './autofit-protocol.js';
import type { MoE } from './model.js';
import { checkKeys, int, oneOf, optionsObject, show, type Task } from './options.js';

export type { AutoFitMetric, TrialOptions } from './autofit-protocol.js';

export interface AutoFitOptions {
  /** Seconds for the whole search and the final fit (default 60 when `trials` is not given). */
  timeBudget?: number;
  /** Number of settings to try: a budget that gives the same leaderboard and model on every run. */
  trials?: number;
  /** What to optimise; default 'accuracy' (classification) or 'r2' (regression). */
  metric?: AutoFitMetric;
  /** Cross-validation folds (2..20); default 3, or one 20 % holdout above 20 000 rows. */
  folds?: number;
  /** Parallel workers, each with its own wasm instance: 'auto' (every core, the default) or a count. */
  workers?: 'auto' | number;
  /** Seed of the folds, the sampled settings and every fit (default 1). */
  seed?: number;
  /** Cancels the search; autoFit then resolves with the best model so far (see `cancelled`). */
  signal?: AbortSignal;
  /** Called after every evaluation of a trial (a trial promoted to the full evaluation reports twice). */
  onTrial?: (trial: TrialReport) => void;
  /** Where the workers find the .wasm files (as init({ wasmUrl })); default: next to the package. */
  wasmUrl?: string | URL;
  /** The worker script (default: the package's autofit-worker.js); for bundlers that do not bundle workers. */
  workerUrl?: string | URL;
}

/** One setting tried by the search, as scored on the validation folds. */
export interface TrialReport {
  /** Sampling order: 0 is the package's default setting. */
  trial: number;
  options: TrialOptions;
  batchSize: number;
  /** Weights one row passes through (every expert and the gate, biases not counted): the model's size. */
  weights: number;
  /** Mean of foldScores (the metric on each validation fold). */
  score: number;
  /** Standard deviation of foldScores (0 with one fold). */
  spread: number;
  /** score moved one standard error (spread / √folds) towards worse: what the leaderboard ranks by. */
  pessimistic: number;
  foldScores: number[];
  /** The epochs early stopping chose (mean over folds, rounded): what the final fit runs. */
  epochs: number;
  /** Worker seconds spent on this trial over all its evaluations. */
  seconds: number;
  /** 0: screened on one fold with a short epoch cap (successive halving stopped it); 1: fully cross-validated. */
  rung: number;
  /** The error that stopped it, if any (its score is then NaN). */
  error?: string;
}

/** A reference model scored exactly like the trials. */
export interface AutoFitBaseline {
  name: 'majority' | 'mean' | 'linear' | 'mlp';
  /** NaN when the search ended before it finished. */
  score: number;
  spread: number;
  foldScores: number[];
  epochs?: number;
  /** Worker seconds its fits took (0 for the constant predictor). */
  seconds: number;
  options?: TrialOptions;
}

export interface AutoFitResult<T extends Task = Task> {
  /** The winner retrained on all of train for its epochs; when cancelled, the winner's model from its first fold. */
  model: MoE<T>;
  /**
   * Every trial: first the winner (the smallest fully cross-validated trial whose mean is within one
   * standard error of the best, i.e. at least the best pessimistic score), then fully cross-validated
   * trials before screened ones, each by pessimistic score. When cancelled: by pessimistic score only.
   */
  leaderboard: TrialReport[];
  /** majority class (or mean), linear (one expert, no hidden layer), mlp (one expert, [64, 32]). */
  baselines: AutoFitBaseline[];
  metric: AutoFitMetric;
  /** Validation folds used: k for k-fold, 1 for a holdout. */
  folds: number;
  /** True when the signal stopped the search: the model then is not retrained on all rows. */
  cancelled: boolean;
}

const KEYS = ['timeBudget', 'trials', 'metric', 'folds', 'workers', 'seed', 'signal', 'onTrial', 'wasmUrl', 'workerUrl'] as const;

export interface CheckedOptions {
  timeBudget: number | null; trials: number | null; metric: AutoFitMetric; folds: number | null;
  workers: 'auto' | number; seed: number; signal?: AbortSignal; onTrial?: (t: TrialReport) => void;
  wasmUrl?: string; workerUrl?: string | URL;
}

/** Checks autoFit's options (types, ranges, the metric against the task); throws MoEError naming the option. */
export function checkAutoFitOptions(o: AutoFitOptions, task: Task): CheckedOptions {
  optionsObject('autoFit', o);
  checkKeys('autoFit', o, KEYS);
  let timeBudget: number | null = null;
  if (o.timeBudget !== undefined) {
    if (typeof o.timeBudget !== 'number' || !Number.isFinite(o.timeBudget) || o.timeBudget <= 0) {
      throw new MoEError(`timeBudget must be a positive number of seconds, got ${show(o.timeBudget)}`);
    }
    timeBudget = o.timeBudget;
  }
  const trials = o.trials === undefined ? null : int('trials', o.trials, 1, 100000);
  if (timeBudget === null && trials === null) timeBudget = 60;
  const metric = o.metric === undefined ? defaultMetric(task) : oneOf('metric', o.metric, METRICS);
  const allowed = task === 'classification' ? CLASSIFICATION_METRICS : REGRESSION_METRICS;
  if (!allowed.includes(metric)) {
    throw new MoEError(`metric '${metric}' does not apply to ${task}: use ${allowed.map((m) => `'${m}'`).join(', ')}`);
  }
  const folds = o.folds === undefined ? null : int('folds', o.folds, 2, 20);
  let workers: 'auto' | number = 'auto';
  if (o.workers !== undefined && o.workers !== 'auto') {
    if (typeof o.workers !== 'number') throw new MoEError(`workers must be 'auto' or a number of workers, got ${show(o.workers)}`);
    workers = int('workers', o.workers, 1, 256);
  }
  const seed = o.seed === undefined ? 1 : int('seed', o.seed, 0, 2147483647);
  const { signal } = o as { signal?: { aborted?: unknown; addEventListener?: unknown } };
  if (signal !== undefined && (signal === null || typeof signal !== 'object' || typeof signal.aborted !== 'boolean' ||
      typeof signal.addEventListener !== 'function')) {
    throw new MoEError('signal must be an AbortSignal');
  }
  if (o.onTrial !== undefined && typeof o.onTrial !== 'function') throw new MoEError('onTrial must be a function');
  for (const key of ['wasmUrl', 'workerUrl'] as const) {
    const v = o[key];
    if (v !== undefined && typeof v !== 'string' && !(v instanceof URL)) throw new MoEError(`${key} must be a string or a URL, got ${show(v)}`);
  }
  const base = typeof location === 'object' && location ? location.href : undefined;
  return {
    timeBudget, trials, metric, folds, workers, seed, signal: o.signal, onTrial: o.onTrial,
    // Resolved here: a worker's base URL differs from the page's.
    ...(o.wasmUrl !== undefined ? { wasmUrl: base ? new URL(String(o.wasmUrl), base).href : String(o.wasmUrl) } : {}),
    ...(o.workerUrl !== undefined ? { workerUrl: o.workerUrl } : {}),
  };
}
