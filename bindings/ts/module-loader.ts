// Loads the wasm module: picks the SIMD128, baseline or threaded build, memoizes one promise per
// build, and knows the Node vs browser differences. It does not wrap the Embind objects (dataset.ts, model.ts).
import { check, MoEError, type RawStatus } from './errors.js';
import { isNode, nodeBuiltin } from './platform.js';
import { withNodeWorkers } from './node-web-worker.js';
import { planThreads, type ThreadsOption } from './threads-env.js';
// The Emscripten glues are imported statically (they are small; the .wasm files are fetched on
// demand): no code splitting, so the file also works as a classic (iife) worker bundle.
import createSimd from './wasm/moe-simd.js';
import createBase from './wasm/moe-base.js';
import createThreads from './wasm/moe-threads.js';

/** 'threads': SIMD128 + pthreads on shared memory (Node, workers of cross-origin-isolated pages). */
export type Build = 'simd' | 'base' | 'threads';

/** Embind model handle (bindings/wasm/bindings.cpp). Every method returns a status value, never throws. */
export interface RawModel {
  configure(config: object): RawStatus;
  load(bytes: Uint8Array): RawStatus & { schema: string };
  predict(x: Float32Array, rows: number): RawStatus & { data: Float32Array };
  gate(x: Float32Array, rows: number): RawStatus & { data: Float32Array };
  evaluate(x: Float32Array, y: Int32Array | Float32Array, rows: number): RawStatus & Record<string, number>;
  beginFit(x: Float32Array, y: Int32Array | Float32Array, rows: number,
           vx: Float32Array, vy: Int32Array | Float32Array, vrows: number, options: object): RawStatus;
  fitRun(maxBatches: number): RawStatus & RawFitProgress;
  endFit(): RawStatus & { restored: boolean };
  expertUsage(x: Float32Array, y: Int32Array | Float32Array, rows: number): RawStatus & { meanWeight: Float64Array; topFraction: Float64Array; classUsage?: Float64Array };
  tensors(): RawStatus & { tensors: Array<{ name: string; rows: number; cols: number; data: Float32Array }> };
  summary(): RawStatus & Record<string, unknown>;
  save(schemaJson: string): RawStatus & { data: Uint8Array };
  config(): Record<string, unknown>;
  delete(): void;
}

/** What one fitRun call reports (a chunk never crosses an epoch boundary). Arrays are (batches run,). */
export interface RawFitProgress {
  batchEpoch: Int32Array;                   // 0-based epoch of each batch
  batchIndex: Int32Array;                   // 0-based batch within its epoch
  batchLoss: Float64Array;                  // running mean loss over the epoch so far (Keras-style)
  batchAccuracy: Float64Array;              // running accuracy (classification)
  batchOwnLoss: Float64Array;               // this batch's own mean loss
  epochs: Array<Record<string, number>>;    // the epoch this chunk finished, if any: { epoch, loss, accuracy | rmse, r2, val_... }
  batchInEpoch: number;                     // index of the next batch within the current epoch
  done: boolean;                            // all epochs ran, or early stopping fired
  earlyStopped: boolean;
  bestEpoch: number;
}

export interface RawDataset extends RawStatus {
  numRows: number;
  numFeatures: number;
  task: 'classification' | 'regression';
  features: Float32Array;
  labels: Int32Array | Float32Array | null;
  featureNames: string[];
  classes: string[];
  columns: Array<{ name: string; kind: string; missing: number }>;
  warnings: string[];
  schema: string;
}

export interface RawCsvReader {
  feed(chunk: Uint8Array): RawStatus;
  finish(): RawDataset;
  bytesRead(): number;
  rowsRead(): number;
  delete(): void;
}

export interface RawModule {
  Model: new () => RawModel;
  CsvReader: new (options: object) => RawCsvReader;
  readCsv(bytes: Uint8Array, options: object): RawDataset;
  version(): string;
  simd(): boolean;
  setThreads(n: number): RawStatus;         // the core's pool size; builds without pthreads take 1 only
  threads(): number;
  heapUsage(): number;                      // bytes malloc'ed and not freed (mallinfo uordblks)
  limits(): { maxClasses: number; maxThreads: number }; // the core's limits JS checks before using them
  modelMemory(config: object): { parameters: number; bytes: number }; // what configure() would allocate
  HEAP8: Int8Array;
}

