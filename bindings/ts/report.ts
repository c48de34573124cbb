// model.report(): the evaluation with context a newcomer needs (a baseline fitted on the training
// labels, balanced accuracy, per-class precision/recall, confusion matrix; regression baseline and
// residuals). The numbers come from the core (core/report.h via wasm); this file only shapes them.
import { MoEError, check, type RawStatus } from './errors.js';
import { current, guard } from './module-loader.js';
import { Dataset } from './dataset.js';
import { checkKeys, optionsObject } from './options.js';
import type { Task } from './options.js';

export interface ClassReport { class: string; precision: number; recall: number; f1: number; support: number }

export interface ClassificationReport {
  task: 'classification';
  rows: number;
  loss: number;
  accuracy: number;
  /** Mean recall over the classes present in the test labels. */
  balancedAccuracy: number;
  classes: string[];
  perClass: ClassReport[];
  /** confusion[true][predicted]: row counts. */
  confusion: number[][];
  /** Always answering the most frequent class of the training labels (ties: the first class). */
  baseline: { strategy: 'majority'; class: string; accuracy: number; balancedAccuracy: number; fittedOn: 'train' | 'test' };
}

export interface RegressionReport {
  task: 'regression';
  rows: number;
  loss: number;
  rmse: number;
  mae: number;
  r2: number;
  /** Always answering the mean of the training targets (one per output); its R² on test data is <= ~0. */
  baseline: { strategy: 'mean'; value: number[]; rmse: number; mae: number; r2: number; fittedOn: 'train' | 'test' };
  /** (rows * outputDim) the model's predictions, the true values and actual - predicted. */
  predicted: Float32Array;
  actual: Float32Array;
  residuals: Float32Array;
}

export type Report<T extends Task = Task> = T extends 'classification' ? ClassificationReport : RegressionReport;

export interface ReportOptions {
  /** The training data (or its labels): the baseline is fitted on them. Default: the test labels (fittedOn: 'test'). */
  train?: Dataset | Int32Array | Float32Array;
}

/** What report() needs of a model (MoE satisfies it). */
export interface Reportable {
  task: Task;
  outputDim: number;
  predict(x: Dataset): Float32Array;
  evaluate(data: Dataset): { loss: number };
}

interface RawReport {
  classificationReport(probs: Float32Array, y: Int32Array, rows: number, classes: number, trainY: Int32Array): RawStatus & {
    accuracy: number; balancedAccuracy: number; logLoss: number; confusion: number[]; precision: number[]; recall: number[]; f1: number[];
    support: number[]; baselineClass: number; baselineAccuracy: number; baselineBalancedAccuracy: number;
  };
  regressionReport(pred: Float32Array, y: Float32Array, rows: number, outputs: number, trainY: Float32Array): RawStatus & {
    rmse: number; mae: number; r2: number; baselineMean: number[]; baselineRmse: number; baselineMae: number; baselineR2: number;
    residuals: Float32Array;
  };
}

/** The core's scores of predictions: the numbers report() and autoFit's trials both read. */
export type PredictionScores =
  | { task: 'classification'; accuracy: number; balancedAccuracy: number; logLoss: number }
  | { task: 'regression'; rmse: number; r2: number };

/**
 * Scores predictions p against labels y through the core (core/report.h): p (rows, c) class
 * probabilities with y (rows,) class indices, or p and y (rows * c) values. Throws MoEError on a mismatch.
 */
export function scorePredictions(task: Task, p: Float32Array, y: Int32Array | Float32Array, c: number): PredictionScores {
  const module = current();
  const raw = guard(module, module.raw as unknown as RawReport);
  const rows = p.length / c;
  if (task === 'classification') {
    const r = check(raw.classificationReport(p, y as Int32Array, rows, c, new Int32Array(0)), 'score');
    return { task, accuracy: r.accuracy, balancedAccuracy: r.balancedAccuracy, logLoss: r.logLoss };
  }
  const r = check(raw.regressionReport(p, y as Float32Array, rows, c, new Float32Array(0)), 'score');
  return { task, rmse: r.rmse, r2: r.r2 };
}

function trainLabels(train: ReportOptions['train'], task: Task): Int32Array | Float32Array | null {
  if (train === undefined) return null;
  const labels = train instanceof Dataset ? train.labels : train;
  if (!labels || (task === 'classification' ? !(labels instanceof Int32Array) : !(labels instanceof Float32Array))) {
    throw new MoEError(`report: train must be the training Dataset (with labels) or its ${task === 'classification' ? 'Int32Array' : 'Float32Array'} of labels`);
  }
  if (labels.length === 0) throw new MoEError('report: train has no labels');
  return labels;
}

/** The detailed evaluation of `model` on `test` (a Dataset with labels); see ClassificationReport / RegressionReport. */
export function report(model: Reportable, test: Dataset, options: ReportOptions = {}): ClassificationReport | RegressionReport {
  optionsObject('report', options);
  checkKeys('report', options, ['train']);
  if (!(test instanceof Dataset)) throw new MoEError('report: the data must be a Dataset with labels');
  if (!test.labels) throw new MoEError('report: the dataset has no target column, so there is nothing to compare with');
  const reference = trainLabels(options.train, model.task);
  const { loss } = model.evaluate(test);            // checks dimensions, task and labels against the model
  const predicted = model.predict(test);
  const module = current();
  const raw = guard(module, module.raw as unknown as RawReport);
  const fittedOn = reference ? 'train' as const : 'test' as const;
  const rows = test.numRows;
  if (model.task === 'classification') {
    const c = model.outputDim;
    const r = check(raw.classificationReport(predicted, test.labels as Int32Array, rows, c, (reference ?? new Int32Array(0)) as Int32Array), 'report');
    const classes = Array.from({ length: c }, (_, k) => test.classes[k] ?? String(k));
    return {
      task: 'classification', rows, loss, accuracy: r.accuracy, balancedAccuracy: r.balancedAccuracy, classes,
      perClass: classes.map((name, k) => ({ class: name, precision: r.precision[k], recall: r.recall[k], f1: r.f1[k], support: r.support[k] })),
      confusion: classes.map((_, t) => r.confusion.slice(t * c, t * c + c)),
      baseline: { strategy: 'majority', class: classes[r.baselineClass], accuracy: r.baselineAccuracy,
        balancedAccuracy: r.baselineBalancedAccuracy, fittedOn },
    };
  }
  const r = check(raw.regressionReport(predicted, test.labels as Float32Array, rows, model.outputDim, (reference ?? new Float32Array(0)) as Float32Array), 'report');
  return {
    task: 'regression', rows, loss, rmse: r.rmse, mae: r.mae, r2: r.r2,
    baseline: { strategy: 'mean', value: r.baselineMean, rmse: r.baselineRmse, mae: r.baselineMae, r2: r.baselineR2, fittedOn },
    predicted, actual: test.labels as Float32Array, residuals: r.residuals,
  };
}
