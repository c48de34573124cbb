// Validation of the public option objects (MoE constructor, fit) and their translation into the
// plain snake_case objects the Embind layer reads. Messages name the option and the bad value.
import { MoEError } from './errors.js';

export type Task = 'classification' | 'regression';
export type Activation = 'relu' | 'tanh' | 'gelu';
export type GatingOptions = 'softmax' | 'topk' | { type: 'softmax' } | { type: 'topk'; k?: number; noise?: boolean };
export type OptimizerOptions = 'adam' | 'adamw' | 'sgd' | {
  type: 'adam' | 'adamw' | 'sgd';
  learningRate?: number; beta1?: number; beta2?: number; epsilon?: number;
  weightDecay?: number; momentum?: number; clipNorm?: number;
};

/** Options of `new MoE(...)`; defaults follow the seed model (5 experts, [64, 32], gate [32], relu, Adam 1e-3). */
export interface MoEOptions {
  inputDim: number;
  outputDim: number;
  task?: Task;
  experts?: number;
  expertHidden?: number[];
  gateHidden?: number[];
  activation?: Activation;
  gating?: GatingOptions;
  loadBalance?: number;
  zLoss?: number;
  optimizer?: OptimizerOptions;
  seed?: number;
}

/** The config object bindings.cpp turns into a moe::ModelConfig. */
export interface RawConfig {
  input_dim: number; output_dim: number; task: Task; experts: number;
  expert_hidden: number[]; gate_hidden: number[]; activation: Activation;
  gating: 'softmax' | 'topk'; k: number; noise: boolean; load_balance: number; z_loss: number;
  optimizer: 'adam' | 'adamw' | 'sgd'; learning_rate: number; beta1: number; beta2: number; epsilon: number;
  weight_decay: number; momentum: number; clip_norm: number; seed: number;
}

const KNOWN = new Set(['inputDim', 'outputDim', 'task', 'experts', 'expertHidden', 'gateHidden', 'activation',
  'gating', 'loadBalance', 'zLoss', 'optimizer', 'seed']);

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  if (v && typeof v === 'object') { try { return JSON.stringify(v); } catch { return String(v); } }
  return String(v);
}

export function int(name: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new MoEError(`${name} must be an integer ${range}, got ${show(v)}`);
  }
  return v;
}

export function num(name: string, v: unknown, min: number, max: number, openMin = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (openMin && v === min)) {
    throw new MoEError(`${name} must be a finite number in ${openMin ? '(' : '['}${min}, ${max}], got ${show(v)}`);
  }
  return v;
}

function oneOf<T extends string>(name: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new MoEError(`${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${show(v)}`);
  }
  return v as T;
}

function widths(name: string, v: unknown): number[] {
  if (!Array.isArray(v)) throw new MoEError(`${name} must be an array of layer widths, got ${show(v)}`);
  return v.map((w, i) => int(`${name}[${i}]`, w, 1, 65536));
}

/** Validates MoE options and returns the raw config; throws MoEError naming the first bad option. */
export function toRawConfig(o: MoEOptions): RawConfig {
  if (o === null || typeof o !== 'object') throw new MoEError(`MoE options must be an object, got ${show(o)}`);
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key)) throw new MoEError(`unknown MoE option '${key}' (known: ${[...KNOWN].join(', ')})`);
  }
  const task = oneOf('task', o.task ?? 'classification', ['classification', 'regression'] as const);
  const experts = int('experts', o.experts ?? 5, 1, 1024);
  const cfg: RawConfig = {
    input_dim: int('inputDim', o.inputDim, 1),
    output_dim: int('outputDim', o.outputDim, task === 'classification' ? 2 : 1),
    task, experts,
    expert_hidden: widths('expertHidden', o.expertHidden ?? [64, 32]),
    gate_hidden: widths('gateHidden', o.gateHidden ?? [32]),
    activation: oneOf('activation', o.activation ?? 'relu', ['relu', 'tanh', 'gelu'] as const),
    gating: 'softmax', k: 2, noise: true,
    load_balance: num('loadBalance', o.loadBalance ?? 0.01, 0, 1e6),
    z_loss: num('zLoss', o.zLoss ?? 0, 0, 1e6),
    optimizer: 'adam', learning_rate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7,
    weight_decay: 0.004, momentum: 0, clip_norm: 0,
    seed: int('seed', o.seed ?? 42, 0),
  };
  const g = o.gating ?? 'softmax';
  if (typeof g === 'string') {
    cfg.gating = oneOf('gating', g, ['softmax', 'topk'] as const);
  } else if (g && typeof g === 'object') {
    cfg.gating = oneOf('gating.type', g.type, ['softmax', 'topk'] as const);
    if (g.type === 'topk') {
      cfg.k = int('gating.k', g.k ?? 2, 1, experts);
      if (g.noise !== undefined && typeof g.noise !== 'boolean') throw new MoEError(`gating.noise must be a boolean, got ${show(g.noise)}`);
      cfg.noise = g.noise ?? true;
    }
  } else {
    throw new MoEError(`gating must be 'softmax', 'topk' or { type, k, noise }, got ${show(g)}`);
  }
  if (cfg.gating === 'topk' && cfg.k > experts) throw new MoEError(`gating.k must be an integer in [1, ${experts}] (experts), got ${cfg.k}`);
  const opt = o.optimizer ?? 'adam';
  if (typeof opt === 'string') {
    cfg.optimizer = oneOf('optimizer', opt, ['adam', 'adamw', 'sgd'] as const);
    if (cfg.optimizer === 'sgd') cfg.learning_rate = 0.01;
  } else if (opt && typeof opt === 'object') {
    cfg.optimizer = oneOf('optimizer.type', opt.type, ['adam', 'adamw', 'sgd'] as const);
    cfg.learning_rate = num('optimizer.learningRate', opt.learningRate ?? (cfg.optimizer === 'sgd' ? 0.01 : 1e-3), 0, 1e3, true);
    cfg.beta1 = num('optimizer.beta1', opt.beta1 ?? 0.9, 0, 0.999999);
    cfg.beta2 = num('optimizer.beta2', opt.beta2 ?? 0.999, 0, 0.999999);
    cfg.epsilon = num('optimizer.epsilon', opt.epsilon ?? 1e-7, 0, 1, true);
    cfg.weight_decay = num('optimizer.weightDecay', opt.weightDecay ?? 0.004, 0, 1e3);
    cfg.momentum = num('optimizer.momentum', opt.momentum ?? 0, 0, 0.999999);
    cfg.clip_norm = num('optimizer.clipNorm', opt.clipNorm ?? 0, 0, 1e9);
  } else {
    throw new MoEError(`optimizer must be 'adam', 'adamw', 'sgd' or { type, learningRate, ... }, got ${show(opt)}`);
  }
  return cfg;
}

/** Raw config back to the public camelCase options (for loaded models and the worker). */
export function fromRawConfig(c: RawConfig): Required<MoEOptions> {
  return {
    inputDim: c.input_dim, outputDim: c.output_dim, task: c.task, experts: c.experts,
    expertHidden: [...c.expert_hidden], gateHidden: [...c.gate_hidden], activation: c.activation,
    gating: c.gating === 'topk' ? { type: 'topk', k: c.k, noise: c.noise } : 'softmax',
    loadBalance: c.load_balance, zLoss: c.z_loss,
    optimizer: { type: c.optimizer, learningRate: c.learning_rate, beta1: c.beta1, beta2: c.beta2, epsilon: c.epsilon,
      weightDecay: c.weight_decay, momentum: c.momentum, clipNorm: c.clip_norm },
    seed: c.seed,
  };
}
