// MoE: the model handle of the public API (TF.js-style async fit with callbacks and AbortSignal,
// predict/evaluate/gate/summary/save/dispose) over one Embind model object, plus loadModel().
// Kept in the emitted .d.ts so a consumer's tsc (skipLibCheck: false) knows Symbol.(async)Dispose.
/// <reference lib="esnext.disposable" preserve="true" />
import { AbortError, MoEError, check } from './errors.js';
import { Dataset, checkFeatures, checkLabels, type Schema } from './dataset.js';
import { current, guard, type LoadedModule, type RawModel } from './module-loader.js';
import { checkHeapRoom, mib } from './heap.js';
import { buildOnnx, type OnnxTensor } from './onnx-export.js';
import { fromRawConfig, toRawConfig, type MoEOptions, type RawConfig, type Task } from './options.js';
import { toRawFitOptions, type EarlyStoppingOptions } from './fit-options.js';
import { buildPyTorch, type PyTorchFiles } from './pytorch-export.js';
import { safetensorsToModelFile } from './pytorch-import.js';
import { looksLikeSafetensors } from './safetensors.js';
import { normalizeFitOptions } from './fit-callbacks.js';
import { report, type Report, type ReportOptions } from './report.js';

/**
 * What onEpochEnd / onBatchEnd / onTrainEnd receive. Epoch logs: loss and accuracy (classification)
 * or rmse and r2 (regression), each also as val_* with validation data. Batch logs add batch, size and
 * batch_loss (loss/accuracy are then running means over the epoch, as in Keras).
 */
export interface Logs {
  loss: number;
  accuracy?: number;
  rmse?: number;
  r2?: number;
  val_loss?: number;
  val_accuracy?: number;
  val_rmse?: number;
  val_r2?: number;
  batch?: number;
  size?: number;
  batch_loss?: number;
  [metric: string]: number | undefined;
}
export interface History { epoch: number[]; loss: number[]; accuracy?: number[]; val_loss?: number[]; val_accuracy?: number[]; [metric: string]: number[] | undefined }
export type Data = Dataset | { x: Float32Array | number[][]; y: Int32Array | Float32Array | number[] };

/** The hooks of a fit; also accepted grouped as `callbacks: { ... }` (or an array of such objects), as in TF.js. */
export interface FitCallbacks {
  onTrainBegin?: () => void | Promise<void>;
  onTrainEnd?: (logs: Logs) => void | Promise<void>;
  onEpochEnd?: (epoch: number, logs: Logs) => void | Promise<void>;
  onBatchEnd?: (batch: number, logs: Logs) => void | Promise<void>;
}

export interface FitOptions {
  epochs?: number;
  batchSize?: number;
  shuffle?: boolean;
  /** A Dataset, { x, y }, or [x, y] as in TF.js. */
  validationData?: Data | [Float32Array | number[][], Int32Array | Float32Array | number[]];
  callbacks?: FitCallbacks | FitCallbacks[];
  validationSplit?: number;
  earlyStopping?: boolean | EarlyStoppingOptions;
  onTrainBegin?: () => void | Promise<void>;
  onTrainEnd?: (logs: Logs) => void | Promise<void>;
  onEpochEnd?: (epoch: number, logs: Logs) => void | Promise<void>;
  onBatchEnd?: (batch: number, logs: Logs) => void | Promise<void>;
  signal?: AbortSignal;
  /** Seed of the shuffling and gate noise of this fit; default: the model's seed. */
  seed?: number;
}

export interface ClassificationMetrics { loss: number; accuracy: number }
export interface RegressionMetrics { loss: number; rmse: number; r2: number }
/** evaluate()'s result for a model of task T: MoE<'classification'> gives accuracy, MoE<'regression'> rmse and r2. */
export type EvaluateResult<T extends Task = Task> = T extends 'classification' ? ClassificationMetrics : RegressionMetrics;

