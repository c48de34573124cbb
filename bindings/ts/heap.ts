// Memory introspection of the active wasm module (allocated bytes and the heap's size), for tests
// and diagnostics. Not a memory manager.
import { current } from './module-loader.js';

/** { allocated: bytes malloc'ed and not freed, heapSize: current size of the wasm memory }. */
export function heapUsage(): { allocated: number; heapSize: number } {
  const { raw } = current();
  return { allocated: raw.heapUsage(), heapSize: raw.HEAP8.buffer.byteLength };
}
