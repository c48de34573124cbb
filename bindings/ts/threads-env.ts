// How many threads init({ threads }) can use here, and why not more: all cores in Node and in
// workers of a cross-origin-isolated page, one on a browser main thread or without isolation.
import { availableCores, isNode } from './platform.js';

export type ThreadsOption = 'auto' | number;

export interface ThreadsPlan {
  threads: number;   // threads to start (1: the single-thread SIMD or baseline build)
  reason?: string;   // why fewer threads than asked for
}


/** Why this realm cannot run the threaded build, or null when it can. */
export function threadsUnavailable(simd: boolean): string | null {
  if (!simd) return 'the threaded build needs WebAssembly SIMD128';
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') {
    return 'SharedArrayBuffer is not available (the page is not cross-origin isolated: serve it with ' +
      'Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)';
  }
  if (isNode) return null;
  const g = globalThis as { crossOriginIsolated?: boolean; window?: unknown; WorkerGlobalScope?: unknown; document?: unknown };
  if (g.crossOriginIsolated !== true) {
    return 'the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and ' +
      'Cross-Origin-Embedder-Policy: require-corp)';
  }
  if (typeof g.WorkerGlobalScope === 'undefined' || typeof g.document !== 'undefined') {
    return 'a browser main thread cannot wait for other threads: train in a worker (moe-wasm/worker) to use threads';
  }
  return null;
}

/** The plan for init({ threads }): the count asked for ('auto' = every core) or 1 with the reason. */
export function planThreads(option: ThreadsOption | undefined, simd: boolean): ThreadsPlan {
  if (option === undefined || option === 1) return { threads: 1 };
  const want = option === 'auto' ? availableCores() : option;
  if (want === 1) return { threads: 1 };
  const why = threadsUnavailable(simd);
  return why === null ? { threads: want } : { threads: 1, reason: why };
}
