// The messages between autoFit (autofit-pool.ts) and its workers (autofit-worker.ts): the data once,
// then one job per trial evaluation. Plain, structured-clonable objects; not the Trainer protocol.
import type { MoEOptions, Task } from './options.js';

/** Which metric a trial is scored by; 'loss' is the mean cross-entropy or mean squared error. */
export type AutoFitMetric = 'accuracy' | 'balancedAccuracy' | 'r2' | 'rmse' | 'loss';

/** The model options a trial searches over (the dimensions and task come from the data). */
export type TrialOptions = Omit<MoEOptions, 'inputDim' | 'outputDim' | 'task'>;

/** The data every worker holds, sent once (in a SharedArrayBuffer where the engine has one). */
export interface WorkerData {
  x: Float32Array;        // (rows, numFeatures) encoded features
  y: Int32Array | Float32Array; // (rows,) class indices or (rows * outputDim) values
  fold: Int32Array;       // (rows,) the cross-validation fold of each row
  numFeatures: number;
  outputDim: number;
  task: Task;
}

/** One evaluation of one setting: a fit per validation fold (early stopping on it), or one final fit. */
export interface TrialJob {
  options: TrialOptions;
  batchSize: number;
  metric: AutoFitMetric;
  /** Cross-validation: the folds to validate on, each with a fit on the other rows. */
  folds: number[];
  maxEpochs: number;
  patience: number;
  /** A final fit on every row for exactly this many epochs (folds then empty); returns the model bytes. */
  finalEpochs?: number;
  /** Return the saved model of the first fold (the best-so-far model if the search is cancelled). */
  wantModel: boolean;
  /** Estimated work (multiply-adds); a free worker takes the costliest waiting job first. */
  cost?: number;
}

export interface TrialResult {
  foldScores: number[];   // (folds,) the metric on each validation fold
  foldEpochs: number[];   // (folds,) the epoch count early stopping chose on each fold
  seconds: number;
  model?: Uint8Array;
}

export type ToWorker =
  | { type: 'init'; simd: boolean; wasmUrl?: string; data: WorkerData }
  | { type: 'job'; id: number; job: TrialJob };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'result'; id: number; result: TrialResult }
  | { type: 'error'; id: number; name: string; message: string; code?: string };