/** summary(): size and cost of the model. */
export interface ModelSummary {
  parameters: number;
  experts: number;
  inputDim: number;
  outputDim: number;
  flopsPerSample: number;
  /** Every dense layer: name and [rows, cols] of its weight matrix. */
  layers: Array<{ name: string; shape: [number, number] }>;
}

// Number of values in x without scanning it (a Float32Array, an array of rows or an array-like).
function valueCount(x: unknown, d: number): number {
  if (x instanceof Float32Array) return x.length;
  if (Array.isArray(x)) return x.length > 0 && Array.isArray(x[0]) ? x.length * d : x.length;
  const n = x && typeof x === 'object' ? (x as ArrayLike<number>).length : 0;
  return typeof n === 'number' && Number.isFinite(n) ? n : 0;
}

// A fit adds Adam's two moments and the best weights kept for early stopping (12 bytes per
// parameter) for as long as it runs.
const TRAINER_BYTES_PER_PARAM = 12;
const DISPOSE_HINT = 'dispose() models you no longer need, or use fewer experts or narrower layers';

// Frees the wasm memory of models that were garbage collected without dispose() (dispose() stays
// the way to free it at a known time: collection may come late or never).
const forgotten = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry<RawModel>((handle) => { try { handle.delete(); } catch { /* its module was discarded */ } })
  : null;

let adopting: { module: LoadedModule; handle: RawModel; schema: Schema | null } | null = null;

// Wall time one fitRun chunk should take: long enough to amortise the yield, short enough to stay responsive.
const TARGET_CHUNK_MS = 25;

/**
 * A Mixture-of-Experts model in wasm memory. Call dispose() (or use `using`) when done.
 * T is its task when known at compile time (`new MoE({ ..., task: 'regression' })`), typing evaluate().
 */
export class MoE<T extends Task = Task> {
  #module: LoadedModule;
  #raw: RawModel | null;
  #config: RawConfig;
  #schema: Schema | null = null;
  #fitting = false;
  #disposeAfterFit = false;
  #trained = false; // set by a fit that finished an epoch, or by loadModel

