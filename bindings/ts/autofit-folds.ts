// Cross-validation folds for autoFit (stratified by class, seeded) and the constant baseline
// scored on them: the majority class / class frequencies, or the mean of the training rows.
import type { AutoFitMetric } from './autofit-protocol.js';
import { score } from './autofit-metrics.js';
import type { Task } from './options.js';
import { mulberry32, shuffle } from './dataset.js';

export { mulberry32 };

/**
 * The fold (0..k-1) of every row: (rows,). Classification deals each class's shuffled rows round-robin
 * over the folds, continuing where the previous class stopped, so folds differ in size by at most one
 * row and hold every class in proportion. Regression deals the shuffled rows.
 */
export function assignFolds(labels: Int32Array | Float32Array, rows: number, k: number, task: Task, seed: number): Int32Array {
  const rng = mulberry32(seed ^ 0x5bd1e995);
  const fold = new Int32Array(rows);
  let next = 0;
  const deal = (ids: number[]) => { shuffle(ids, rng); for (const r of ids) { fold[r] = next; next = (next + 1) % k; } };
  if (task === 'classification') {
    const byClass = new Map<number, number[]>();
    for (let r = 0; r < rows; r++) {
      const c = labels[r];
      if (!byClass.has(c)) byClass.set(c, []);
      byClass.get(c)!.push(r);
    }
    for (const [, ids] of [...byClass.entries()].sort((a, b) => a[0] - b[0])) deal(ids);
  } else {
    deal(Array.from({ length: rows }, (_, r) => r));
  }
  return fold;
}

/**
 * The constant predictor's score on each validation fold: class frequencies of the training rows
 * (so its accuracy is the majority class's), or their mean per output.
 */
export function constantBaseline(metric: AutoFitMetric, task: Task, labels: Int32Array | Float32Array, fold: Int32Array,
  folds: number[], outputDim: number): number[] {
  const rows = fold.length;
  return folds.map((f) => {
    const prior = new Float64Array(outputDim);
    let trainRows = 0;
    for (let r = 0; r < rows; r++) {
      if (fold[r] === f) continue;
      trainRows++;
      if (task === 'classification') prior[labels[r]]++;
      else for (let j = 0; j < outputDim; j++) prior[j] += labels[r * outputDim + j];
    }
    for (let j = 0; j < outputDim; j++) prior[j] /= Math.max(trainRows, 1);
    const valRows: number[] = [];
    for (let r = 0; r < rows; r++) if (fold[r] === f) valRows.push(r);
    const p = new Float32Array(valRows.length * outputDim);
    const y = task === 'classification' ? new Int32Array(valRows.length) : new Float32Array(valRows.length * outputDim);
    valRows.forEach((r, i) => {
      p.set(prior, i * outputDim);
      if (task === 'classification') y[i] = labels[r];
      else y.set(labels.subarray(r * outputDim, r * outputDim + outputDim), i * outputDim);
    });
    return score(metric, task, p, y, outputDim);
  });
}
