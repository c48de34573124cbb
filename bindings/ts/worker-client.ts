// 'moe-wasm/worker': a Trainer with the MoE API (fit/predict/evaluate/gate/summary/save/dispose)
// whose model lives in a Web Worker (browsers) or a worker_thread (Node), so the caller never blocks.
// A WorkerSession holds one worker with its datasets (RemoteDataset, parsed once) and trainers.
// Kept in the emitted .d.ts so a consumer's tsc (skipLibCheck: false) knows Symbol.(async)Dispose.
/// <reference lib="esnext.disposable" preserve="true" />
import { AbortError, MoEError } from './errors.js';
import { Dataset, checkFeatures, checkLabels, type CsvOptions, type Schema } from './dataset.js';
import { toRawFitOptions } from './fit-options.js';
import type { InitResult } from './module-loader.js';
import type { EvaluateResult, FitOptions, History, Logs, ModelSummary } from './model.js';
import { toRawConfig, type MoEOptions, type Task } from './options.js';
import type { DatasetInfo, WireDataRef, WireFitOptions } from './worker-protocol.js';
import { normalizeFitOptions } from './fit-callbacks.js';
import { Channel, type TrainerInit } from './worker-channel.js';
import { RemoteDataset } from './worker-dataset.js';
import type { CsvPreview, InspectOptions, TargetSuggestion } from './inspect.js';
import type { PredictionsCsvOptions } from './predictions-csv.js';
import type { Report } from './report.js';

export { MoEError, AbortError } from './errors.js';
export { RemoteDataset } from './worker-dataset.js';
export type { TrainerInit } from './worker-channel.js';

/** What a worker-side trainer accepts as data: an in-process Dataset or { x, y } (copied), or a RemoteDataset (by handle). */
export type WorkerData = Dataset | RemoteDataset | { x: Float32Array | number[][]; y: Int32Array | Float32Array | number[] };
type WorkerFitOptions = Omit<FitOptions, 'validationData'> & { validationData?: WorkerData };

/** One worker holding datasets and models. Start with openWorker(); end with terminate(). */
export class WorkerSession {
  /** @internal */
  readonly channel: Channel;

  private constructor(init: TrainerInit) { this.channel = new Channel(init); }

  /** Starts a worker and its engine: resolves once init() ran there. */
  static async open(init: TrainerInit = {}): Promise<WorkerSession> {
    const s = new WorkerSession(init);
    try {
      await s.channel.engine;
    } catch (e) {
      s.terminate();
      throw e;
    }
    return s;
  }

  /** What init() resolved to in the worker: { simd, threads, version }. */
  get engine(): Promise<InitResult> { return this.channel.engine; }

  /** Dataset.fromCSV in the worker; the bytes are transferred when an ArrayBuffer/Uint8Array owns them alone. */
  async fromCSV(input: string | Uint8Array | ArrayBuffer, options: CsvOptions = {}): Promise<RemoteDataset> {
    const wire = wireInput(input, 'fromCSV');
    const transfer = typeof wire === 'string' ? [] : [wire.buffer as ArrayBuffer];
    const info = await this.channel.call({ type: 'csv', input: wire, options }, {}, transfer) as DatasetInfo;
    return new RemoteDataset(this.channel, info);
  }

  /** Dataset.suggestTarget in the worker (reads only the file's first 256 KiB). */
  async suggestTarget(input: string | Uint8Array | ArrayBuffer, options: InspectOptions = {}): Promise<TargetSuggestion> {
    return await this.channel.call({ type: 'suggestTarget', input: wireInput(input, 'suggestTarget'), options }) as TargetSuggestion;
  }

  /** Dataset.preview in the worker: header and first rows as text, by the package's reader. */
  async preview(input: string | Uint8Array | ArrayBuffer, rows = 10, options: InspectOptions = {}): Promise<CsvPreview> {
    return await this.channel.call({ type: 'preview', input: wireInput(input, 'preview'), rows, options }) as CsvPreview;
  }

  /** A model in this worker (options validated here first); schema: the preprocessing it carries. */
  async create<T extends Task = Task>(options: MoEOptions & { task?: T }, extra: { schema?: Schema | null } = {}): Promise<Trainer<T>> {
    toRawConfig(options);
    return Trainer._make<T>(this.channel, false, options, extra.schema ?? null);
  }

