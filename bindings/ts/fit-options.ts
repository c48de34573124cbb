// The fit options of MoE.fit and Trainer.fit: their JS types and keys are checked here and they are
// translated into the object bindings.cpp reads. Ranges and combinations are C++'s (base/config,
// core/trainer), so the main thread and the worker run the same checks. Not the training loop.
import { MoEError } from './errors.js';
import { boolean, checkKeys, int, integer, number, optionsObject, show } from './options.js';

/** The early-stopping options of fit (Keras names). */
export interface EarlyStoppingOptions { monitor?: string; patience?: number; minDelta?: number; restoreBestWeights?: boolean }

export const FIT_KEYS = ['epochs', 'batchSize', 'shuffle', 'validationData', 'validationSplit', 'earlyStopping',
  'onTrainBegin', 'onTrainEnd', 'onEpochEnd', 'onBatchEnd', 'callbacks', 'signal', 'seed'] as const;
const EARLY_STOPPING_KEYS = ['monitor', 'patience', 'minDelta', 'restoreBestWeights'] as const;
const CALLBACKS = ['onTrainBegin', 'onTrainEnd', 'onEpochEnd', 'onBatchEnd'] as const;

/** What bindings.cpp reads for beginFit. */
export interface RawFitOptions {
  epochs: number; batch_size: number; shuffle: boolean; seed: number; validation_split: number;
  early_stopping: { enabled: boolean; monitor: string; patience: number; min_delta: number; restore_best: boolean };
}

/** Checks the JS types and keys of fit options (data and callbacks aside); throws MoEError. */
export function toRawFitOptions(options: Record<string, unknown>, extraKeys: readonly string[] = []): RawFitOptions {
  optionsObject('fit', options);
  checkKeys('fit', options, [...FIT_KEYS, ...extraKeys]);
  for (const cb of CALLBACKS) {
    if (options[cb] !== undefined && typeof options[cb] !== 'function') throw new MoEError(`${cb} must be a function`);
  }
  const { signal } = options as { signal?: { aborted?: unknown; addEventListener?: unknown } };
  if (signal !== undefined && (signal === null || typeof signal !== 'object' || typeof signal.aborted !== 'boolean' ||
      typeof signal.addEventListener !== 'function')) {
    throw new MoEError('signal must be an AbortSignal');
  }
  const raw: RawFitOptions = {
    epochs: options.epochs === undefined ? 1 : integer('epochs', options.epochs),
    batch_size: options.batchSize === undefined ? 32 : integer('batchSize', options.batchSize),
    shuffle: options.shuffle === undefined ? true : boolean('shuffle', options.shuffle),
    seed: options.seed === undefined ? -1 : int('seed', options.seed, 0),
    validation_split: options.validationData !== undefined || options.validationSplit === undefined
      ? 0 : number('validationSplit', options.validationSplit),
    early_stopping: { enabled: false, monitor: '', patience: 0, min_delta: 0, restore_best: true },
  };
  const es = options.earlyStopping;
  if (es === true || (es && typeof es === 'object' && !Array.isArray(es))) {
    const o = (es === true ? {} : es) as EarlyStoppingOptions;
    checkKeys('earlyStopping', o, EARLY_STOPPING_KEYS);
    if (o.monitor !== undefined && typeof o.monitor !== 'string') throw new MoEError(`earlyStopping.monitor must be a string, got ${show(o.monitor)}`);
    raw.early_stopping = {
      enabled: true, monitor: o.monitor ?? '',
      patience: o.patience === undefined ? 0 : integer('earlyStopping.patience', o.patience),
      min_delta: o.minDelta === undefined ? 0 : number('earlyStopping.minDelta', o.minDelta),
      restore_best: o.restoreBestWeights === undefined ? true : boolean('earlyStopping.restoreBestWeights', o.restoreBestWeights),
    };
  } else if (es !== undefined && es !== false) {
    throw new MoEError(`earlyStopping must be a boolean or { monitor, patience, minDelta, restoreBestWeights }, got ${show(es)}`);
  }
  return raw;
}
