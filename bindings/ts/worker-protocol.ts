// The messages between 'moe-wasm/worker' (worker-channel.ts, worker-client.ts, worker-dataset.ts)
// and its worker (worker-host.ts). Plain, structured-clonable objects; every request has an id,
// answered by one 'result' or 'error'. Datasets and models live in the worker, named by handles.
import type { MoEOptions } from './options.js';
import type { Logs } from './model.js';
import type { ColumnInfo, CsvOptions, Schema, SplitOptions } from './dataset.js';
import type { InspectOptions } from './inspect.js';
import type { PredictionsCsvOptions } from './predictions-csv.js';
import type { Task } from './options.js';

/** Training data as it crosses to the worker: features (rows, D) and labels. */
export interface WireData { x: Float32Array; y: Int32Array | Float32Array }
/** A dataset the worker already holds. */
export interface DatasetRef { dataset: number }
export type WireDataRef = WireData | DatasetRef;

/** fit options without the callbacks and signal (those stay on the calling side). */
export interface WireFitOptions {
  epochs?: number; batchSize?: number; shuffle?: boolean; validationSplit?: number;
  validationData?: WireDataRef;
  earlyStopping?: boolean | { monitor?: string; patience?: number; minDelta?: number; restoreBestWeights?: boolean };
  wantBatchEnd: boolean;
}

/** What the calling side learns about a dataset parsed in the worker (no feature matrix). */
export interface DatasetInfo {
  handle: number;
  numRows: number; numFeatures: number; outputDim: number; task: Task;
  featureNames: string[]; classes: string[]; columns: ColumnInfo[]; warnings: string[];
  schema: Schema | null;
  /** (numRows,) class indices or (numRows * outputDim) values; null without a target column. */
  labels: Int32Array | Float32Array | null;
}

export type WireCsvOptions = Omit<CsvOptions, 'schema'> & { schema?: Schema | string | null };

export type Request =
  | { id: number; type: 'init'; simd?: boolean; wasmUrl?: string; threads?: 'auto' | number }
  | { id: number; type: 'create'; options: MoEOptions; schema: Schema | null }
  | { id: number; type: 'load'; bytes: Uint8Array }
  | { id: number; type: 'fit'; model: number; data: WireDataRef; options: WireFitOptions }
  | { id: number; type: 'abort'; target: number }
  | { id: number; type: 'predict'; model: number; x: Float32Array | DatasetRef }
  | { id: number; type: 'gate'; model: number; x: Float32Array | DatasetRef }
  | { id: number; type: 'evaluate'; model: number; data: WireDataRef }
  | { id: number; type: 'summary'; model: number }
  | { id: number; type: 'save'; model: number }
  | { id: number; type: 'onnx'; model: number }
  | { id: number; type: 'dispose'; model: number }
  | { id: number; type: 'csv'; input: Uint8Array | string; options: WireCsvOptions }
  | { id: number; type: 'split'; dataset: number; fraction: number; options: SplitOptions }
  | { id: number; type: 'features'; dataset: number }
  | { id: number; type: 'disposeDataset'; dataset: number }
  | { id: number; type: 'project2d'; dataset: number }
  | { id: number; type: 'suggestTarget'; input: Uint8Array | string; options: InspectOptions }
  | { id: number; type: 'preview'; input: Uint8Array | string; rows: number; options: InspectOptions }
  | { id: number; type: 'report'; model: number; test: DatasetRef; train?: DatasetRef }
  | { id: number; type: 'predictionsCsv'; model: number; parts: DatasetRef | { data: DatasetRef; split: string }[]; options: PredictionsCsvOptions };

export type Response =
  | { id: number; type: 'result'; value: unknown }
  | { id: number; type: 'error'; name: string; message: string; code?: string }
  /** Progress of a fit, in order: several epoch/batch ends at most every PROGRESS_MS (a fast fit cannot flood the caller). */
  | { id: number; type: 'progress'; events: ProgressEvent[] };

export type ProgressEvent = { kind: 'epoch'; epoch: number; logs: Logs } | { kind: 'batch'; batch: number; logs: Logs };

/** The longest a progress event waits in the worker before it is posted. */
export const PROGRESS_MS = 40;
