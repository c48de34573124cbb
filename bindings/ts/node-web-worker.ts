// A Web Worker as Emscripten's pthread glue expects one (onmessage, onerror, postMessage,
// terminate), made of a Node worker_thread running pthread-node.js. Only used in Node, while the
// threaded module starts its pool (module-loader.ts); idle pool workers do not keep Node alive.
import { nodeBuiltin, type NodeWorkerLike } from './platform.js';

/** The file every pthread worker starts with (next to this module in dist/). */
const BOOTSTRAP = './pthread-node.js';

export class NodeWebWorker {
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;
  readonly #worker: NodeWorkerLike;

  constructor(script: string | URL) {
    const { Worker } = nodeBuiltin('node:worker_threads');
    // Not `new URL(literal, import.meta.url)`: browser bundlers must not see (and emit) this Node-only file.
    const here = import.meta.url;
    this.#worker = new Worker(new URL(BOOTSTRAP, here), { workerData: { script: String(script) } });
    this.#worker.on('message', (data: never) => this.onmessage?.({ data }));
    this.#worker.on('error', (e: never) => this.onerror?.(e));
  }

  postMessage(msg: unknown, transfer?: readonly unknown[]): void {
    this.#worker.postMessage(msg, transfer);
  }

  terminate(): void {
    void this.#worker.terminate();
  }

  /** Lets Node exit while this worker idles (the module's pool threads wait forever). */
  unref(): void {
    this.#worker.unref();
  }
}

/**
 * Runs `start` (the glue's factory call, which creates the pool's workers) with a global Worker
 * that makes NodeWebWorkers, then puts the global back. Returns the result and the workers made.
 */
export function withNodeWorkers<T>(start: () => T): { result: T; workers: NodeWebWorker[] } {
  const g = globalThis as { Worker?: unknown };
  const had = Object.prototype.hasOwnProperty.call(g, 'Worker');
  const previous = g.Worker;
  const workers: NodeWebWorker[] = [];
  g.Worker = class extends NodeWebWorker {
    constructor(script: string | URL) {
      super(script);
      workers.push(this);
    }
  };
  try {
    return { result: start(), workers };
  } finally {
    if (had) g.Worker = previous;
    else delete g.Worker;
  }
}
