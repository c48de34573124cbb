// 'moe-wasm/worker': a Trainer with the MoE API (fit/predict/evaluate/gate/summary/save/dispose)
// whose model lives in a Web Worker (browsers) or a worker_thread (Node), so the caller never blocks.
// Kept in the emitted .d.ts so a consumer's tsc (skipLibCheck: false) knows Symbol.(async)Dispose.
/// <reference lib="esnext.disposable" preserve="true" />
import { AbortError, MoEError } from './errors.js';
import { Dataset, checkFeatures, checkLabels, type Schema } from './dataset.js';
import { toRawFitOptions } from './fit-options.js';
import type { Data, EvaluateResult, FitOptions, History, Logs, ModelSummary } from './model.js';
import { toRawConfig, type MoEOptions, type Task } from './options.js';
import type { Request, Response, WireData, WireFitOptions } from './worker-protocol.js';
import { isNode, nodeBuiltin } from './platform.js';
import { normalizeFitOptions } from './fit-callbacks.js';

export { MoEError, AbortError } from './errors.js';

interface Channel {
  post(msg: Request, transfer?: Transferable[]): void;
  terminate(): void;
  /** Node: whether the worker keeps the process alive (only while a call is pending). */
  hold?(busy: boolean): void;
}

interface Pending {
  resolve(v: unknown): void;
  reject(e: unknown): void;
  onEpoch?: (epoch: number, logs: Logs) => void;
  onBatch?: (batch: number, logs: Logs) => void;
}

type Distribute<T> = T extends unknown ? Omit<T, 'id'> : never;

export interface TrainerInit {
  /** Same meaning as init({ simd }) in the worker. */
  simd?: boolean;
  /** Same meaning as init({ wasmUrl }) in the worker (a string or URL; relative URLs resolve against the page). */
  wasmUrl?: string | URL;
  /**
   * The worker script: default `new URL('./worker-host.js', import.meta.url)`, which Vite and webpack
   * bundle by themselves. With Rollup or esbuild, add `moe-wasm/worker-host` as a second entry point
   * and pass its output URL here.
   */
  workerUrl?: string | URL;
}

/** The wasmUrl as a string the worker can receive, resolved against this page (the worker's base differs). */
function wireWasmUrl(init: TrainerInit): { wasmUrl?: string } {
  if (init.wasmUrl === undefined) return {};
  if (typeof init.wasmUrl !== 'string' && !(init.wasmUrl instanceof URL)) throw new MoEError('createTrainer: wasmUrl must be a string or a URL');
  const base = typeof location === 'object' && location ? location.href : undefined;
  return { wasmUrl: base ? new URL(String(init.wasmUrl), base).href : String(init.wasmUrl) };
}

/** A model in a worker. Create with createTrainer / Trainer.forDataset / Trainer.load; end with dispose(). */
export class Trainer<T extends Task = Task> {
  #channel: Channel | null = null;
  #pending = new Map<number, Pending>();
  #nextId = 1;
  #dead: string | null = null;
  #options: Required<MoEOptions> | null = null;
  #schema: Schema | null = null;

  private constructor() {}

  /** Starts a worker and builds a model in it with the MoE options (validated here first). */
  static async create<T extends Task = Task>(options: MoEOptions & { task?: T }, init: TrainerInit & { schema?: Schema | null } = {}): Promise<Trainer<T>> {
    toRawConfig(options);
    const wasm = wireWasmUrl(init);
    const t = new Trainer<T>();
    t.#start(init);
    const r = await t.#call({ type: 'create', simd: init.simd, ...wasm, options, schema: init.schema ?? null }) as { options: Required<MoEOptions> };
    t.#options = r.options;
    t.#schema = init.schema ?? null;
    return t;
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
    const wasm = wireWasmUrl(init);
    const t = new Trainer();
    t.#start(init);
    try {
      const r = await t.#call({ type: 'load', simd: init.simd, ...wasm, bytes: new Uint8Array(bytes.slice(0)) }) as { options: Required<MoEOptions>; schema: Schema | null };
      t.#options = r.options;
      t.#schema = r.schema;
    } catch (e) {
      t.terminate();
      throw e;
    }
    return t;
  }