export interface LoadedModule {
  build: Build;
  key: string;      // its entry in the memo ('simd', 'base', 'threads:4')
  raw: RawModule;
  reason?: string;  // why this module runs on one thread although more were asked for
}

// A minimal module that only validates where SIMD128 is supported: () -> v128 { i8x16.splat(0) }.
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03,
  0x02, 0x01, 0x00, 0x0a, 0x08, 0x01, 0x06, 0x00, 0x41, 0x00, 0xfd, 0x0f, 0x0b,
]);

/** True when this engine can run the SIMD128 build. */
export function simdSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

/** One promise per build; the threaded build per thread count ('threads:4'). */
const loading = new Map<string, Promise<LoadedModule>>();
const buildKey = (build: Build, threads: number): string => (build === 'threads' ? `threads:${threads}` : build);

/** Where the .wasm files are served from, as set by init({ wasmUrl }); null: next to this file. */
let wasmLocation: WasmUrl | null = null;

/** The memoized module of one build (loaded at most once per realm; the threaded one per count). */
export function loadBuild(build: Build, threads = 1): Promise<LoadedModule> {
  const key = buildKey(build, threads);
  let p = loading.get(key);
  if (!p) {
    p = instantiate(build, threads).catch((e: unknown) => {
      loading.delete(key);
      throw e instanceof MoEError ? e : new MoEError(`could not load the ${build} wasm build: ${String(e)}`, 'Internal');
    });
    loading.set(key, p);
  }
  return p;
}

/** The files init({ wasmUrl }) locates: the three builds, and the threaded build's glue and worker script. */
export type WasmFile = 'moe-simd.wasm' | 'moe-base.wasm' | 'moe-threads.wasm' | 'moe-threads.js' | 'moe-threads.worker.js';

function wasmFileUrl(build: Build): URL {
  return fileUrl(build === 'simd' ? 'moe-simd.wasm' : build === 'base' ? 'moe-base.wasm' : 'moe-threads.wasm');
}

function fileUrl(file: WasmFile): URL {
  if (wasmLocation !== null) {
    const loc = typeof wasmLocation === 'function' ? wasmLocation(file) : wasmLocation;
    const href = String(loc);
    const base = typeof location === 'object' && location ? location.href : undefined;
    // A string or URL ending in '/' is the folder holding both files; anything else is the file itself.
    return href.endsWith('/') ? new URL(file, new URL(href, base)) : new URL(href, base);
  }
  // Literal `new URL(literal, import.meta.url)` so bundlers (Vite, webpack) emit and rewrite the files.
  switch (file) {
    case 'moe-simd.wasm': return new URL('./wasm/moe-simd.wasm', import.meta.url);
    case 'moe-base.wasm': return new URL('./wasm/moe-base.wasm', import.meta.url);
    case 'moe-threads.wasm': return new URL('./wasm/moe-threads.wasm', import.meta.url);
    case 'moe-threads.js': return new URL('./wasm/moe-threads.js', import.meta.url);
    case 'moe-threads.worker.js': return new URL('./wasm/moe-threads.worker.js', import.meta.url);
  }
}

const WASM_FIX = 'serve the files node_modules/moe-wasm/dist/wasm/moe-simd.wasm and moe-base.wasm there ' +
  '(as application/wasm), or say where they are: `await init({ wasmUrl: \'/path/to/folder/\' })`';

