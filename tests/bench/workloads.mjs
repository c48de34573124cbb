// The benchmark workloads every peer runs, and the prepared data files they all read.
// Data: UCI Letter Recognition (via Debian's r-cran-mlbench), standardised, 16,000 train / 4,000 test.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const WORKLOADS = {
  w1: { experts: 5, expertHidden: [64, 32], gateHidden: [32], batchSize: 32, gating: 'softmax' },
  w2: { experts: 16, expertHidden: [256, 256], gateHidden: [64], batchSize: 256, gating: 'softmax' },
  w3: { experts: 16, expertHidden: [256, 256], gateHidden: [64], batchSize: 256, gating: 'topk', k: 2 },
};

/**
 * Training rows per workload: W1 uses the whole 16,000-row split; W2/W3 train on the first
 * BENCH_HEAVY_ROWS rows (default 4096 = 16 batches of 256) so the slowest peers (TF.js) finish an
 * epoch in reasonable time. Every peer gets the same cap via --rows; samples/s is per row either way.
 */
export const HEAVY_ROWS_DEFAULT = 4096;

/** Reads the prepared split written by tests/bench/prepare-data.mjs; `rows` caps the training rows. */
export function loadSplit(dir, rows = Infinity) {
  const meta = JSON.parse(readFileSync(join(dir, 'letter.json'), 'utf8'));
  const f32 = (name) => new Float32Array(new Uint8Array(readFileSync(join(dir, name))).buffer);
  const i32 = (name) => new Int32Array(new Uint8Array(readFileSync(join(dir, name))).buffer);
  const nTrain = Math.min(meta.nTrain, Number.isFinite(Number(rows)) && Number(rows) > 0 ? Number(rows) : meta.nTrain);
  return {
    ...meta, nTrain,
    xTrain: f32('letter-xtrain.f32').slice(0, nTrain * meta.D), yTrain: i32('letter-ytrain.i32').slice(0, nTrain),
    xTest: f32('letter-xtest.f32'), yTest: i32('letter-ytest.i32'),
  };
}

/** Forward FLOPs of one row (2 per multiply-add), counting `used` experts. */
export function forwardFlops(w, D, C, used = w.experts) {
  const mlp = (dims) => dims.slice(1).reduce((s, n, i) => s + 2 * dims[i] * n, 0);
  return used * mlp([D, ...w.expertHidden, C]) + mlp([D, ...w.gateHidden, w.experts]);
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
