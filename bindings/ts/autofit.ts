// autoFit(train, options): searches model settings by cross-validation inside `train` on parallel
// workers, within a time or trial budget, and returns the winner retrained on all of train, the
// leaderboard and the baselines. The search itself is autofit-search.ts; the workers autofit-pool.ts.
import { AbortError, MoEError } from './errors.js';
import { Dataset } from './dataset.js';
import { current } from './module-loader.js';
import { loadModel, type MoE } from './model.js';
import type { Task } from './options.js';
import { assignFolds } from './autofit-folds.js';
import { checkAutoFitOptions, type AutoFitOptions, type AutoFitResult, type CheckedOptions, type TrialReport } from './autofit-options.js';
import { availableCores, TrialPool, type PoolInit } from './autofit-pool.js';
import { leaderboard as rankLeaderboard, rankReports, Search } from './autofit-search.js';
import type { WorkerData } from './autofit-protocol.js';

export type { AutoFitOptions, AutoFitResult, AutoFitBaseline, AutoFitMetric, TrialReport, TrialOptions } from './autofit-options.js';

/** Above this many rows the default validation is one 20 % holdout instead of 3-fold cross-validation. */
const HOLDOUT_ROWS = 20000;
const HOLDOUT_FOLDS = 5;

// The folds of the search: k-fold, or a holdout (fold 0 of 5) for large data when folds was not given.
function plan(train: Dataset, o: CheckedOptions): { k: number; evalFolds: number[] } {
  if (o.folds === null && train.numRows > HOLDOUT_ROWS) return { k: HOLDOUT_FOLDS, evalFolds: [0] };
  const k = o.folds ?? 3;
  const need = Math.max(10, 2 * k);
  if (train.numRows < need) {
    throw new MoEError(`autoFit: train has ${train.numRows} rows, too few for ${k}-fold cross-validation: ` +
      `at least ${need} rows are needed${k > 2 ? ' (or fewer folds)' : ''}`);
  }
  return { k, evalFolds: Array.from({ length: k }, (_, i) => i) };
}

function checkTrain(train: unknown): asserts train is Dataset & { labels: Int32Array | Float32Array } {
  if (!(train instanceof Dataset)) throw new MoEError('autoFit: train must be a Dataset (Dataset.fromCSV or Dataset.fromArrays)');
  if (!train.labels) throw new MoEError('autoFit: train has no target column, so there is nothing to fit');
  if (train.task === 'classification') {
    const seen = new Set(train.labels);
    if (seen.size < 2) {
      const only = train.classes[train.labels[0]] ?? String(train.labels[0]);
      throw new MoEError(`autoFit: every row of train has the same class ('${only}'): a classifier needs at least two classes`);
    }
  }
}

/**
 * Searches for the best MoE settings for `train` (experts, widths and depths, gating, activation,
 * learning rate, weight decay, batch size; epochs by early stopping) with successive halving over
 * cross-validation folds inside `train`, on parallel workers. With `trials` (and no timeBudget) the
 * leaderboard and model are the same on every run and any number of workers. When `signal` aborts,
 * every worker stops at once and autoFit resolves with the best trial so far (`cancelled: true`; its
 * model is the one trained on that trial's first fold) or rejects with AbortError if none finished.
 */
export async function autoFit<T extends Task = Task>(train: Dataset, options: AutoFitOptions = {}): Promise<AutoFitResult<T>> {
  const module = current();
  checkTrain(train);
  const o = checkAutoFitOptions(options, train.task);
  const { k, evalFolds } = plan(train, o);
  if (o.signal?.aborted) throw new AbortError('autoFit was aborted before it started');
  const fold = assignFolds(train.labels, train.numRows, k, train.task, o.seed);
  const data: WorkerData = { x: train.features, y: train.labels, fold, numFeatures: train.numFeatures, outputDim: train.outputDim, task: train.task };
  const init: PoolInit = { simd: module.build === 'simd', ...(o.wasmUrl ? { wasmUrl: o.wasmUrl } : {}), ...(o.workerUrl ? { workerUrl: o.workerUrl } : {}) };
  const wanted = o.workers === 'auto' ? availableCores() : o.workers;
  // A trial budget never keeps more workers busy than its trials plus the two trained baselines.
  const size = o.trials !== null && o.timeBudget === null ? Math.min(wanted, o.trials + 2) : wanted;
  const trainRows = Math.round(train.numRows * (1 - 1 / k));
  let pool = new TrialPool(size, data, init);
  const search = new Search(pool, {
    metric: o.metric, task: train.task, labels: train.labels, fold, evalFolds, outputDim: train.outputDim, numFeatures: train.numFeatures, trainRows,
    trials: o.trials, timed: o.timeBudget !== null, seed: o.seed, workers: size, onTrial: o.onTrial,
  });
  let aborted = false;
  const halt = (reason: Error) => { search.stop(); pool.terminate(reason); };
  const onAbort = () => { aborted = true; halt(new AbortError('autoFit was aborted')); };
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const started = Date.now();
  let timer: ReturnType<typeof setInterval> | undefined;
  if (o.timeBudget !== null) {
    const budget = o.timeBudget;
    timer = setInterval(() => {
      // Time left for the final fit: about one fold's fit of the best trial so far.
      const best = [...search.reports.values()].sort(rankReports(o.metric))[0];
      const reserve = best && !Number.isNaN(best.score) ? Math.min(budget / 2, 1.3 * best.seconds / (best.rung === 1 ? evalFolds.length + 1 : 1)) : 0;
      if ((Date.now() - started) / 1000 + reserve >= budget) halt(new MoEError('the time budget ended', 'Internal'));
    }, 50);
  }
  try {
    await search.run();
    clearInterval(timer);
    const leaderboard = rankLeaderboard(search.reports.values(), o.metric);
    // Cancelled: the model at hand is the best-ranked trial's (search.best), so the board is ranked plainly.
    const result = (model: MoE<T>, cancelled: boolean): AutoFitResult<T> =>
      ({ model, leaderboard: cancelled ? [...search.reports.values()].sort(rankReports(o.metric)) : leaderboard,
        baselines: search.baselines, metric: o.metric, folds: evalFolds.length, cancelled });
    const winner: TrialReport | undefined = leaderboard[0];
    if (!aborted && (!winner || Number.isNaN(winner.score))) {
      throw new MoEError(winner
        ? `autoFit: every trial failed (${winner.error}); the data may be unusable as it is`
        : `autoFit: the time budget of ${o.timeBudget} s ended before the first trial finished; give a larger timeBudget (or a number of trials)`);
    }
    if (!aborted) {
      if (pool.dead) pool = new TrialPool(1, data, init);
      try {
        const r = await pool.run({ options: winner.options, batchSize: winner.batchSize, metric: o.metric, folds: [], maxEpochs: winner.epochs,
          patience: 0, finalEpochs: winner.epochs, wantModel: true });
        return result(await adopt<T>(r.model!, train), false);
      } catch (e) {
        if (!aborted) throw e;
      }
    }
    if (!search.best) throw new AbortError('autoFit was aborted before any trial finished');
    return result(await adopt<T>(search.best.bytes, train), true);
  } finally {
    clearInterval(timer);
    o.signal?.removeEventListener('abort', onAbort);
    pool.terminate();
  }
}

// A model saved by a worker, loaded into this thread's module with the dataset's schema.
async function adopt<T extends Task>(bytes: Uint8Array, train: Dataset): Promise<MoE<T>> {
  const model = await loadModel(bytes) as MoE<T>;
  model._setSchema(train.schema);
  return model;
}
