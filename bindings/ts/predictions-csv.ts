// The one predictions CSV of the project (the CLI's `predict` and the demo's download): the input
// columns as read, the true value where known, a train/test flag when given, the prediction and
// rounded class probabilities. Cells go through csvCell (formula-safe). Not the model (model.ts).
import { MoEError } from './errors.js';
import { Dataset } from './dataset.js';
import { toCsv } from './csv-writer.js';
import { checkKeys, int, optionsObject } from './options.js';
import type { Task } from './options.js';

/** What the writer needs of a model (MoE satisfies it). */
export interface Predictor { task: Task; outputDim: number; predict(x: Dataset): Float32Array }

export interface PredictionsCsvOptions {
  /** Decimals of the class probabilities (default 4). */
  decimals?: number;
}

/** One part of the rows with its split name, e.g. { data: test, split: 'test' }. */
export interface PredictionsPart { data: Dataset; split: string }

// Shortest text of a float32 value that reads back as the same float32.
function float32Text(v: number): string {
  for (let p = 1; p < 9; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) === Math.fround(v)) return String(Number(s));
  }
  return String(Number(v.toPrecision(9)));
}

/**
 * Predictions of `model` as CSV text. Header: the file's columns (when the datasets were read with
 * keepRaw: true; else the target column alone holds the true value, when known), then `split` (when
 * parts are given), `prediction` (class name or value; prediction_0.. for several outputs) and for
 * classification `p_<class>` per class rounded to `decimals`.
 */
export function predictionsToCsv(model: Predictor, data: Dataset | PredictionsPart[], options: PredictionsCsvOptions = {}): string {
  optionsObject('predictionsToCsv', options);
  checkKeys('predictionsToCsv', options, ['decimals']);
  const decimals = int('decimals', options.decimals ?? 4, 0, 10);
  const parts: Array<{ data: Dataset; split?: string }> = data instanceof Dataset ? [{ data }] : Array.isArray(data) ? data : [];
  if (parts.length === 0) throw new MoEError('predictionsToCsv: data must be a Dataset or a non-empty array of { data, split }');
  parts.forEach((p, i) => {
    if (!p || !(p.data instanceof Dataset)) throw new MoEError(`predictionsToCsv: data[${i}].data must be a Dataset`);
    if (!(data instanceof Dataset) && typeof p.split !== 'string') throw new MoEError(`predictionsToCsv: data[${i}].split must be a string such as 'train' or 'test'`);
  });
  const first = parts[0].data;
  const raw = parts.every((p) => p.data.rawRows !== null);
  const columns = raw ? first.columns.map((c) => c.name) : [];
  const target = first.schema?.target ?? 'target';
  const trueColumn = !raw && parts.some((p) => p.data.labels !== null);
  const c = model.outputDim;
  const cls = model.task === 'classification';
  const classes = Array.from({ length: c }, (_, k) => first.classes[k] ?? String(k));
  const header: string[] = [...columns, ...(trueColumn ? [target] : []), ...(data instanceof Dataset ? [] : ['split'])];
  if (cls) header.push('prediction', ...classes.map((k) => `p_${k}`));
  else header.push(...(c === 1 ? ['prediction'] : Array.from({ length: c }, (_, k) => `prediction_${k}`)));
  const rows: Array<Array<string | number>> = [header];
  for (const { data: ds, split } of parts) {
    if (raw && ds.columns.length !== columns.length) throw new MoEError('predictionsToCsv: the parts have different columns');
    const out = model.predict(ds);
    for (let r = 0; r < ds.numRows; r++) {
      const row: Array<string | number> = raw ? [...ds.rawRows![r]] : [];
      if (trueColumn) {
        const y = ds.labels;
        row.push(!y ? '' : cls ? classes[y[r]] ?? String(y[r]) : Array.from(y.subarray(r * c, r * c + c), float32Text).join(' '));
      }
      if (split !== undefined) row.push(split);
      const p = out.subarray(r * c, r * c + c);
      if (cls) {
        let best = 0;
        for (let k = 1; k < c; k++) if (p[k] > p[best]) best = k;
        row.push(classes[best], ...Array.from(p, (v) => v.toFixed(decimals)));
      } else {
        row.push(...Array.from(p, float32Text));
      }
      rows.push(row);
    }
  }
  return toCsv(rows);
}