  /** Like MoE.forDataset: sized for the dataset and carrying its schema. */
  forDataset<T extends Task = Task>(ds: Dataset | RemoteDataset, rest: Omit<MoEOptions, 'inputDim' | 'outputDim' | 'task'> = {}): Promise<Trainer<T>> {
    if (!(ds instanceof Dataset) && !(ds instanceof RemoteDataset)) throw new MoEError('forDataset: the first argument must be a Dataset or RemoteDataset');
    return this.create<T>({ ...rest, inputDim: ds.numFeatures, outputDim: ds.outputDim, task: ds.task as T }, { schema: ds.schema });
  }

  /** A model in this worker loaded from save() bytes (or a .safetensors export). */
  load(bytes: Uint8Array | ArrayBuffer): Promise<Trainer> {
    return Trainer._load(this.channel, false, bytes);
  }

  /** Ends the worker: its datasets and trainers are gone, pending calls reject with MoEError. */
  terminate(reason = 'the worker session was terminated'): void { this.channel.terminate(reason); }
}

/** Input bytes as they cross to the worker (a copy: the caller keeps its buffer). */
function wireInput(input: string | Uint8Array | ArrayBuffer, what: string): string | Uint8Array {
  if (typeof input === 'string') return input;
  if (input instanceof Uint8Array) return input.slice();
  if (input instanceof ArrayBuffer) return new Uint8Array(input.slice(0));
  throw new MoEError(`${what}: input must be a string, Uint8Array or ArrayBuffer, got ${input === null ? 'null' : typeof input}`);
}

/** Starts a worker for datasets and trainers: `const w = await openWorker(); const ds = await w.fromCSV(bytes)`. */
export function openWorker(init: TrainerInit = {}): Promise<WorkerSession> {
  return WorkerSession.open(init);
}

/** A model in a worker. Create with createTrainer / Trainer.forDataset / Trainer.load or a WorkerSession; end with dispose(). */
export class Trainer<T extends Task = Task> {
  #channel: Channel;
  /** Whether dispose() ends the worker (a trainer made by createTrainer has a worker of its own). */
  #owns: boolean;
  #model = 0;
  #disposed: string | null = null;
  #options: Required<MoEOptions> | null = null;
  #schema: Schema | null = null;

