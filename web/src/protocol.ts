// Messages between the demo page (main.ts) and its training worker (train-worker.ts).
// Plain structured-clone data only; the worker owns every moe-wasm object. Not part of the package API.

export type Task = 'classification' | 'regression';

export interface ColumnInfo {
  name: string;
  kind: string; // 'numeric' | 'categorical' | 'target' | 'ignored'
  missing: number;
}

/** What the page needs to know about a parsed CSV. */
export interface DataInfo {
  numRows: number;
  numFeatures: number;
  featureNames: string[]; // after encoding
  columns: ColumnInfo[];
  warnings: string[];
  task: Task;
  classes: string[];
  target: string;
}

export interface TrainOptions {
  experts: number;
  expertHidden: number[];
  gateHidden: number[];
  activation: string;
  gating: 'softmax' | 'topk';
  topK: number;
  noise: boolean;
  loadBalance: number;
  optimizer: 'adam' | 'sgd';
  learningRate: number;
  epochs: number;
  batchSize: number;
  validationSplit: number;
  testFraction: number;
  patience: number; // 0 = no early stopping
  seed: number;
}

export interface EpochLogs {
  loss: number;
  accuracy?: number;
  val_loss?: number;
  val_accuracy?: number;
}

export interface Metrics {
  loss: number;
  accuracy?: number;
  rmse?: number;
  r2?: number;
}

/** Gate weight mass per expert: overall and (classification) per true class; rows sum to 1. */
export interface ExpertUsage {
  overall: number[]; // (E)
  perClass: number[][]; // (C, E)
}

/** Which expert wins on a grid over two encoded features, others held at their training mean. */
export interface ExpertMap {
  fx: number;
  fy: number;
  grid: number; // G
  xRange: [number, number];
  yRange: [number, number];
  winner: Uint8Array; // (G*G), row-major, y from bottom to top
  points: Float32Array; // (N, 2) test rows
  pointClass: Int32Array; // (N) class index, or -1 for regression
  experts: number;
}

export interface TrainResult {
  metrics: Metrics;
  confusion: number[][] | null; // (C, C) rows = true class, cols = predicted
  usage: ExpertUsage;
  map: ExpertMap | null;
  parameters: number;
  trainRows: number;
  testRows: number;
  seconds: number;
  stoppedEarly: boolean;
}

export interface ModelInfo {
  task: Task;
  classes: string[];
  featureNames: string[];
  experts: number;
  parameters: number;
}

export type ToWorker =
  | { id: number; type: 'hello' }
  | { id: number; type: 'inspect'; csv: ArrayBuffer; target: string | null; task: 'auto' | Task }
  | { id: number; type: 'train'; csv: ArrayBuffer; target: string | null; task: 'auto' | Task; options: TrainOptions }
  | { id: number; type: 'cancel' }
  | { id: number; type: 'map'; fx: number; fy: number }
  | { id: number; type: 'predict'; csv: ArrayBuffer }
  | { id: number; type: 'save' }
  | { id: number; type: 'onnx' }
  | { id: number; type: 'load'; bytes: ArrayBuffer };

export type FromWorker =
  | { id: number; type: 'ready'; simd: boolean; version: string }
  | { id: number; type: 'info'; info: DataInfo }
  | { id: number; type: 'epochs'; items: { epoch: number; logs: EpochLogs }[]; epochs: number }
  | { id: number; type: 'trained'; result: TrainResult; model: ModelInfo }
  | { id: number; type: 'cancelled'; epoch: number }
  | { id: number; type: 'map'; map: ExpertMap }
  | { id: number; type: 'predictions'; csv: string; rows: number }
  | { id: number; type: 'saved'; bytes: ArrayBuffer }
  | { id: number; type: 'onnx'; bytes: ArrayBuffer }
  | { id: number; type: 'loaded'; model: ModelInfo }
  | { id: number; type: 'error'; message: string };
