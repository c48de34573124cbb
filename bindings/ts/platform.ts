// The package's one Node test and its access to Node built-ins. No import statement names a Node
// module, so browser bundlers find nothing to stub, externalize or warn about.
import { MoEError } from './errors.js';

/** True in Node (also under Vitest/Jest with jsdom, where `window` exists but files live on disk). */
export const isNode: boolean = typeof process === 'object' && process !== null &&
  typeof process.versions === 'object' && typeof process.versions.node === 'string';

interface NodeFs { readFile(path: URL): Promise<Uint8Array> }
interface NodeWorkerThreads {
  Worker: new (url: URL, options?: { workerData?: unknown }) => NodeWorkerLike;
  parentPort: NodePortLike | null;
  workerData: unknown;
}
export interface NodeWorkerLike {
  postMessage(msg: unknown, transfer?: readonly unknown[]): void;
  on(event: string, cb: (arg: never) => void): void;
  terminate(): Promise<number>;
  ref(): void;    // keeps the process alive while a call is pending
  unref(): void;  // an idle worker does not
}
export interface NodePortLike {
  postMessage(msg: unknown, transfer?: readonly unknown[]): void;
  on(event: 'message', cb: (msg: never) => void): void;
}

interface NodeOs { availableParallelism?(): number; cpus(): unknown[] }
interface Builtins { 'node:fs/promises': NodeFs; 'node:worker_threads': NodeWorkerThreads; 'node:os': NodeOs }

/** os.availableParallelism() in Node, navigator.hardwareConcurrency in browsers; at least 1. */
export function availableCores(): number {
  if (isNode) {
    const os = nodeBuiltin('node:os');
    return Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
  }
  const n = typeof navigator === 'object' ? navigator.hardwareConcurrency : 1;
  return Math.max(1, Number.isInteger(n) ? n : 1);
}

/** A Node built-in through process.getBuiltinModule (Node >= 20.16, what package.json "engines" asks). */
export function nodeBuiltin<K extends keyof Builtins>(name: K): Builtins[K] {
  const get = (process as unknown as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  if (typeof get !== 'function') {
    throw new MoEError(`moe-wasm needs Node >= 20.16 (process.getBuiltinModule); this is Node ${process.versions.node}`, 'Internal');
  }
  return get(name) as Builtins[K];
}
