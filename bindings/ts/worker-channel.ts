// One worker of 'moe-wasm/worker' seen from the calling side: starts worker-host.js (Web Worker or
// Node worker_thread), sends requests by id, routes progress messages, and rejects every pending
// call with a MoEError when the worker dies. Knows nothing of models or datasets.
import { AbortError, MoEError } from './errors.js';
import type { InitResult } from './module-loader.js';
import type { Logs } from './model.js';
import type { Request, Response } from './worker-protocol.js';
import { isNode, nodeBuiltin } from './platform.js';

export interface TrainerInit {
  /** Same meaning as init({ simd }) in the worker. */
  simd?: boolean;
  /** Same meaning as init({ wasmUrl }) in the worker (a string or URL; relative URLs resolve against the page). */
  wasmUrl?: string | URL;
  /** Same meaning as init({ threads }) in the worker: 'auto' = every core when the page is cross-origin isolated. */
  threads?: 'auto' | number;
  /**
   * The worker script: default `new URL('./worker-host.js', import.meta.url)`, which Vite and webpack
   * bundle by themselves. With Rollup or esbuild, add `moe-wasm/worker-host` as a second entry point
   * and pass its output URL here.
   */
  workerUrl?: string | URL;
}

export interface Hooks {
  onEpoch?: (epoch: number, logs: Logs) => void;
  onBatch?: (batch: number, logs: Logs) => void;
}

interface Pending extends Hooks { resolve(v: unknown): void; reject(e: unknown): void }

export type Distribute<T> = T extends unknown ? Omit<T, 'id'> : never;

/** The wasmUrl as a string the worker can receive, resolved against this page (the worker's base differs). */
function wireWasmUrl(init: TrainerInit): { wasmUrl?: string } {
  if (init.wasmUrl === undefined) return {};
  if (typeof init.wasmUrl !== 'string' && !(init.wasmUrl instanceof URL)) throw new MoEError('createTrainer: wasmUrl must be a string or a URL');
  const base = typeof location === 'object' && location ? location.href : undefined;
  return { wasmUrl: base ? new URL(String(init.wasmUrl), base).href : String(init.wasmUrl) };
}

export class Channel {
  #post: (msg: Request, transfer?: Transferable[]) => void;
  #terminate: () => void;
  /** Node: whether the worker keeps the process alive (only while a call is pending). */
  #hold: (busy: boolean) => void = () => {};
  #pending = new Map<number, Pending>();
  #nextId = 1;
  #dead: string | null = null;
  /** Resolves to init()'s result in the worker: { simd, threads, version }. */
  readonly engine: Promise<InitResult>;

  constructor(init: TrainerInit) {
    const wasm = wireWasmUrl(init);
    const onMessage = (msg: Response) => this.#onMessage(msg);
    if (isNode) {
      // Not `new URL(literal, import.meta.url)`: browser bundlers must not see (and emit) this path.
      const { Worker: NodeWorker } = nodeBuiltin('node:worker_threads');
      const here = import.meta.url;
      const w = new NodeWorker(new URL(init.workerUrl !== undefined ? String(init.workerUrl) : './worker-host.js', here));
      w.on('message', onMessage);
      w.on('error', (e: Error) => this.fail(`the trainer worker crashed: ${e.message}`));
      w.on('exit', (code: number) => this.fail(`the trainer worker exited (code ${code})`));
      // An idle worker must not keep Node running (a trainer the program forgot to dispose).
      w.unref();
      this.#post = (m, t) => w.postMessage(m, t);
      this.#terminate = () => { void w.terminate(); };
      this.#hold = (busy) => { if (busy) w.ref(); else w.unref(); };
    } else {
      // The literal `new Worker(new URL('./worker-host.js', import.meta.url), ...)` is the pattern
      // Vite and webpack recognise and bundle; workerUrl serves bundlers that do not (Rollup, esbuild).
      const w = init.workerUrl !== undefined
        ? new Worker(init.workerUrl, { type: 'module' })
        : new Worker(new URL('./worker-host.js', import.meta.url), { type: 'module' });
      w.onmessage = (e: MessageEvent) => onMessage(e.data as Response);
      w.onerror = (e: ErrorEvent) => { e.preventDefault?.(); this.fail(`the trainer worker crashed: ${e.message || 'unknown error'}`); };
      w.onmessageerror = () => this.fail('the trainer worker sent a message that could not be read');
      this.#post = (m, t) => w.postMessage(m, t ?? []);
      this.#terminate = () => w.terminate();
    }
    this.engine = this.call({ type: 'init', simd: init.simd, threads: init.threads, ...wasm }) as Channel['engine'];
    // A failed start is reported by the first call that needs the engine; never an unhandled rejection.
    this.engine.catch(() => undefined);
  }

  get dead(): string | null { return this.#dead; }

  alive(): void {
    if (this.#dead) throw new MoEError(this.#dead);
  }

  /** Sends a request; resolves with its result. The returned promise carries the request id (for 'abort'). */
  call(req: Distribute<Request>, hooks: Hooks = {}, transfer?: Transferable[]): Promise<unknown> & { id: number } {
    const id = this.#nextId++;
    let p: Promise<unknown>;
    try {
      this.alive();
      p = new Promise((resolve, reject) => {
        this.#pending.set(id, { resolve, reject, ...hooks });
        try {
          this.#post({ ...req, id } as Request, transfer);
        } catch (e) {
          // Not structured-clonable (a function, a symbol...): nothing was sent.
          this.#pending.delete(id);
          reject(new MoEError(`${req.type}: an argument cannot be sent to the worker (${e instanceof Error ? e.message : String(e)}); ` +
            'pass plain data: numbers, strings, booleans, arrays, typed arrays'));
          return;
        }
        if (this.#pending.size === 1) this.#hold(true);
      });
    } catch (e) {
      p = Promise.reject(e);
    }
    return Object.assign(p, { id });
  }

  /** Fire and forget (no answer expected), e.g. 'abort'. */
  send(req: Distribute<Request>): void {
    if (!this.#dead) this.#post({ ...req, id: this.#nextId++ } as Request);
  }

  #onMessage(msg: Response): void {
    const p = this.#pending.get(msg.id);
    if (!p) return;
    if (msg.type === 'progress') {
      for (const e of msg.events) {
        if (e.kind === 'epoch') p.onEpoch?.(e.epoch, e.logs);
        else p.onBatch?.(e.batch, e.logs);
      }
      return;
    }
    this.#pending.delete(msg.id);
    if (this.#pending.size === 0) this.#hold(false);
    if (msg.type === 'result') p.resolve(msg.value);
    else if (msg.name === 'AbortError') p.reject(new AbortError(msg.message));
    else p.reject(new MoEError(msg.message, msg.code ?? 'Internal'));
  }

  /** The worker is gone: every pending call rejects, every later call throws this message. */
  fail(reason: string): void {
    if (this.#dead) return;
    this.#dead = reason;
    for (const p of this.#pending.values()) p.reject(new MoEError(reason, 'Internal'));
    this.#pending.clear();
  }

  /** Ends the worker at once; pending calls reject with `reason`. */
  terminate(reason: string): void {
    if (this.#dead) return;
    this.fail(reason);
    this.#terminate();
  }
}