/** Fetches and compiles one .wasm file; every failure is a MoEError naming the URL and the fix. */
async function compileWasm(url: URL): Promise<WebAssembly.Module> {
  let bytes: BufferSource;
  if (isNode && url.protocol === 'file:') {
    try {
      bytes = await nodeBuiltin('node:fs/promises').readFile(url) as Uint8Array<ArrayBuffer>;
    } catch (e) {
      throw new MoEError(`could not read the wasm file ${url.href}: ${e instanceof Error ? e.message : String(e)}; ` +
        'reinstall moe-wasm, or pass `init({ wasmUrl })`', 'Internal');
    }
    return WebAssembly.compile(bytes);
  }
  let res: Response;
  try {
    res = await fetch(url, { credentials: 'same-origin' });
  } catch (e) {
    throw new MoEError(`could not fetch the wasm file ${url.href} (${e instanceof Error ? e.message : String(e)}): ${WASM_FIX}`, 'Internal');
  }
  if (!res.ok) {
    throw new MoEError(`could not fetch the wasm file ${url.href}: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}; ${WASM_FIX}`, 'Internal');
  }
  const type = res.headers.get('content-type') ?? '';
  if (typeof WebAssembly.compileStreaming === 'function' && type.split(';')[0].trim() === 'application/wasm') {
    return WebAssembly.compileStreaming(res);
  }
  bytes = await res.arrayBuffer();
  try {
    return await WebAssembly.compile(bytes);
  } catch (e) {
    throw new MoEError(`the file at ${url.href} is not the moe-wasm module (${e instanceof Error ? e.message : String(e)}; ` +
      `content-type ${type || 'none'}): ${WASM_FIX}`, 'Internal');
  }
}

async function instantiate(build: Build, threads: number): Promise<LoadedModule> {
  const module = await compileWasm(wasmFileUrl(build));
  const factory = (build === 'simd' ? createSimd : build === 'base' ? createBase : createThreads) as (args: object) => Promise<RawModule>;
  // The glue calls instantiateWasm instead of fetching the file itself; a failure there rejects `failed`.
  let fail: (e: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => { fail = reject; });
  const args: Record<string, unknown> = {
    instantiateWasm(imports: WebAssembly.Imports, ready: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) {
      WebAssembly.instantiate(module, imports).then((instance) => ready(instance, module), fail);
      return {};
    },
  };
  const key = buildKey(build, threads);
  if (build !== 'threads') return { build, key, raw: await Promise.race([failed, factory(args)]) };
  // The threaded glue starts threads - 1 workers before it resolves (-sPTHREAD_POOL_SIZE=Module.moePoolSize);
  // each imports this same glue (mainScriptUrlOrBlob) after Emscripten's worker script (locateFile).
  args.moePoolSize = threads - 1;
  args.mainScriptUrlOrBlob = fileUrl('moe-threads.js').href;
  args.locateFile = (file: string) => (file.endsWith('.worker.js') ? fileUrl('moe-threads.worker.js').href : file);
  const started = isNode ? withNodeWorkers(() => factory(args)) : { result: factory(args), workers: [] };
  const raw = await Promise.race([failed, started.result]);
  for (const w of started.workers) w.unref();
  check(raw.setThreads(threads), 'init: threads');
  return { build, key, raw };
}

let active: LoadedModule | null = null;

/**
 * Wraps an Embind object so that a trap inside wasm (out of memory, an abort) becomes a MoEError
 * and the broken module instance is discarded: the next init() loads a fresh one.
 */
export function guard<T extends object>(module: LoadedModule, target: T): T {
  return new Proxy(target, {
    get(obj, key, receiver) {
      const v = Reflect.get(obj, key, receiver);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        try {
          return (v as (...a: unknown[]) => unknown).apply(obj, args);
        } catch (e) {
          if (e instanceof MoEError) throw e;
          // Embind refusing an argument's type (BindingError, TypeError) is the caller's mistake:
          // the module is intact. Only a trap (out of memory, abort) discards it.
          if (!isTrap(e)) throw new MoEError(`invalid argument: ${e instanceof Error ? e.message : String(e)}`);
          if (loading.get(module.key) && active === module) active = null;
          loading.delete(module.key);
          throw new MoEError(`the wasm module failed and was discarded (${e instanceof Error ? e.message : String(e)}); ` +
            'call `await init()` again and recreate your models', 'Internal');
        }
      };
    },
  });
}

