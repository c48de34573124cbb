// autoFit's scores, computed the same way from predictions for trials and baselines alike:
// accuracy, balanced accuracy, cross-entropy, R², RMSE. Which direction is better, and ranking helpers.
import type { AutoFitMetric } from './autofit-protocol.js';
import type { Task } from './options.js';

/** The default metric of a task: accuracy for classification, R² for regression. */
export const defaultMetric = (task: Task): AutoFitMetric => (task === 'classification' ? 'accuracy' : 'r2');

/** Whether a higher value of the metric is better. */
export const higherIsBetter = (m: AutoFitMetric): boolean => m === 'accuracy' || m === 'balancedAccuracy' || m === 'r2';

export const METRICS: readonly AutoFitMetric[] = ['accuracy', 'balancedAccuracy', 'r2', 'rmse', 'loss'];
export const CLASSIFICATION_METRICS: readonly AutoFitMetric[] = ['accuracy', 'balancedAccuracy', 'loss'];
export const REGRESSION_METRICS: readonly AutoFitMetric[] = ['r2', 'rmse', 'loss'];

/**
 * The metric of predictions `p` (rows, c): class probabilities with labels y (rows,) class indices, or
 * values with y (rows * c) targets. reference: scikit-learn's balanced_accuracy_score (mean recall over
 * the classes present) and r2_score (1 - SSE / SST, pooled over outputs; 0 when the targets are constant).
 */
export function score(metric: AutoFitMetric, task: Task, p: Float32Array, y: Int32Array | Float32Array, c: number): number {
  const rows = p.length / c;
  if (task === 'classification') {
    let hits = 0, logLoss = 0;
    const seen = new Map<number, { n: number; hit: number }>();
    for (let r = 0; r < rows; r++) {
      let best = 0;
      for (let k = 1; k < c; k++) if (p[r * c + k] > p[r * c + best]) best = k;
      const label = y[r];
      const hit = best === label ? 1 : 0;
      hits += hit;
      logLoss -= Math.log(Math.max(p[r * c + label], 1e-7));
      const s = seen.get(label) ?? { n: 0, hit: 0 };
      s.n++; s.hit += hit;
      seen.set(label, s);
    }
    if (metric === 'balancedAccuracy') {
      let sum = 0;
      for (const s of seen.values()) sum += s.hit / s.n;
      return sum / seen.size;
    }
    return metric === 'loss' ? logLoss / rows : hits / rows;
  }
  const mean = new Float64Array(c);
  for (let i = 0; i < y.length; i++) mean[i % c] += y[i] / rows;
  let sse = 0, sst = 0;
  for (let i = 0; i < y.length; i++) {
    sse += (p[i] - y[i]) ** 2;
    sst += (y[i] - mean[i % c]) ** 2;
  }
  if (metric === 'rmse') return Math.sqrt(sse / y.length);
  if (metric === 'loss') return sse / y.length;
  return sst > 0 ? 1 - sse / sst : 0;
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
