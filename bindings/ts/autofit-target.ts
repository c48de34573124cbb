// Regression targets in autoFit's workers: trials train on standardised targets (mean 0, scale 1 per
// output, from the fit's own training rows) so one learning-rate range suits every dataset; the
// scaling is then folded into each expert's output layer, so the saved model predicts raw values.
import { buildPyTorch } from './pytorch-export.js';
import { current } from './module-loader.js';
import type { MoE } from './model.js';

/** Per-output mean and scale: (C,) each. */
export interface TargetScale { mean: Float64Array; scale: Float64Array }

/** Mean and standard deviation (1 where it is 0) of y (rows * c). */
export function fitScale(y: Float32Array, c: number): TargetScale {
  const rows = y.length / c;
  const mean = new Float64Array(c), scale = new Float64Array(c);
  for (let i = 0; i < y.length; i++) mean[i % c] += y[i] / rows;
  for (let i = 0; i < y.length; i++) scale[i % c] += (y[i] - mean[i % c]) ** 2 / rows;
  for (let j = 0; j < c; j++) scale[j] = Math.sqrt(scale[j]) || 1;
  return { mean, scale };
}

/** (y - mean) / scale as a new array. */
export function standardise(y: Float32Array, s: TargetScale): Float32Array {
  const c = s.mean.length;
  return y.map((v, i) => (v - s.mean[i % c]) / s.scale[i % c]);
}

/** p * scale + mean in place; returns p. */
export function unstandardise(p: Float32Array, s: TargetScale): Float32Array {
  const c = s.mean.length;
  for (let i = 0; i < p.length; i++) p[i] = p[i] * s.scale[i % c] + s.mean[i % c];
  return p;
}

/**
 * The model's bytes (a .safetensors file loadModel reads) with the scaling folded in: each expert's
 * last dense layer becomes w * scale, b * scale + mean. Exact because the gate weights of a row sum
 * to 1 (softmax over all experts, or over the k kept ones).
 */
export function foldedModel(model: MoE, s: TargetScale): Uint8Array {
  const last = `dense${model.options.expertHidden.length}`;
  const c = s.mean.length;
  const tensors = model._tensors().map((t) => {
    if (!/^expert\d+\./.test(t.name) || t.name.split('.')[1] !== last) return t;
    // w: (in, C) row-major; b: (1, C).
    const data = t.data.map((v, i) => (t.name.endsWith('.b') ? v * s.scale[i % c] + s.mean[i % c] : v * s.scale[i % c]));
    return { ...t, data };
  });
  return buildPyTorch({ options: model.options, schema: null, tensors, version: current().raw.version() })['weights.safetensors'];
}