// A wasm trap or abort() (RuntimeError); anything else thrown through a call is marshalling.
function isTrap(e: unknown): boolean {
  return typeof WebAssembly === 'object' && e instanceof WebAssembly.RuntimeError;
}

/** Where the .wasm files are: a folder (ending in '/'), one file, or a function of the file name. */
export type WasmUrl = string | URL | ((file: WasmFile) => string | URL);

export interface InitOptions {
  /** true: require the SIMD128 build; false: force the baseline build; absent: SIMD where supported. */
  simd?: boolean;
  /**
   * Where the .wasm files are served (like TF.js's setWasmPaths): a folder URL ending in '/'
   * (relative URLs resolve against the page), a full file URL, or a function of the file name.
   * Default: next to this module (`new URL('./wasm/...', import.meta.url)`), which Vite and webpack rewrite.
   */
  wasmUrl?: WasmUrl;
  /**
   * Threads one model trains with: 'auto' = every core where threads can run (Node, and workers of a
   * cross-origin-isolated page), a number = that many there; elsewhere 1 (the SIMD build, see
   * InitResult.threadsReason). Results are bit-identical for any count. Default 1.
   */
  threads?: ThreadsOption;
}

export interface InitResult {
  simd: boolean;
  /** Threads the module trains with (1 unless init({ threads }) asked for more and they can run). */
  threads: number;
  version: string;
  /** Why `threads` is 1 although more were asked for (e.g. the page is not cross-origin isolated). */
  threadsReason?: string;
}

/**
 * Loads the wasm module. Idempotent: later calls without options resolve to the build already
 * chosen. Calling it again with an explicit `simd` switches the build used by objects created
 * afterwards (models keep the build they were created with); both builds can live side by side.
 */
export async function init(options: InitOptions = {}): Promise<InitResult> {
  if (options === null || typeof options !== 'object') throw new MoEError('init options must be an object');
  const { simd, wasmUrl, threads } = options;
  if (simd !== undefined && typeof simd !== 'boolean') throw new MoEError(`init: simd must be a boolean, got ${String(simd)}`);
  if (threads !== undefined && threads !== 'auto' && !(typeof threads === 'number' && Number.isInteger(threads) && threads >= 1)) {
    throw new MoEError(`init: threads must be 'auto' or a whole number >= 1, got ${String(threads)}`);
  }
  if (wasmUrl !== undefined) {
    if (typeof wasmUrl !== 'string' && typeof wasmUrl !== 'function' && !(wasmUrl instanceof URL)) {
      throw new MoEError(`init: wasmUrl must be a string, a URL or a function, got ${String(wasmUrl)}`);
    }
    wasmLocation = wasmUrl;
  }
  let build: Build;
  if (simd === undefined) {
    if (active && threads === undefined) return describe(active);
    build = simdSupported() ? 'simd' : 'base';
  } else {
    if (simd && !simdSupported()) throw new MoEError('init: simd: true was requested but this engine does not support WebAssembly SIMD128');
    build = simd ? 'simd' : 'base';
  }
  const plan = planThreads(threads, build === 'simd');
  if (plan.threads > 1) {
    // The one limit lives in C++ (limits().maxThreads); a too large count is the caller's mistake.
    const max = (await loadBuild(build)).raw.limits().maxThreads;
    if (plan.threads > max) throw new MoEError(`init: threads must be at most ${max}, got ${plan.threads}`);
    active = await loadBuild('threads', plan.threads);
  } else {
    active = { ...(await loadBuild(build)), ...(plan.reason ? { reason: plan.reason } : {}) };
  }
  return describe(active);
}

function describe(m: LoadedModule): InitResult {
  return {
    simd: m.build !== 'base', threads: m.raw.threads(), version: m.raw.version(),
    ...(m.reason ? { threadsReason: m.reason } : {}),
  };
}

/** The module chosen by init(); throws a clear error before init() has resolved. */
export function current(): LoadedModule {
  if (!active) throw new MoEError('the wasm module is not loaded yet: call `await init()` first');
  return active;
}