  get options(): Required<MoEOptions> { this.#alive(); return this.#options!; }
  get schema(): Schema | null { return this.#schema; }

  #start(init: TrainerInit): void {
    const onMessage = (msg: Response) => this.#onMessage(msg);
    if (isNode) {
      // Not `new URL(literal, import.meta.url)`: browser bundlers must not see (and emit) this path.
      const { Worker: NodeWorker } = nodeBuiltin('node:worker_threads');
      const here = import.meta.url;
      const w = new NodeWorker(new URL(init.workerUrl !== undefined ? String(init.workerUrl) : './worker-host.js', here));
      w.on('message', onMessage);
      w.on('error', (e: Error) => this.#fail(`the trainer worker crashed: ${e.message}`));
      w.on('exit', (code: number) => this.#fail(`the trainer worker exited (code ${code})`));
      // An idle worker must not keep Node running (a trainer the program forgot to dispose).
      w.unref();
      this.#channel = {
        post: (m, t) => w.postMessage(m, t), terminate: () => { void w.terminate(); },
        hold: (busy) => { if (busy) w.ref(); else w.unref(); },
      };
    } else {
      // The literal `new Worker(new URL('./worker-host.js', import.meta.url), ...)` is the pattern
      // Vite and webpack recognise and bundle; workerUrl serves bundlers that do not (Rollup, esbuild).
      const w = init.workerUrl !== undefined
        ? new Worker(init.workerUrl, { type: 'module' })
        : new Worker(new URL('./worker-host.js', import.meta.url), { type: 'module' });
      w.onmessage = (e: MessageEvent) => onMessage(e.data as Response);
      w.onerror = (e: ErrorEvent) => { e.preventDefault?.(); this.#fail(`the trainer worker crashed: ${e.message || 'unknown error'}`); };
      w.onmessageerror = () => this.#fail('the trainer worker sent a message that could not be read');
      this.#channel = { post: (m, t) => w.postMessage(m, t ?? []), terminate: () => w.terminate() };
    }
  }

  #alive(): Channel {
    if (this.#dead) throw new MoEError(this.#dead);
    return this.#channel!;
  }

  #call(req: Distribute<Request>, hooks: Omit<Pending, 'resolve' | 'reject'> = {}, transfer?: Transferable[]): Promise<unknown> & { id: number } {
    const id = this.#nextId++;
    let p: Promise<unknown>;
    try {
      const channel = this.#alive();
      p = new Promise((resolve, reject) => {
        this.#pending.set(id, { resolve, reject, ...hooks });
        try {
          channel.post({ ...req, id } as Request, transfer);
        } catch (e) {
          // Not structured-clonable (a function, a symbol...): nothing was sent.
          this.#pending.delete(id);
          reject(new MoEError(`${req.type}: an argument cannot be sent to the worker (${e instanceof Error ? e.message : String(e)}); ` +
            'pass plain data: numbers, strings, booleans, arrays, typed arrays'));
          return;
        }
        if (this.#pending.size === 1) channel.hold?.(true);
      });
    } catch (e) {
      p = Promise.reject(e);
    }
    return Object.assign(p, { id });
  }

  #onMessage(msg: Response): void {
    const p = this.#pending.get(msg.id);
    if (!p) return;
    if (msg.type === 'epoch') { p.onEpoch?.(msg.epoch, msg.logs); return; }
    if (msg.type === 'batch') { p.onBatch?.(msg.batch, msg.logs); return; }
    this.#pending.delete(msg.id);
    if (this.#pending.size === 0) this.#channel?.hold?.(false);
    if (msg.type === 'result') p.resolve(msg.value);
    else if (msg.name === 'AbortError') p.reject(new AbortError(msg.message));
    else p.reject(new MoEError(msg.message, msg.code ?? 'Internal'));
  }

  // The worker is gone: every pending call rejects, every later call throws this message.
  #fail(reason: string): void {
    if (this.#dead) return;
    this.#dead = reason;
    for (const p of this.#pending.values()) p.reject(new MoEError(reason, 'Internal'));
    this.#pending.clear();
  }

  /** Trains in the worker; callbacks run here as progress messages arrive; signal aborts the fit. */
  async fit(data: Data, fitOptions: FitOptions = {}): Promise<History> {
    // The checks MoE.fit runs in the worker, run here first so a bad option fails before any transfer.
    toRawFitOptions(fitOptions as Record<string, unknown>);
    const options = normalizeFitOptions(fitOptions) as Omit<FitOptions, 'validationData'> & { validationData?: Data };
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
    const call = this.#call({ type: 'fit', data: this.#wire(data), options: wire }, { onEpoch: safe(onEpochEnd), onBatch: safe(onBatchEnd) });
    const onAbort = () => { if (!this.#dead) this.#channel!.post({ id: this.#nextId++, type: 'abort', target: call.id }); };
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

  #wire(data: Data): WireData {
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

  #x(x: Float32Array | number[][] | Dataset): Float32Array {
    if (x instanceof Dataset) return x.features.slice();
    return x instanceof Float32Array ? x.slice() : checkFeatures(x, this.options.inputDim, 'x');
  }

  async predict(x: Float32Array | number[][] | Dataset): Promise<Float32Array> {
    const xs = this.#x(x);
    return await this.#call({ type: 'predict', x: xs }, {}, [xs.buffer]) as Float32Array;
  }

  async gate(x: Float32Array | number[][] | Dataset): Promise<Float32Array> {
    const xs = this.#x(x);
    return await this.#call({ type: 'gate', x: xs }, {}, [xs.buffer]) as Float32Array;
  }

  async evaluate(data: Data): Promise<EvaluateResult<T>> {
    return await this.#call({ type: 'evaluate', data: this.#wire(data) }) as EvaluateResult<T>;
  }

  async summary(): Promise<ModelSummary> {
    return await this.#call({ type: 'summary' }) as ModelSummary;
  }

  async save(): Promise<Uint8Array> {
    return await this.#call({ type: 'save' }) as Uint8Array;
  }

  /** Frees the model and ends the worker. Pending calls reject; later calls throw MoEError. */
  async dispose(): Promise<void> {
    if (this.#dead) return;
    try { await this.#call({ type: 'dispose' }); } catch { /* the worker ends either way */ }
    this.terminate('the trainer has been disposed');
  }

  /** Ends the worker at once (last resort: abort via signal first). Pending calls reject. */
  terminate(reason = 'the trainer worker was terminated'): void {
    if (this.#dead) return;
    this.#fail(reason);
    this.#channel?.terminate();
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
