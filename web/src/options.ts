// Reads and validates the model/training options from the form; a bad value becomes a message
// naming the field. No defaults live here: they are the form's initial values in index.html.
import type { TrainOptions } from './protocol';

function input(id: string): HTMLInputElement | HTMLSelectElement {
  return document.getElementById(id) as HTMLInputElement | HTMLSelectElement;
}

function labelOf(id: string): string {
  const label = input(id).closest('label');
  return (label?.firstChild?.textContent ?? id).trim();
}

function number(id: string, lo: number, hi: number, integer: boolean): number {
  const raw = input(id).value.trim();
  const v = Number(raw);
  if (raw === '' || !Number.isFinite(v) || v < lo || v > hi || (integer && !Number.isInteger(v))) {
    const kind = integer ? 'a whole number' : 'a number';
    throw new Error(`${labelOf(id)} must be ${kind} from ${lo} to ${hi} (got "${raw}").`);
  }
  return v;
}

function sizes(id: string, allowEmpty: boolean): number[] {
  const raw = input(id).value.trim();
  if (raw === '' && allowEmpty) return [];
  const parts = raw.split(/[\s,]+/).filter(Boolean);
  const out = parts.map(Number);
  if (parts.length === 0 || out.some((n) => !Number.isInteger(n) || n < 1 || n > 4096)) {
    throw new Error(`${labelOf(id)} must be a list of layer widths from 1 to 4096, like "32" or "64, 32" (got "${raw}").`);
  }
  return out;
}

/** Throws an Error with a readable message when a field is out of range. */
export function readOptions(): TrainOptions {
  const gating = input('opt-gating').value === 'topk' ? 'topk' : 'softmax';
  const experts = number('opt-experts', 1, 64, true);
  const topK = number('opt-k', 1, 64, true);
  if (gating === 'topk' && topK > experts) throw new Error(`Top-k: k (${topK}) cannot exceed the number of experts (${experts}).`);
  return {
    experts,
    expertHidden: sizes('opt-expert-hidden', true),
    gateHidden: sizes('opt-gate-hidden', true),
    activation: input('opt-activation').value,
    gating,
    topK,
    noise: (input('opt-noise') as HTMLInputElement).checked,
    loadBalance: number('opt-load-balance', 0, 10, false),
    optimizer: input('opt-optimizer').value === 'sgd' ? 'sgd' : 'adam',
    learningRate: number('opt-lr', 1e-6, 10, false),
    epochs: number('opt-epochs', 1, 100000, true),
    batchSize: number('opt-batch', 1, 65536, true),
    validationSplit: number('opt-val', 0, 0.9, false),
    testFraction: number('opt-test', 0.05, 0.9, false),
    patience: number('opt-patience', 0, 1000, true),
    seed: number('opt-seed', 0, 2 ** 31 - 1, true),
  };
}
