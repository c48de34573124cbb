// Plain data the page's pictures draw (charts.ts): epoch logs, expert usage, the expert map grid.
// Computed in analysis.ts from what moe-wasm/worker returns; no moe-wasm object crosses here.

export type Task = 'classification' | 'regression';

export interface EpochLogs {
  loss: number;
  accuracy?: number;
  val_loss?: number;
  val_accuracy?: number;
}

/** Gate weight mass per expert: overall and (classification) per true class; rows sum to 1. */
export interface ExpertUsage {
  overall: number[]; // (E)
  perClass: number[][]; // (C, E)
}

/** Which expert wins on a grid over two axes of the encoded features, and the test rows on them. */
export interface ExpertMap {
  xLabel: string;
  yLabel: string;
  grid: number; // G
  xRange: [number, number];
  yRange: [number, number];
  winner: Uint8Array; // (G*G), row-major, y from bottom to top
  points: Float32Array; // (N, 2) test rows
  pointClass: Int32Array; // (N) class index, or -1 for regression
  experts: number;
}
