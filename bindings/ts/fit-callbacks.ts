// TF.js habits in fit options, folded into the one form model.ts and worker-client.ts read:
// `callbacks: { onEpochEnd, ... }` (or an array of such objects) becomes the top-level hooks, and
// `validationData: [x, y]` becomes `{ x, y }`.
import { MoEError } from './errors.js';

const HOOKS = ['onTrainBegin', 'onTrainEnd', 'onEpochEnd', 'onBatchEnd'] as const;
type Hook = typeof HOOKS[number];
type AnyFn = (...args: never[]) => unknown;

/** The fit options this file reads and writes (model.ts's FitOptions is a structural match). */
interface Normalizable {
  callbacks?: unknown;
  validationData?: unknown;
  onTrainBegin?: unknown; onTrainEnd?: unknown; onEpochEnd?: unknown; onBatchEnd?: unknown;
}

/** Returns options with `callbacks` merged into the top-level hooks and `[x, y]` validation data as `{ x, y }`. */
export function normalizeFitOptions<O extends Normalizable>(options: O): Omit<O, 'callbacks'> {
  if (options === null || typeof options !== 'object') throw new MoEError('fit options must be an object');
  const { callbacks, ...out } = options;
  if (callbacks !== undefined) {
    const list = Array.isArray(callbacks) ? callbacks : [callbacks];
    const hooks: Partial<Record<Hook, AnyFn[]>> = {};
    for (const [i, cb] of list.entries()) {
      const where = Array.isArray(callbacks) ? `callbacks[${i}]` : 'callbacks';
      if (cb === null || typeof cb !== 'object') throw new MoEError(`${where} must be an object of hooks (${HOOKS.join(', ')})`);
      for (const [key, fn] of Object.entries(cb)) {
        if (!(HOOKS as readonly string[]).includes(key)) {
          throw new MoEError(`${where}: unknown hook '${key}' (known: ${HOOKS.join(', ')})`);
        }
        if (typeof fn !== 'function') throw new MoEError(`${where}.${key} must be a function`);
        (hooks[key as Hook] ??= []).push(fn as AnyFn);
      }
    }
    for (const key of HOOKS) {
      const fns = hooks[key];
      if (!fns) continue;
      if ((out as Normalizable)[key] !== undefined) throw new MoEError(`fit: ${key} is given both at the top level and in callbacks; give it once`);
      // Several hooks of one kind run in order, each awaited (TF.js CallbackList semantics).
      (out as Record<string, unknown>)[key] = fns.length === 1 ? fns[0] : async (...args: never[]) => {
        for (const fn of fns) await fn(...args);
      };
    }
  }
  const v = out.validationData;
  if (Array.isArray(v)) {
    if (v.length !== 2) throw new MoEError(`validationData as an array must be [x, y], got ${v.length} elements`);
    (out as Normalizable).validationData = { x: v[0], y: v[1] };
  }
  return out;
}
