// The messages between a Trainer (worker-client.ts) and its worker (worker-host.ts). Plain,
// structured-clonable objects; every request has an id, answered by one 'result' or 'error'.
import type { MoEOptions } from './options.js';
import type { Logs } from './model.js';
import type { Schema } from './dataset.js';

/** Training data as it crosses to the worker: features (rows, D) and labels. */
export interface WireData { x: Float32Array; y: Int32Array | Float32Array }

/** fit options without the callbacks and signal (those stay on the calling side). */
export interface WireFitOptions {
  epochs?: number; batchSize?: number; shuffle?: boolean; validationSplit?: number;
  validationData?: WireData;
  earlyStopping?: boolean | { monitor?: string; patience?: number; minDelta?: number; restoreBestWeights?: boolean };
  wantBatchEnd: boolean;
}

export type Request =
  | { id: number; type: 'create'; simd?: boolean; wasmUrl?: string; options: MoEOptions; schema: Schema | null }
  | { id: number; type: 'load'; simd?: boolean; wasmUrl?: string; bytes: Uint8Array }
  | { id: number; type: 'fit'; data: WireData; options: WireFitOptions }
  | { id: number; type: 'abort'; target: number }
  | { id: number; type: 'predict'; x: Float32Array }
  | { id: number; type: 'gate'; x: Float32Array }
  | { id: number; type: 'evaluate'; data: WireData }
  | { id: number; type: 'summary' }
  | { id: number; type: 'save' }
  | { id: number; type: 'dispose' };

export type Response =
  | { id: number; type: 'result'; value: unknown }
  | { id: number; type: 'error'; name: string; message: string; code?: string }
  | { id: number; type: 'epoch'; epoch: number; logs: Logs }
  | { id: number; type: 'batch'; batch: number; logs: Logs };
