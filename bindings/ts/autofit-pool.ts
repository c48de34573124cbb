// autoFit's pool of workers (worker_threads in Node, module Web Workers in browsers), one wasm
// instance each: the data is sent once (shared memory where the engine allows it), then trial jobs
// run on whichever worker is free, costliest waiting job first (so a rung does not end with one long
// job on one worker while the others idle). terminate() stops every worker at once.
import { MoEError } from './errors.js';
import type { FromWorker, ToWorker, TrialJob, TrialResult, WorkerData } from './autofit-protocol.js';
import { isNode, nodeBuiltin } from './platform.js';

export interface PoolInit { simd: boolean; wasmUrl?: string; workerUrl?: string | URL }

interface Slot { post(msg: ToWorker): void; stop(): void; busy: number | null; ready: boolean }
interface Waiting { id: number; job: TrialJob; resolve(r: TrialResult): void; reject(e: unknown): void }

export { availableCores } from './platform.js';

/** Copies an array into shared memory when the engine offers it to workers (Node; cross-origin-isolated pages). */
function shared<A extends Float32Array | Int32Array>(a: A): A {
  const isolated = isNode || (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  if (typeof SharedArrayBuffer !== 'function' || !isolated) return a;
  const out = new (a.constructor as new (b: SharedArrayBuffer) => A)(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

export class TrialPool {
  #slots: Slot[] = [];
  #queue: Waiting[] = [];
  #running = new Map<number, Waiting>();
  #nextId = 1;
  #dead: Error | null = null;
  #ready: Promise<void>;

  constructor(size: number, data: WorkerData, init: PoolInit) {
    const wire: WorkerData = { ...data, x: shared(data.x), y: shared(data.y), fold: shared(data.fold) };
    const readies: Promise<void>[] = [];
    for (let i = 0; i < size; i++) {
      readies.push(new Promise((resolve, reject) => {
        const slot = this.#spawn(init, (msg) => {
          if (msg.type === 'ready') { slot.ready = true; resolve(); this.#pump(); return; }
          if (msg.type === 'error' && msg.id === -1) { reject(new MoEError(msg.message, msg.code ?? 'Internal')); this.#fail(msg.message); return; }
          this.#finish(slot, msg);
        }, (reason) => { reject(new MoEError(reason, 'Internal')); this.#fail(reason); });
        this.#slots.push(slot);
        slot.post({ type: 'init', simd: init.simd, ...(init.wasmUrl ? { wasmUrl: init.wasmUrl } : {}), data: wire });
      }));
    }
    this.#ready = Promise.all(readies).then(() => undefined);
    this.#ready.catch(() => { /* reported by ready() and by run() */ });
  }

  get size(): number { return this.#slots.length; }
  /** True once terminated or after a worker died. */
  get dead(): boolean { return this.#dead !== null; }

  /** Resolves when every worker has loaded its wasm instance. */
  ready(): Promise<void> { return this.#ready; }

  /** Queues one job; resolves with its result, rejects with the worker's error (MoEError). */
  run(job: TrialJob): Promise<TrialResult> {
    if (this.#dead) return Promise.reject(this.#dead);
    return new Promise((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, job, resolve, reject });
      this.#pump();
    });
  }

  /** Ends every worker now; queued and running jobs reject with `reason`. */
  terminate(reason: Error = new MoEError('the autoFit workers were stopped', 'Internal')): void {
    if (!this.#dead) this.#dead = reason;
    for (const s of this.#slots) s.stop();
    for (const w of [...this.#queue, ...this.#running.values()]) w.reject(this.#dead);
    this.#queue = [];
    this.#running.clear();
  }

  #spawn(init: PoolInit, onMessage: (m: FromWorker) => void, onDeath: (reason: string) => void): Slot {
    if (isNode) {
      // Not `new URL(literal, import.meta.url)`: browser bundlers must not see (and emit) this path.
      const { Worker: NodeWorker } = nodeBuiltin('node:worker_threads');
      const here = import.meta.url;
      const w = new NodeWorker(new URL(init.workerUrl !== undefined ? String(init.workerUrl) : './autofit-worker.js', here));
      w.on('message', onMessage);
      w.on('error', (e: Error) => onDeath(`an autoFit worker crashed: ${e.message}`));
      w.on('exit', (code: number) => onDeath(`an autoFit worker exited (code ${code})`));
      return { post: (m) => w.postMessage(m), stop: () => { void w.terminate(); }, busy: null, ready: false };
    }
    // The literal form is the pattern Vite and webpack recognise and bundle; workerUrl serves the others.
    const w = init.workerUrl !== undefined
      ? new Worker(init.workerUrl, { type: 'module' })
      : new Worker(new URL('./autofit-worker.js', import.meta.url), { type: 'module' });
    w.onmessage = (e: MessageEvent) => onMessage(e.data as FromWorker);
    w.onerror = (e: ErrorEvent) => { e.preventDefault?.(); onDeath(`an autoFit worker crashed: ${e.message || 'unknown error'}`); };
    return { post: (m) => w.postMessage(m), stop: () => w.terminate(), busy: null, ready: false };
  }

  #pump(): void {
    for (const slot of this.#slots) {
      if (this.#dead || this.#queue.length === 0) return;
      if (slot.busy !== null || !slot.ready) continue;
      // Longest job first; among equals, the first queued.
      let at = 0;
      for (let i = 1; i < this.#queue.length; i++) if ((this.#queue[i].job.cost ?? 0) > (this.#queue[at].job.cost ?? 0)) at = i;
      const w = this.#queue.splice(at, 1)[0];
      slot.busy = w.id;
      this.#running.set(w.id, w);
      slot.post({ type: 'job', id: w.id, job: w.job });
    }
  }

  #finish(slot: Slot, msg: Exclude<FromWorker, { type: 'ready' }>): void {
    const w = this.#running.get(msg.id);
    slot.busy = null;
    this.#running.delete(msg.id);
    if (w) {
      if (msg.type === 'result') w.resolve(msg.result);
      else w.reject(new MoEError(msg.message, msg.code ?? 'Internal'));
    }
    this.#pump();
  }

  #fail(reason: string): void {
    if (this.#dead) return;
    this.terminate(new MoEError(reason, 'Internal'));
  }
}
