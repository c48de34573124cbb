// Memory introspection of the active wasm module (allocated bytes and the heap's size), for tests
// and diagnostics, and the room check calls make before copying data in. Not a memory manager.
import { MoEError } from './errors.js';
import { current, type LoadedModule } from './module-loader.js';

/** The wasm heap's maximum (bindings/wasm/wasm.cmake: -sMAXIMUM_MEMORY=2147483648). */
export const MAX_HEAP_BYTES = 2 ** 31;
// Kept free of data for the stack, static data, the model's working buffers and fragmentation.
const HEAP_RESERVE = 64 * 2 ** 20;
export const mib = (bytes: number): number => Math.ceil(bytes / 2 ** 20);

/**
 * Refuses a call whose copies into wasm memory (`bytes`) cannot fit next to what is already
 * allocated, before anything is scanned or copied: a failed allocation would abort the module.
 */
export function checkHeapRoom(module: LoadedModule, bytes: number, what: string, hint: string, subject = 'the data'): void {
  const used = module.raw.heapUsage();
  const free = MAX_HEAP_BYTES - used - HEAP_RESERVE;
  if (bytes > free) {
    throw new MoEError(`${what}: ${subject} needs about ${mib(bytes)} MiB of wasm memory but only ${mib(Math.max(free, 0))} MiB ` +
      `of the ${mib(MAX_HEAP_BYTES)} MiB heap are free (${mib(used)} MiB are in use by models, datasets and training): ${hint}`, 'OutOfRange');
  }
}

/** { allocated: bytes malloc'ed and not freed, heapSize: current size of the wasm memory }. */
export function heapUsage(): { allocated: number; heapSize: number } {
  const { raw } = current();
  return { allocated: raw.heapUsage(), heapSize: raw.HEAP8.buffer.byteLength };
}
