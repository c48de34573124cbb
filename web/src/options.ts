// Reads the model/training options from the form as moe-wasm option objects. No limits live here:
// the package validates every value (its MoEError names the option). Defaults are index.html's values.
import type { MoEOptions } from 'moe-wasm';

export interface PageOptions {
  /** MoE options without inputDim/outputDim/task (those come from the dataset). */
  model: Omit<MoEOptions, 'inputDim' | 'outputDim' | 'task'>;
  fit: { epochs: number; batchSize: number; validationSplit?: number; earlyStopping?: { monitor: 'val_loss'; patience: number } };
  testFraction: number;
  seed: number;
  /** One line for the results title, e.g. "4 experts, softmax gate, 40 epochs". */
  summary: string;
}

function value(id: string): string {
  return (document.getElementById(id) as HTMLInputElement | HTMLSelectElement).value.trim();
}

/** A number field as typed ('' or text becomes NaN, which the package rejects by name). */
function number(id: string): number {
  const raw = value(id);
  return raw === '' ? NaN : Number(raw);
}

/** "64, 32" -> [64, 32]; '' -> []; anything else is passed on for the package to judge. */
function sizes(id: string): number[] {
  const raw = value(id);
  return raw === '' ? [] : raw.split(/[\s,]+/).filter(Boolean).map(Number);
}

export function readOptions(): PageOptions {
  const topk = value('opt-gating') === 'topk';
  const experts = number('opt-experts');
  const seed = number('opt-seed');
  const validationSplit = number('opt-val');
  const patience = number('opt-patience');
  const epochs = number('opt-epochs');
  const lb = number('opt-load-balance');
  const model: PageOptions['model'] = {
    experts,
    expertHidden: sizes('opt-expert-hidden'),
    gateHidden: sizes('opt-gate-hidden'),
    activation: value('opt-activation') as MoEOptions['activation'],
    gating: topk ? { type: 'topk', k: number('opt-k'), noise: (document.getElementById('opt-noise') as HTMLInputElement).checked } : 'softmax',
    loadBalance: topk ? lb : 0,
    optimizer: { type: value('opt-optimizer') === 'sgd' ? 'sgd' : 'adam', learningRate: number('opt-lr') },
    seed,
  };
  const fit: PageOptions['fit'] = { epochs, batchSize: number('opt-batch') };
  if (validationSplit !== 0) fit.validationSplit = validationSplit;
  if (patience !== 0) fit.earlyStopping = { monitor: 'val_loss', patience };
  const gate = topk ? `top-${value('opt-k')} gate` : 'softmax gate';
  const summary = `${experts} experts, ${gate}, ${epochs} epochs${patience ? `, early stopping (patience ${patience})` : ''}, seed ${seed}`;
  return { model, fit, testFraction: number('opt-test'), seed, summary };
}
