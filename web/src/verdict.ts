// Plain-language judgement of a finished training, from the numbers the package reported: the test
// score against the baseline's (majority class / mean predictor), and the validation-loss curve of
// the fit's history (overfitting). Words only; no metric is computed here.

/** Within this much of the baseline's accuracy (or R² of 0) a model is "no better than guessing"; for
 *  accuracy also within one standard error of the baseline on the test rows, sqrt(b (1 - b) / n). */
export const NO_BETTER_MARGIN = 0.02;
/** The final validation loss this far above its minimum (relative) counts as rising. */
const RISE = 0.05;

export interface VerdictInput {
  task: 'classification' | 'regression';
  /** Test rows the scores were measured on. */
  rows: number;
  accuracy?: number;
  r2?: number;
  rmse?: number;
  /** The baseline: majority class and its accuracy, or the mean predictor's value and RMSE. */
  baseline: { label: string; accuracy?: number; rmse?: number } | null;
  /** history.val_loss, one per epoch (absent without validation). */
  valLoss?: number[];
}

export interface Verdict {
  /** One or two sentences. */
  text: string;
  /** 'guessing' | 'overfitting' | 'good' */
  kind: 'guessing' | 'overfitting' | 'good';
  /** The epoch (1-based) after which the validation loss rose, when it did. */
  roseFrom?: number;
}

/** The 1-based epoch of the lowest validation loss when the last one is clearly above it, else null. */
export function roseFrom(valLoss: number[] | undefined): number | null {
  if (!valLoss || valLoss.length < 4) return null;
  let best = 0;
  valLoss.forEach((v, i) => { if (v < valLoss[best]) best = i; });
  const last = valLoss[valLoss.length - 1];
  return best < valLoss.length - 2 && last > valLoss[best] * (1 + RISE) ? best + 1 : null;
}

const f3 = (v: number | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(3) : '?');

export function verdict(v: VerdictInput): Verdict {
  const rose = roseFrom(v.valLoss);
  const overfit = rose !== null
    ? ` Validation loss rose from epoch ${rose}: overfitting — retrain with early stopping.`
    : '';
  const kind = (guess: boolean): Verdict['kind'] => (guess ? 'guessing' : rose !== null ? 'overfitting' : 'good');
  const withRose = (r: Omit<Verdict, 'roseFrom'>): Verdict => (rose === null ? r : { ...r, roseFrom: rose });
  if (v.task === 'classification') {
    const base = v.baseline?.accuracy;
    if (base === undefined) return withRose({ kind: kind(false), text: `Test accuracy ${f3(v.accuracy)}.${overfit}` });
    const margin = Math.max(NO_BETTER_MARGIN, Math.sqrt((base * (1 - base)) / Math.max(1, v.rows)));
    const guess = !(typeof v.accuracy === 'number' && v.accuracy > base + margin);
    const text = guess
      ? `No better than always answering "${v.baseline!.label}": accuracy ${f3(v.accuracy)} against ${f3(base)} for that guess.`
      : `Better than always answering "${v.baseline!.label}": accuracy ${f3(v.accuracy)} against ${f3(base)} for that guess.`;
    return withRose({ kind: kind(guess), text: text + overfit });
  }
  const guess = !(typeof v.r2 === 'number' && v.r2 > NO_BETTER_MARGIN);
  const base = v.baseline ? ` (always answering the mean ${v.baseline.label} gives RMSE ${f3(v.baseline.rmse)}; this model ${f3(v.rmse)})` : '';
  const text = guess
    ? `No better than always answering the mean: R² ${f3(v.r2)}${base}.`
    : `Better than always answering the mean: R² ${f3(v.r2)}${base}.`;
  return withRose({ kind: kind(guess), text: text + overfit });
}