  constructor(options: MoEOptions & { task?: T }) {
    if (adopting) {
      // loadModel(): wrap an already loaded handle (private fields need a real constructor call).
      const { module, handle, schema } = adopting;
      adopting = null;
      this.#module = module; this.#raw = handle; this.#schema = schema;
      this.#config = handle.config() as unknown as RawConfig;
      this.#trained = true;
      forgotten?.register(this, handle, this);
      return;
    }
    const config = toRawConfig(options);
    this.#module = current();
    // What configure() will allocate (the core's own count), refused here if the heap cannot hold it.
    const need = guard(this.#module, this.#module.raw).modelMemory(config);
    checkHeapRoom(this.#module, need.bytes, 'MoE', DISPOSE_HINT, `a model of ${need.parameters} parameters`);
    const handle = guard(this.#module, new this.#module.raw.Model());
    const status = handle.configure(config);
    if (status.code !== 0) {
      handle.delete();
      check(status, 'MoE');
    }
    this.#raw = handle;
    forgotten?.register(this, handle, this);
    // Read back what C++ holds (float32 hyper-parameters), so options match a saved-and-loaded model's.
    this.#config = handle.config() as unknown as RawConfig;
  }

  /** A model sized for a dataset (inputDim, outputDim, task) that carries the dataset's schema. */
  static forDataset<T extends Task = Task>(ds: Dataset, rest: Omit<MoEOptions, 'inputDim' | 'outputDim' | 'task'> = {}): MoE<T> {
    if (!(ds instanceof Dataset)) throw new MoEError('MoE.forDataset: the first argument must be a Dataset');
    const m = new MoE<T>({ ...rest, inputDim: ds.numFeatures, outputDim: ds.outputDim, task: ds.task as T });
    m.#schema = ds.schema;
    return m;
  }

  /** @internal used by loadModel */
  static fromHandle(module: LoadedModule, handle: RawModel, schema: Schema | null): MoE {
    adopting = { module, handle, schema };
    return new MoE({} as MoEOptions);
  }

  /** @internal sets the schema of a model built from options elsewhere (the worker host). */
  _setSchema(schema: Schema | null): void { this.#schema = schema; }

  /** The preprocessing schema of the dataset it was built for or trained on (saved with the model). */
  get schema(): Schema | null { return this.#schema; }
  /** The options the model was built with (defaults filled in). */
  get options(): Required<MoEOptions> { return fromRawConfig(this.#config); }
  get inputDim(): number { return this.#config.input_dim; }
  get outputDim(): number { return this.#config.output_dim; }
  get task(): T { return this.#config.task as T; }
  get disposed(): boolean { return this.#raw === null || this.#disposeAfterFit; }

  #handle(): RawModel {
    if (!this.#raw || this.#disposeAfterFit) throw new MoEError('model has been disposed');
    return this.#raw;
  }

  // Bytes one row of data takes when copied into wasm: features plus labels (a class index or outputDim values).
  #rowBytes(): number {
    return 4 * (this.#config.input_dim + (this.#config.task === 'classification' ? 1 : this.#config.output_dim));
  }

  #xy(data: Data, what: string, requireLabels = true): { x: Float32Array; y: Int32Array | Float32Array; rows: number } {
    const d = this.#config.input_dim;
    // Every call copies its rows into wasm memory once (fit hands that copy to the trainer).
    const hint = 'use fewer rows (evaluate in slices, or train on a sample)';
    if (data instanceof Dataset) checkHeapRoom(this.#module, data.numRows * this.#rowBytes(), what, hint);
    else if (data && typeof data === 'object' && 'x' in data) checkHeapRoom(this.#module, valueCount(data.x, d) / d * this.#rowBytes(), what, hint);
    if (data instanceof Dataset) {
      if (data.numRows === 0) throw new MoEError(`${what} is empty: the dataset has no rows`);
      if (data.numFeatures !== d) throw new MoEError(`${what}: the dataset has ${data.numFeatures} features but the model expects inputDim = ${d}`);
      if (data.task !== this.#config.task) throw new MoEError(`${what}: the dataset is for ${data.task} but the model does ${this.#config.task}`);
      if (!data.labels) {
        if (requireLabels) throw new MoEError(`${what}: the dataset has no target column`);
        return { x: data.features, y: new Int32Array(0), rows: data.numRows };
      }
      if (data.task === 'classification' && data.classes.length > this.#config.output_dim) {
        throw new MoEError(`${what}: the dataset has ${data.classes.length} classes but the model has outputDim = ${this.#config.output_dim}`);
      }
      const y = checkLabels(data.labels, data.numRows, this.#config.task, this.#config.task === 'classification' ? this.#config.output_dim : undefined, `${what} labels`);
      if (this.#config.task === 'regression' && y.length !== data.numRows * this.#config.output_dim) {
        throw new MoEError(`${what}: ${y.length / data.numRows} targets per row but the model has outputDim = ${this.#config.output_dim}`);
      }
      return { x: data.features, y, rows: data.numRows };
    }
    if (!data || typeof data !== 'object' || !('x' in data)) throw new MoEError(`${what}: expected a Dataset or { x, y }`);
    const x = checkFeatures(data.x, d, `${what} x`);
    const rows = x.length / d;
    const y = checkLabels(data.y, rows, this.#config.task, this.#config.task === 'classification' ? this.#config.output_dim : undefined, `${what} y`);
    if (this.#config.task === 'regression' && y.length !== rows * this.#config.output_dim) {
      throw new MoEError(`${what} y has ${y.length} values, expected rows * outputDim = ${rows * this.#config.output_dim}`);
    }
    return { x, y, rows };
  }

  #features(x: Float32Array | number[][] | Dataset, what: string, outWidth: number): { x: Float32Array; rows: number } {
    const d = this.#config.input_dim;
    // The rows are copied in and the results (rows, outWidth) copied out of wasm memory.
    const rows = x instanceof Dataset ? x.numRows : valueCount(x, d) / d;
    checkHeapRoom(this.#module, rows * 4 * (d + outWidth), what, `${what} in slices of fewer rows`);
    if (x instanceof Dataset) {
      if (x.numFeatures !== d) throw new MoEError(`${what}: the dataset has ${x.numFeatures} features but the model expects inputDim = ${d}`);
      return { x: x.features, rows: x.numRows };
    }
    const f = checkFeatures(x, d, `${what} x`);
    return { x: f, rows: f.length / d };
  }

  /** Trains asynchronously in chunks of batches, yielding to the event loop between chunks. */
  async fit(data: Data, fitOptions: FitOptions = {}): Promise<History> {
    const handle = this.#handle();
    if (this.#fitting) throw new MoEError('fit is already running on this model');
    const raw = toRawFitOptions(fitOptions as Record<string, unknown>);
    const options = normalizeFitOptions(fitOptions) as Omit<FitOptions, 'validationData'> & { validationData?: Data };
    const { signal } = options;
    const { x, y, rows } = this.#xy(data, 'fit');
    let vx: Float32Array = new Float32Array(0);
    let vy: Int32Array | Float32Array = new Int32Array(0);
    let vrows = 0;
    if (options.validationData !== undefined) ({ x: vx, y: vy, rows: vrows } = this.#xy(options.validationData, 'validationData'));
    if (signal?.aborted) throw new AbortError('fit was aborted before it started');
    // validationSplit (the last fraction of the rows, before shuffling, as Keras and TF.js take it)
    // and the ranges of every option are applied by the core.
    // The trainer's optimizer state and the one copy of the rows it keeps (tests/js/fit-memory.test.ts).
    const params = Number(handle.summary().parameters);
    checkHeapRoom(this.#module, TRAINER_BYTES_PER_PARAM * params + (rows + vrows) * this.#rowBytes(), 'fit', DISPOSE_HINT,
      `training a model of ${params} parameters on ${rows} rows`);
    check(handle.beginFit(x, y, rows, vx, vy, vrows, raw), 'fit');
    this.#fitting = true;
    const history: History = { epoch: [], loss: [] };
    let chunk = 1;
    let lastLogs = {} as Logs;
    try {
      await options.onTrainBegin?.();
      for (;;) {
        if (this.#disposeAfterFit) throw new MoEError('model has been disposed');
        if (signal?.aborted) throw new AbortError('fit was aborted');
        const t0 = now();
        const r = check(handle.fitRun(chunk), 'fit');
        const dt = now() - t0;
        // Adapt the chunk so the next one takes about TARGET_CHUNK_MS (grow at most 4x per step).
        chunk = Math.max(1, Math.min(chunk * 4, 4096, Math.round(chunk * TARGET_CHUNK_MS / Math.max(dt, 0.05))));
        if (options.onBatchEnd) {
          const cls = this.#config.task === 'classification';
          for (let i = 0; i < r.batchLoss.length; i++) {
            const logs: Logs = { batch: r.batchIndex[i], size: raw.batch_size, loss: r.batchLoss[i], batch_loss: r.batchOwnLoss[i] };
            if (cls) logs.accuracy = r.batchAccuracy[i];
            await options.onBatchEnd(r.batchIndex[i], logs);
          }
        }
        for (const e of r.epochs) {
          const { epoch, ...logs } = e;
          history.epoch.push(epoch);
          for (const [k, v] of Object.entries(logs)) (history[k] ??= []).push(v);
          lastLogs = logs as Logs;
          this.#trained = true;
          await options.onEpochEnd?.(epoch, logs as Logs);
        }
        if (r.done) break;
        await yieldToEventLoop();
      }
      check(handle.endFit(), 'fit');
      this.#fitting = false;
      await options.onTrainEnd?.(lastLogs);
      return history;
    } finally {
      if (this.#fitting) {
        this.#fitting = false;
        handle.endFit();
      }
      if (this.#disposeAfterFit) this.#free();
    }
  }

  /** Class probabilities (rows, outputDim) or regression values; a fresh Float32Array. */
  predict(x: Float32Array | number[][] | Dataset): Float32Array {
    const handle = this.#handle();
    const f = this.#features(x, 'predict', this.#config.output_dim);
    return check(handle.predict(f.x, f.rows), 'predict').data;
  }

  /** Gate weight of every expert per row: (rows, experts). */
  gate(x: Float32Array | number[][] | Dataset): Float32Array {
    const handle = this.#handle();
    const f = this.#features(x, 'gate', this.#config.experts);
    return check(handle.gate(f.x, f.rows), 'gate').data;
  }

  /** { loss, accuracy } for classification, { loss, rmse, r2 } for regression. */
  evaluate(data: Data): EvaluateResult<T> {
    const handle = this.#handle();
    const { x, y, rows } = this.#xy(data, 'evaluate');
    const r = check(handle.evaluate(x, y, rows), 'evaluate');
    return (this.#config.task === 'classification'
      ? { loss: r.loss, accuracy: r.accuracy }
      : { loss: r.loss, rmse: r.rmse, r2: r.r2 }) as EvaluateResult<T>;
  }

  /**
   * evaluate() with context: baseline (majority class / mean of `train`'s labels applied to `test`),
   * balanced accuracy, per-class precision/recall/support and confusion matrix; for regression
   * MAE, the mean predictor's RMSE/R² and the residuals. See docs/API.md "model.report".
   */
  report(test: Dataset, options: ReportOptions = {}): Report<T> {
    this.#handle();
    return report(this, test, options) as Report<T>;
  }

  /** Size and cost: { parameters, experts, flopsPerSample, ... }. */
  summary(): ModelSummary {
    const r = check(this.#handle().summary(), 'summary');
    const { code: _c, name: _n, message: _m, ...rest } = r;
    return rest as unknown as ModelSummary;
  }

  /**
   * How the gate spreads rows over experts: meanWeight (E) and topFraction (E); with labels
   * (classification) also classUsage (C * E, row-major: mean gate weight per expert for each class).
   */
  expertUsage(data: Float32Array | number[][] | Data): { meanWeight: number[]; topFraction: number[]; classUsage?: number[][] } {
    const handle = this.#handle();
    let x: Float32Array, rows: number, y: Int32Array | Float32Array = new Int32Array(0);
    if (data instanceof Dataset && data.labels) ({ x, y, rows } = this.#xy(data, 'expertUsage'));
    else if (!(data instanceof Dataset) && data && typeof data === 'object' && 'x' in data) ({ x, y, rows } = this.#xy(data, 'expertUsage'));
    else ({ x, rows } = this.#features(data as Float32Array | Dataset, 'expertUsage', 0));
    const r = check(handle.expertUsage(x, y, rows), 'expertUsage');
    const e = this.#config.experts;
    const out: { meanWeight: number[]; topFraction: number[]; classUsage?: number[][] } = {
      meanWeight: Array.from(r.meanWeight), topFraction: Array.from(r.topFraction) };
    if (r.classUsage) out.classUsage = Array.from({ length: r.classUsage.length / e }, (_, c) => Array.from(r.classUsage!.subarray(c * e, c * e + e)));
    return out;
  }

  /** @internal copies of every parameter tensor (name, rows, cols, data), for exporters. */
  _tensors(): Array<{ name: string; rows: number; cols: number; data: Float32Array }> {
    return check(this.#handle().tensors(), 'tensors').tensors;
  }

  /** Versioned, validated bytes with weights, config and the preprocessing schema. */
  save(): Uint8Array {
    const handle = this.#handle();
    return check(handle.save(this.#schema ? JSON.stringify(this.#schema) : ''), 'save').data;
  }

  /**
   * The model as ONNX bytes (IR 7, opset 13): input 'features' [N, inputDim] (encoded as
   * Dataset.features), output 'probabilities' [N, C] or 'values' [N, C]; metadata holds the schema
   * ('moe-wasm.schema'), class labels ('moe-wasm.classes') and the options ('moe-wasm.options').
   */
  toONNX(): Uint8Array {
    this.#handle();
    if (!this.#trained) throw new MoEError('toONNX: the model has not been trained yet (call fit() or loadModel() first)');
    const c = this.#config;
    const tensors = new Map<string, OnnxTensor>();
    for (const t of this._tensors()) tensors.set(t.name, { rows: t.rows, cols: t.cols, data: t.data });
    const metadata: Record<string, string> = { 'moe-wasm.options': JSON.stringify(this.options) };
    if (this.#schema) {
      metadata['moe-wasm.schema'] = JSON.stringify(this.#schema);
      const classes = (this.#schema as { classes?: unknown }).classes;
      if (Array.isArray(classes)) metadata['moe-wasm.classes'] = JSON.stringify(classes);
    }
    return buildOnnx({
      task: c.task, inputDim: c.input_dim, outputDim: c.output_dim, experts: c.experts,
      expertHidden: c.expert_hidden, gateHidden: c.gate_hidden, activation: c.activation,
      gating: c.gating === 'topk' ? { type: 'topk', k: c.k } : { type: 'softmax' },
      tensors, metadata, producerVersion: this.#module.raw.version(),
    });
  }

  /**
   * The model as a PyTorch project: model.py (the same MoE as a torch.nn.Module, preprocess(rows)),
   * weights.safetensors (config and schema in its metadata), schema.json and train_ddp.py (torchrun DDP).
   */
  toPyTorch(): PyTorchFiles {
    return buildPyTorch({ options: this.options, schema: this.#schema, tensors: this._tensors(), version: this.#module.raw.version() });
  }

  /** Frees the wasm memory. Idempotent; any later use throws MoEError. During fit, the fit rejects. */
  dispose(): void {
    if (!this.#raw) return;
    if (this.#fitting) { this.#disposeAfterFit = true; return; }
    this.#free();
  }

  #free(): void {
    forgotten?.unregister(this);
    this.#raw?.delete();
    this.#raw = null;
  }

  [Symbol.dispose](): void { this.dispose(); }
}

/**
 * Rebuilds a model from save() bytes, or from a .safetensors file whose metadata carries the config
 * and schema (toPyTorch, train_ddp.py), with the currently initialised build. Corrupt bytes -> MoEError.
 */
export async function loadModel(bytes: Uint8Array | ArrayBuffer): Promise<MoE> {
  const module = current();
  let b: Uint8Array;
  if (bytes instanceof Uint8Array) b = bytes;
  else if (bytes instanceof ArrayBuffer) b = new Uint8Array(bytes);
  else throw new MoEError(`loadModel: expected a Uint8Array or ArrayBuffer, got ${bytes === null ? 'null' : typeof bytes}`);
  // The file is copied in, then the model holds its parameters and their gradients: about 3x the file
  // (a .safetensors file becomes a model file of about its size first).
  checkHeapRoom(module, 3 * b.length, `loadModel: a model file of ${mib(b.length)} MiB`, 'it is too large to load in this build');
  if (looksLikeSafetensors(b)) b = safetensorsToModelFile(module, b);
  const handle = guard(module, new module.raw.Model());
  const r = handle.load(b);
  if (r.code !== 0) {
    handle.delete();
    check(r, 'loadModel');
  }
  let schema: Schema | null = null;
  if (r.schema) {
    try { schema = JSON.parse(r.schema) as Schema; } catch { handle.delete(); throw new MoEError('loadModel: the saved schema is not valid JSON', 'Corrupt'); }
  }
  return MoE.fromHandle(module, handle, schema);
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** Resolves on a macrotask, so timers, I/O, paints and abort events get their turn. */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (cb: () => void) => void };
  if (typeof g.setImmediate === 'function') return new Promise((r) => g.setImmediate!(r));
  if (typeof MessageChannel !== 'undefined') {
    return new Promise((r) => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => { ch.port1.close(); r(); };
      ch.port2.postMessage(null);
    });
  }
  return new Promise((r) => setTimeout(r, 0));
}
