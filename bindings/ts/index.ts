// The public entry of the moe-wasm package: init, Dataset, MoE, loadModel and the error classes.
// The worker-backed trainer lives in the separate entry 'moe-wasm/worker'.
export { init, simdSupported, type InitOptions, type InitResult } from './module-loader.js';
export { MoEError, AbortError } from './errors.js';
export { Dataset, type CsvOptions, type ArraysOptions, type SplitOptions, type Schema, type SchemaColumn, type ColumnInfo, type ColumnKind } from './dataset.js';
export type { ClassificationReport, RegressionReport, Report, ReportOptions, ClassReport } from './report.js';
export type { Projection2d } from './projection.js';
export type { ColumnRole, TargetCandidate, TargetSuggestion, CsvPreview, InspectOptions } from './inspect.js';
export { MoE, loadModel, type FitOptions, type FitCallbacks, type History, type Logs, type Data, type EvaluateResult,
  type ClassificationMetrics, type RegressionMetrics, type ModelSummary } from './model.js';
/** CSV text that spreadsheets cannot run as formulas (the writer the CLI and the demo use). */
export { csvCell, toCsv } from './csv-writer.js';
/** Searches model settings by cross-validation on parallel workers; returns the best model, the leaderboard and baselines. */
export { autoFit, type AutoFitOptions, type AutoFitResult, type AutoFitBaseline, type AutoFitMetric, type TrialReport, type TrialOptions } from './autofit.js';
/** The predictions CSV shared by the CLI and the demo page. */
export { predictionsToCsv, type PredictionsCsvOptions, type PredictionsPart } from './predictions-csv.js';
export type { MoEOptions, Task, Activation, GatingOptions, OptimizerOptions } from './options.js';

/** Bytes currently allocated in the active wasm heap (malloc'ed, not freed); for leak checks. */
export { heapUsage } from './heap.js';
