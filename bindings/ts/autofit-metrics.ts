// autoFit's scores, read from the core's report of predictions for trials and baselines alike:
// accuracy, balanced accuracy, cross-entropy, R², RMSE. Which direction is better, and ranking helpers.
import type { AutoFitMetric } from './autofit-protocol.js';
import type { Task } from './options.js';
import { scorePredictions } from './report.js';

/** The default metric of a task: accuracy for classification, R² for regression. */
export const defaultMetric = (task: Task): AutoFitMetric => (task === 'classification' ? 'accuracy' : 'r2');

/** Whether a higher value of the metric is better. */
export const higherIsBetter = (m: AutoFitMetric): boolean => m === 'accuracy' || m === 'balancedAccuracy' || m === 'r2';

export const METRICS: readonly AutoFitMetric[] = ['accuracy', 'balancedAccuracy', 'r2', 'rmse', 'loss'];
export const CLASSIFICATION_METRICS: readonly AutoFitMetric[] = ['accuracy', 'balancedAccuracy', 'loss'];
export const REGRESSION_METRICS: readonly AutoFitMetric[] = ['r2', 'rmse', 'loss'];

/**
 * The metric of predictions `p` (rows, c): class probabilities with labels y (rows,) class indices, or
 * values with y (rows * c) targets. The core computes it (core/report.h, as model.report does);
 * 'loss' is the mean cross-entropy (probabilities clamped at 1e-7) or the mean squared error.
 */
export function score(metric: AutoFitMetric, task: Task, p: Float32Array, y: Int32Array | Float32Array, c: number): number {
  const s = scorePredictions(task, p, y, c);
  if (s.task === 'classification') return metric === 'balancedAccuracy' ? s.balancedAccuracy : metric === 'loss' ? s.logLoss : s.accuracy;
  return metric === 'rmse' ? s.rmse : metric === 'loss' ? s.rmse * s.rmse : s.r2;
}

/** Negative when score a is better than b under the metric (NaN, a failed trial, sorts last). */
export function compareScores(metric: AutoFitMetric, a: number, b: number): number {
  const na = Number.isNaN(a), nb = Number.isNaN(b);
  if (na || nb) return na === nb ? 0 : na ? 1 : -1;
  return higherIsBetter(metric) ? b - a : a - b;
}

export function mean(v: number[]): number {
  return v.length ? v.reduce((s, x) => s + x, 0) / v.length : NaN;
}

/** Sample standard deviation (0 for a single value). */
export function spread(v: number[]): number {
  if (v.length < 2) return 0;
  const m = mean(v);
  return Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1));
}

/**
 * The mean moved one standard error (spread / √folds) towards worse: a trial that scored high on one
 * lucky fold ranks below a steadier one. With one fold it is the score itself.
 */
export function pessimistic(metric: AutoFitMetric, v: number[]): number {
  const se = v.length > 1 ? spread(v) / Math.sqrt(v.length) : 0;
  return higherIsBetter(metric) ? mean(v) - se : mean(v) + se;
}