  private constructor(channel: Channel, owns: boolean) { this.#channel = channel; this.#owns = owns; }

  /** @internal */
  static async _make<T extends Task>(channel: Channel, owns: boolean, options: MoEOptions, schema: Schema | null): Promise<Trainer<T>> {
    const t = new Trainer<T>(channel, owns);
    const r = await channel.call({ type: 'create', options, schema }) as { model: number; options: Required<MoEOptions> };
    t.#model = r.model;
    t.#options = r.options;
    t.#schema = schema;
    return t;
  }

  /** @internal */
  static async _load(channel: Channel, owns: boolean, bytes: Uint8Array | ArrayBuffer): Promise<Trainer> {
    if (!(bytes instanceof Uint8Array) && !((bytes as unknown) instanceof ArrayBuffer)) {
      throw new MoEError(`Trainer.load: expected a Uint8Array or ArrayBuffer, got ${bytes === null ? 'null' : typeof bytes}`);
    }
    const t = new Trainer(channel, owns);
    const r = await channel.call({ type: 'load', bytes: new Uint8Array(bytes.slice(0)) }) as { model: number; options: Required<MoEOptions>; schema: Schema | null };
    t.#model = r.model;
    t.#options = r.options;
    t.#schema = r.schema;
    return t;
  }

  /** Starts a worker and builds a model in it with the MoE options (validated here first). */
  static async create<T extends Task = Task>(options: MoEOptions & { task?: T }, init: TrainerInit & { schema?: Schema | null } = {}): Promise<Trainer<T>> {
    toRawConfig(options);
    const channel = new Channel(init);
    try {
      return await Trainer._make<T>(channel, true, options, init.schema ?? null);
    } catch (e) {
      channel.terminate('the trainer could not be created');
      throw e;
    }
  }

  /** Like MoE.forDataset: sized for the dataset and carrying its schema. */
  static forDataset<T extends Task = Task>(ds: Dataset, rest: Omit<MoEOptions, 'inputDim' | 'outputDim' | 'task'> = {}, init: TrainerInit = {}): Promise<Trainer<T>> {
    if (!(ds instanceof Dataset)) throw new MoEError('Trainer.forDataset: the first argument must be a Dataset');
    return Trainer.create<T>({ ...rest, inputDim: ds.numFeatures, outputDim: ds.outputDim, task: ds.task as T }, { ...init, schema: ds.schema });
  }

  /** Starts a worker holding a model loaded from save() bytes. */
  static async load(bytes: Uint8Array | ArrayBuffer, init: TrainerInit = {}): Promise<Trainer> {
    if (!(bytes instanceof Uint8Array) && !((bytes as unknown) instanceof ArrayBuffer)) {
      throw new MoEError(`Trainer.load: expected a Uint8Array or ArrayBuffer, got ${bytes === null ? 'null' : typeof bytes}`);
    }
    const channel = new Channel(init);
    try {
      return await Trainer._load(channel, true, bytes);
    } catch (e) {
      channel.terminate('the model could not be loaded');
      throw e;
    }
  }

  get options(): Required<MoEOptions> { this.#alive(); return this.#options!; }
  get schema(): Schema | null { return this.#schema; }

  #alive(): void {
    if (this.#disposed) throw new MoEError(this.#disposed);
    this.#channel.alive();
  }

  #call(req: Parameters<Channel['call']>[0], hooks: Parameters<Channel['call']>[1] = {}, transfer?: Transferable[]): Promise<unknown> & { id: number } {
    try {
      this.#alive();
    } catch (e) {
      return Object.assign(Promise.reject(e), { id: 0 });
    }
    return this.#channel.call(req, hooks, transfer);
  }

  /** Trains in the worker; callbacks run here as progress messages arrive; signal aborts the fit. */
  async fit(data: WorkerData, fitOptions: WorkerFitOptions = {}): Promise<History> {
    // The checks MoE.fit runs in the worker, run here first so a bad option fails before any transfer.
    toRawFitOptions(fitOptions as Record<string, unknown>);
    const options = normalizeFitOptions(fitOptions as FitOptions) as WorkerFitOptions;
    const { onEpochEnd, onBatchEnd, onTrainBegin, onTrainEnd, signal, validationData, ...rest } = options;
    const foreign = notPlainData(rest, '');
    if (foreign) throw new MoEError(`fit: option ${foreign} cannot be sent to the worker: fit options are plain data (callbacks are onTrainBegin, onTrainEnd, onEpochEnd, onBatchEnd)`);
    if (signal?.aborted) throw new AbortError('fit was aborted before it started');
    const wire: WireFitOptions = { ...rest, wantBatchEnd: typeof onBatchEnd === 'function' };
    if (validationData !== undefined) wire.validationData = this.#wire(validationData);
    await onTrainBegin?.();
    // An abort during the await above (or right after the call) fired before the listener below exists.
    if (signal?.aborted) throw new AbortError('fit was aborted');
    // A callback that throws (or rejects) stops the fit in the worker; fit then rejects with that error.
    let callbackError: { error: unknown } | null = null;
    const stop = (error: unknown) => { if (!callbackError) { callbackError = { error }; onAbort(); } };
    const safe = <A extends unknown[]>(fn: ((...a: A) => void | Promise<void>) | undefined) => (...a: A) => {
      try {
        const r = fn?.(...a);
        if (r && typeof (r as Promise<void>).then === 'function') (r as Promise<void>).catch(stop);
      } catch (e) { stop(e); }
    };
    const call = this.#call({ type: 'fit', model: this.#model, data: this.#wire(data), options: wire }, { onEpoch: safe(onEpochEnd), onBatch: safe(onBatchEnd) });
    const onAbort = () => this.#channel.send({ type: 'abort', target: call.id });
    signal?.addEventListener('abort', onAbort, { once: true });
    let history: History;
    try {
      history = await call as History;
    } catch (e) {
      if (callbackError) throw (callbackError as { error: unknown }).error;
      throw e;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    if (callbackError) throw (callbackError as { error: unknown }).error;
    await onTrainEnd?.(Object.fromEntries(Object.entries(history).filter(([k]) => k !== 'epoch').map(([k, v]) => [k, v![v!.length - 1]])) as Logs);
    return history;
  }

  #wire(data: WorkerData): WireDataRef {
    if (data instanceof RemoteDataset) return data.ref(this.#channel);
    if (data instanceof Dataset) {
      if (!data.labels) throw new MoEError('the dataset has no target column');
      return { x: data.features.slice(), y: data.labels.slice() };
    }
    if (!data || typeof data !== 'object' || !('x' in data)) throw new MoEError('expected a Dataset or { x, y }');
    // The same checks as MoE on the main thread (labels are never truncated or coerced).
    const { inputDim, outputDim, task } = this.options;
    const x = checkFeatures(data.x, inputDim, 'x').slice();
    const y = checkLabels(data.y, x.length / inputDim, task, task === 'classification' ? outputDim : undefined, 'y').slice();
    return { x, y };
  }

  #x(x: Float32Array | number[][] | Dataset | RemoteDataset): { x: Float32Array | { dataset: number }; transfer: Transferable[] } {
    if (x instanceof RemoteDataset) return { x: x.ref(this.#channel), transfer: [] };
    const xs = x instanceof Dataset ? x.features.slice() : x instanceof Float32Array ? x.slice() : checkFeatures(x, this.options.inputDim, 'x');
    return { x: xs, transfer: [xs.buffer as ArrayBuffer] };
  }

  /** (rows, outputDim): class probabilities or values. */
  async predict(x: Float32Array | number[][] | Dataset | RemoteDataset): Promise<Float32Array> {
    const w = this.#x(x);
    return await this.#call({ type: 'predict', model: this.#model, x: w.x }, {}, w.transfer) as Float32Array;
  }

  /** (rows, experts): the gate's weight of every expert per row. */
  async gate(x: Float32Array | number[][] | Dataset | RemoteDataset): Promise<Float32Array> {
    const w = this.#x(x);
    return await this.#call({ type: 'gate', model: this.#model, x: w.x }, {}, w.transfer) as Float32Array;
  }

  async evaluate(data: WorkerData): Promise<EvaluateResult<T>> {
    return await this.#call({ type: 'evaluate', model: this.#model, data: this.#wire(data) }) as EvaluateResult<T>;
  }

  async summary(): Promise<ModelSummary> {
    return await this.#call({ type: 'summary', model: this.#model }) as ModelSummary;
  }

  async save(): Promise<Uint8Array> {
    return await this.#call({ type: 'save', model: this.#model }) as Uint8Array;
  }

  /** model.report(test, { train }) in the worker: metrics with the baseline's, per class or residuals. */
  async report(test: RemoteDataset, options: { train?: RemoteDataset } = {}): Promise<Report<T>> {
    const req = { type: 'report' as const, model: this.#model, test: test.ref(this.#channel), ...(options.train ? { train: options.train.ref(this.#channel) } : {}) };
    return await this.#call(req) as Report<T>;
  }

  /** predictionsToCsv in the worker: one dataset, or parts with their split names ('train', 'test'). */
  async predictionsCsv(data: RemoteDataset | { data: RemoteDataset; split: string }[], options: PredictionsCsvOptions = {}): Promise<string> {
    const parts = data instanceof RemoteDataset ? data.ref(this.#channel) : data.map((p) => ({ data: p.data.ref(this.#channel), split: p.split }));
    return await this.#call({ type: 'predictionsCsv', model: this.#model, parts, options }) as string;
  }

  /** MoE.toONNX in the worker. */
  async toONNX(): Promise<Uint8Array> {
    return await this.#call({ type: 'onnx', model: this.#model }) as Uint8Array;
  }

  /** Frees the model (and ends the worker when the trainer has its own). Later calls throw MoEError. */
  async dispose(): Promise<void> {
    if (this.#disposed || this.#channel.dead) return;
    try { await this.#call({ type: 'dispose', model: this.#model }); } catch { /* the worker ends either way */ }
    this.#disposed = 'the trainer has been disposed';
    if (this.#owns) this.#channel.terminate('the trainer has been disposed');
  }

  /** Ends the worker at once (last resort: abort via signal first). Pending calls reject. */
  terminate(reason = 'the trainer worker was terminated'): void {
    this.#channel.terminate(reason);
  }

  async [Symbol.asyncDispose](): Promise<void> { await this.dispose(); }
}

// The path of the first value in plain option data that cannot cross to a worker (function, symbol), or ''.
function notPlainData(v: unknown, path: string, depth = 0): string {
  if (typeof v === 'function' || typeof v === 'symbol') return `${path || 'value'} (a ${typeof v})`;
  if (!v || typeof v !== 'object' || ArrayBuffer.isView(v) || depth > 8) return '';
  for (const [k, item] of Object.entries(v)) {
    const found = notPlainData(item, path ? `${path}.${k}` : k, depth + 1);
    if (found) return found;
  }
  return '';
}

/** Starts a worker-backed trainer: `const t = await createTrainer({ inputDim, outputDim, ... })`. */
export function createTrainer<T extends Task = Task>(options: MoEOptions & { task?: T }, init: TrainerInit & { schema?: Schema | null } = {}): Promise<Trainer<T>> {
  return Trainer.create<T>(options, init);
}
