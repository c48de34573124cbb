// The CLI's flags: util.parseArgs in strict mode per command (an unknown flag is a usage error,
// exit 2), and the conversion of the training flags into MoE / fit / CSV options.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { MoEOptions } from './options.js';
import type { FitOptions } from './model.js';
import type { CsvOptions } from './dataset.js';

export class UsageError extends Error {}

type Spec = NonNullable<ParseArgsConfig['options']>;
const common: Spec = { 'no-simd': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } };
const SPECS: Record<string, Spec> = {
  train: {
    ...common,
    target: { type: 'string' }, task: { type: 'string' }, epochs: { type: 'string' }, 'batch-size': { type: 'string' },
    experts: { type: 'string' }, hidden: { type: 'string' }, 'gate-hidden': { type: 'string' }, gating: { type: 'string' },
    'top-k': { type: 'string' }, lr: { type: 'string' }, 'early-stopping': { type: 'string' }, validation: { type: 'string' },
    seed: { type: 'string' }, out: { type: 'string', short: 'o' },
  },
  auto: {
    ...common,
    target: { type: 'string' }, task: { type: 'string' }, time: { type: 'string' }, trials: { type: 'string' },
    workers: { type: 'string' }, folds: { type: 'string' }, metric: { type: 'string' }, seed: { type: 'string' },
    out: { type: 'string', short: 'o' },
  },
  predict: common,
  evaluate: common,
  export: { ...common, format: { type: 'string' } },
};

export interface Parsed { positional: string[]; values: Record<string, string | boolean | undefined> }

/** Parses the arguments after the command; unknown flags and missing values are UsageErrors. */
export function parseCommand(command: string, args: string[]): Parsed {
  const options = SPECS[command];
  if (!options) throw new UsageError(`unknown command '${command}'`);
  try {
    const { values, positionals } = parseArgs({ args, options, strict: true, allowPositionals: true });
    return { positional: positionals, values: values as Parsed['values'] };
  } catch (e) {
    throw new UsageError(`${command}: ${(e as Error).message.split('\n')[0]}`);
  }
}

export function str(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function number(p: Parsed, name: string, integer: boolean): number | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || (integer && (!Number.isInteger(n) || n < 1))) {
    throw new UsageError(`--${name} must be a ${integer ? 'positive integer' : 'number'}, got '${v}'`);
  }
  return n;
}

function widths(p: Parsed, name: string): number[] | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  if (v.trim() === '') return [];
  const list = v.split(',').map(Number);
  if (list.some((n) => !Number.isInteger(n) || n < 1)) throw new UsageError(`--${name} must be comma-separated positive integers (e.g. 64,32), got '${v}'`);
  return list;
}

export interface TrainPlan {
  file: string;
  out: string;
  csv: CsvOptions;
  model: Omit<MoEOptions, 'inputDim' | 'outputDim' | 'task'>;
  fit: Pick<FitOptions, 'epochs' | 'batchSize' | 'earlyStopping'> & { epochs: number; batchSize: number };
  validation: number;
  seed: number;
}

/** The one CSV file a command reads and its --target/--task flags (train and auto share these). */
export function csvInput(p: Parsed, command: string): { file: string; csv: CsvOptions } {
  const [file, extra] = p.positional;
  if (!file) throw new UsageError(`${command} needs a CSV file (or - for stdin)`);
  if (extra !== undefined) throw new UsageError(`${command} takes one CSV file, got also '${extra}'`);
  const csv: CsvOptions = {};
  const target = str(p, 'target');
  if (target !== undefined) csv.target = target;
  const task = str(p, 'task');
  if (task !== undefined) {
    if (task !== 'auto' && task !== 'classification' && task !== 'regression') throw new UsageError(`--task must be auto, classification or regression, got '${task}'`);
    csv.task = task;
  }
  return { file, csv };
}

/** What `train` will do, from its flags (the values are checked again by the API, which names them). */
export function trainPlan(p: Parsed): TrainPlan {
  const { file, csv } = csvInput(p, 'train');
  const seed = number(p, 'seed', false) ?? 42;
  const model: TrainPlan['model'] = { experts: number(p, 'experts', true) ?? 5, seed };
  const hidden = widths(p, 'hidden');
  if (hidden) model.expertHidden = hidden;
  const gateHidden = widths(p, 'gate-hidden');
  if (gateHidden) model.gateHidden = gateHidden;
  const gating = str(p, 'gating');
  const topK = number(p, 'top-k', true);
  if (gating !== undefined && gating !== 'softmax' && gating !== 'topk') throw new UsageError(`--gating must be softmax or topk, got '${gating}'`);
  if (topK !== undefined && gating === 'softmax') throw new UsageError('--top-k needs --gating topk');
  if (gating === 'topk' || topK !== undefined) model.gating = { type: 'topk', k: topK ?? 2 };
  else if (gating === 'softmax') model.gating = 'softmax';
  const lr = number(p, 'lr', false);
  if (lr !== undefined) model.optimizer = { type: 'adam', learningRate: lr };
  const fit: TrainPlan['fit'] = { epochs: number(p, 'epochs', true) ?? 10, batchSize: number(p, 'batch-size', true) ?? 32 };
  const patience = number(p, 'early-stopping', true);
  if (patience !== undefined) fit.earlyStopping = { monitor: 'val_loss', patience };
  const validation = number(p, 'validation', false) ?? 0.1;
  if (!(validation >= 0 && validation < 1)) throw new UsageError(`--validation must be in [0, 1), got ${validation}`);
  if (patience !== undefined && validation === 0) throw new UsageError('--early-stopping monitors the validation loss: it needs --validation > 0');
  return { file, out: str(p, 'out') ?? 'model.moe', csv, model, fit, validation, seed };
}
