// The public MoE options: their JS types and keys are checked here, then they are translated into
// the snake_case object the Embind layer reads. Ranges and combinations are C++'s (base/config):
// not repeated here. Messages name the option as the user wrote it.
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

/** The config object bindings.cpp turns into a moe::ModelConfig (as config() returns it: complete). */
export interface RawConfig {
  input_dim: number; output_dim: number; task: Task; experts: number;
  expert_hidden: number[]; gate_hidden: number[]; activation: Activation;
  gating: 'softmax' | 'topk'; k: number; noise: boolean; load_balance: number; z_loss: number;
  optimizer: 'adam' | 'adamw' | 'sgd'; learning_rate: number; beta1: number; beta2: number; epsilon: number;
  weight_decay: number; momentum: number; clip_norm: number; seed: number;
}

/** What toRawConfig sends: the options given; C++ fills in the defaults of the ones left out. */
export type RawConfigInput = Partial<RawConfig>;

const MOE_KEYS = ['inputDim', 'outputDim', 'task', 'experts', 'expertHidden', 'gateHidden', 'activation',
  'gating', 'loadBalance', 'zLoss', 'optimizer', 'seed'] as const;
const GATING_KEYS = ['type', 'k', 'noise'] as const;
const OPTIMIZER_KEYS = ['type', 'learningRate', 'beta1', 'beta2', 'epsilon', 'weightDecay', 'momentum', 'clipNorm'] as const;

/** A value as text for messages; never throws (BigInt, symbols, cycles). */
export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  if (v && typeof v === 'object') { try { return JSON.stringify(v); } catch { return String(v); } }
  return String(v);
}

/** Throws MoEError for a key of `o` that is not in `known` (a misspelt option would be silently ignored). */
export function checkKeys(what: string, o: object, known: readonly string[]): void {
  for (const key of Object.keys(o)) {
    if (!known.includes(key)) throw new MoEError(`unknown ${what} option '${key}' (known: ${known.join(', ')})`);
  }
}

/** Throws unless `o` is a plain options object; returns it. */
export function optionsObject<T>(what: string, o: T): T {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new MoEError(`${what} options must be an object, got ${show(o)}`);
  return o;
}

/** A JS number that is an integer C++ can hold (int32); its range is checked by the core. */
export function integer(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new MoEError(`${name} must be an integer, got ${show(v)}`);
  if (Math.abs(v) > 2 ** 31 - 1) throw new MoEError(`${name} is out of range, got ${v}`);
  return v;
}

/** A JS number (non-finite values reach the core, which names them); its range is checked by the core. */
export function number(name: string, v: unknown): number {
  if (typeof v !== 'number') throw new MoEError(`${name} must be a number, got ${show(v)}`);
  return v;
}

export function boolean(name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new MoEError(`${name} must be a boolean, got ${show(v)}`);
  return v;
}

/** An integer in [min, max]: for options that never reach C++ (Dataset helpers) and for seeds. */
export function int(name: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new MoEError(`${name} must be an integer ${range}, got ${show(v)}`);
  }
  return v;
}

/** A finite number in [min, max] (or (min, max]): for options that never reach C++ (Dataset helpers). */
export function num(name: string, v: unknown, min: number, max: number, openMin = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (openMin && v === min)) {
    throw new MoEError(`${name} must be a finite number in ${openMin ? '(' : '['}${min}, ${max}], got ${show(v)}`);
  }
  return v;
}

export function oneOf<T extends string>(name: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new MoEError(`${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${show(v)}`);
  }
  return v as T;
}

function widths(name: string, v: unknown): number[] {
  if (!Array.isArray(v)) throw new MoEError(`${name} must be an array of layer widths, got ${show(v)}`);
  return v.map((w, i) => integer(`${name}[${i}]`, w));
}

// Sets out[key] = check(value) when the option was given.
function given<K extends keyof RawConfig>(out: RawConfigInput, key: K, v: unknown, check: (v: unknown) => RawConfig[K]): void {
  if (v !== undefined) out[key] = check(v);
}

/** Checks the JS types and keys of MoE options and returns what bindings.cpp reads; throws MoEError. */
export function toRawConfig(o: MoEOptions): RawConfigInput {
  optionsObject('MoE', o);
  checkKeys('MoE', o, MOE_KEYS);
  const cfg: RawConfigInput = {};
  given(cfg, 'input_dim', o.inputDim, (v) => integer('inputDim', v));
  given(cfg, 'output_dim', o.outputDim, (v) => integer('outputDim', v));
  if (o.inputDim === undefined) throw new MoEError('inputDim is required (the number of features)');
  if (o.outputDim === undefined) throw new MoEError('outputDim is required (classes, or regression targets)');
  given(cfg, 'task', o.task, (v) => oneOf('task', v, ['classification', 'regression'] as const));
  given(cfg, 'experts', o.experts, (v) => integer('experts', v));
  given(cfg, 'expert_hidden', o.expertHidden, (v) => widths('expertHidden', v));
  given(cfg, 'gate_hidden', o.gateHidden, (v) => widths('gateHidden', v));
  given(cfg, 'activation', o.activation, (v) => oneOf('activation', v, ['relu', 'tanh', 'gelu'] as const));
  given(cfg, 'load_balance', o.loadBalance, (v) => number('loadBalance', v));
  given(cfg, 'z_loss', o.zLoss, (v) => number('zLoss', v));
  given(cfg, 'seed', o.seed, (v) => int('seed', v, 0));
  const g = o.gating;
  if (typeof g === 'string' || g === undefined) {
    given(cfg, 'gating', g, (v) => oneOf('gating', v, ['softmax', 'topk'] as const));
  } else if (g && typeof g === 'object' && !Array.isArray(g)) {
    checkKeys('gating', g, GATING_KEYS);
    cfg.gating = oneOf('gating.type', g.type, ['softmax', 'topk'] as const);
    const t = g as { k?: unknown; noise?: unknown };
    given(cfg, 'k', t.k, (v) => integer('gating.k', v));
    given(cfg, 'noise', t.noise, (v) => boolean('gating.noise', v));
  } else {
    throw new MoEError(`gating must be 'softmax', 'topk' or { type, k, noise }, got ${show(g)}`);
  }
  const opt = o.optimizer;
  if (typeof opt === 'string' || opt === undefined) {
    given(cfg, 'optimizer', opt, (v) => oneOf('optimizer', v, ['adam', 'adamw', 'sgd'] as const));
  } else if (opt && typeof opt === 'object' && !Array.isArray(opt)) {
    checkKeys('optimizer', opt, OPTIMIZER_KEYS);
    cfg.optimizer = oneOf('optimizer.type', opt.type, ['adam', 'adamw', 'sgd'] as const);
    given(cfg, 'learning_rate', opt.learningRate, (v) => number('optimizer.learningRate', v));
    given(cfg, 'beta1', opt.beta1, (v) => number('optimizer.beta1', v));
    given(cfg, 'beta2', opt.beta2, (v) => number('optimizer.beta2', v));
    given(cfg, 'epsilon', opt.epsilon, (v) => number('optimizer.epsilon', v));
    given(cfg, 'weight_decay', opt.weightDecay, (v) => number('optimizer.weightDecay', v));
    given(cfg, 'momentum', opt.momentum, (v) => number('optimizer.momentum', v));
    given(cfg, 'clip_norm', opt.clipNorm, (v) => number('optimizer.clipNorm', v));
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
