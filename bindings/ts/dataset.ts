// Dataset: encoded tabular data (features, labels, the fitted preprocessing schema) read from CSV by
// the wasm core or built from arrays; split() runs here in TS. A Dataset holds no wasm memory.
import { AbortError, MoEError } from './errors.js';
import { current, guard, type RawDataset } from './module-loader.js';
import { checkHeapRoom, mib } from './heap.js';
import { checkKeys, int, num, optionsObject, show, type Task } from './options.js';
import { project2d, type Projection2d } from './projection.js';
import { inputBytes, preview, suggestTarget, type ColumnRole, type CsvPreview, type InspectOptions, type TargetSuggestion } from './inspect.js';

export type ColumnKind = 'numeric' | 'categorical' | 'target' | 'ignored';
/**
 * One column of the file: how it is encoded (kind), what it is for (role) and why, in plain words
 * (reason; '' for an ordinary feature). An identifier, free-text or constant column is left out of the
 * features (see warnings); a target with such a role is allowed but its reason says why it is a bad idea.
 */
export interface ColumnInfo { name: string; kind: ColumnKind; missing: number; role: ColumnRole; reason: string }

/** The fitted preprocessing as produced by the core's CSV reader; plain JSON. */
export interface Schema {
  format: 'moe-wasm/schema';
  version: number;
  task: Task;
  target: string;
  /** Class labels in first-seen order (empty for regression). */
  classes: string[];
  columns: SchemaColumn[];
  /** Names of the encoded features (one per column of Dataset.features). */
  featureNames: string[];
  [key: string]: unknown;
}

/** How one CSV column is encoded. */
export type SchemaColumn =
  | { name: string; kind: 'numeric'; mean: number; scale: number; impute: number }
  | { name: string; kind: 'categorical'; categories: string[]; impute: number }
  | { name: string; kind: 'target' }
  | { name: string; kind: 'ignored'; note?: string };

export interface CsvOptions {
  /** Target column: name or 0-based index. Default: Dataset.suggestTarget's choice (with a schema: the schema's target, if present). */
  target?: string | number;
  /** Columns to use as features even when their role (identifier, free text) would leave them out. */
  keepColumns?: string[];
  /** Also keep every row's cells as text (ds.rawRows), e.g. for predictionsToCsv. Default false. */
  keepRaw?: boolean;
  delimiter?: 'auto' | string;
  header?: 'auto' | boolean;
  task?: 'auto' | Task;
  /** Encode with an earlier dataset's schema (no refitting). */
  schema?: Schema | string | null;
}

// Checks CsvOptions and turns them into the snake_case object bindings.cpp reads.
const CSV_KEYS = ['target', 'keepColumns', 'keepRaw', 'delimiter', 'header', 'task', 'schema'] as const;

function rawCsvOptions(options: CsvOptions, what: string, extraKeys: readonly string[] = []): Record<string, string | number | boolean | string[]> {
  if (options === null || typeof options !== 'object') throw new MoEError(`${what}: options must be an object`);
  checkKeys(what, options, extraKeys.length ? [...CSV_KEYS, ...extraKeys] : CSV_KEYS);
  const { target, delimiter = 'auto', header = 'auto', task = 'auto', schema, keepColumns = [], keepRaw = false } = options;
  if (typeof keepRaw !== 'boolean') throw new MoEError(`keepRaw must be a boolean, got ${show(keepRaw)}`);
  if (!Array.isArray(keepColumns) || keepColumns.some((c) => typeof c !== 'string')) {
    throw new MoEError(`keepColumns must be an array of column names, got ${show(keepColumns)}`);
  }
  if (target !== undefined && typeof target !== 'string') int('target', target, 0);
  if (typeof delimiter !== 'string' || (delimiter !== 'auto' && delimiter.length !== 1)) {
    throw new MoEError(`delimiter must be 'auto' or a single character, got ${show(delimiter)}`);
  }
  if (header !== 'auto' && typeof header !== 'boolean') throw new MoEError(`header must be 'auto', true or false, got ${show(header)}`);
  if (!['auto', 'classification', 'regression'].includes(task)) {
    throw new MoEError(`task must be 'auto', 'classification' or 'regression', got ${show(task)}`);
  }
  return {
    target: typeof target === 'string' ? target : '',
    target_index: typeof target === 'number' ? target : -1,
    keep_columns: keepColumns, keep_raw: keepRaw, delimiter, header: header === 'auto' ? 'auto' : header ? 'yes' : 'no', task,
    schema: schemaText(schema),
  };
}

// The schema option as JSON text ('' for none); anything that is not a schema object or JSON text is refused here.
function schemaText(schema: unknown): string {
  if (schema == null) return '';
  if (typeof schema === 'string') return schema;
  const bad = () => new MoEError(`schema must be a schema object (a dataset's .schema) or its JSON text, got ${typeof schema}`);
  if (typeof schema !== 'object') throw bad();
  let text: unknown;
  try { text = JSON.stringify(schema); } catch { throw bad(); }
  if (typeof text !== 'string') throw bad();
  return text;
}

// Byte chunks from a Blob, a ReadableStream or an async iterable.
async function* chunks(source: Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (typeof Blob !== 'undefined' && source instanceof Blob) source = source.stream() as ReadableStream<Uint8Array>;
  if (source && typeof (source as ReadableStream<Uint8Array>).getReader === 'function') {
    const reader = (source as ReadableStream<Uint8Array>).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield value;
      }
    } finally {
      reader.releaseLock();
    }
  }
  if (source && typeof (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function') {
    yield* source as AsyncIterable<Uint8Array>;
    return;
  }
  throw new MoEError('Dataset.fromStream: source must be a Blob, a ReadableStream or an async iterable of Uint8Array');
}

export interface ArraysOptions {
  numFeatures: number;
  task?: Task;
  featureNames?: string[];
  classes?: string[];
}

export interface SplitOptions { seed?: number; stratify?: boolean }

interface Parts {
  features: Float32Array; labels: Int32Array | Float32Array | null; numRows: number; numFeatures: number;
  task: Task; featureNames: string[]; classes: string[]; columns: ColumnInfo[]; warnings: string[];
  schema: Schema | null; rawRows?: string[][] | null;
}

export class Dataset {
  /** (numRows, numFeatures) row-major, encoded (standardised numerics, one-hot categories). */
  readonly features: Float32Array;
  /** (numRows,) class indices, or (numRows * outputs) regression values; null when the CSV had no target. */
  readonly labels: Int32Array | Float32Array | null;
  readonly numRows: number;
  readonly numFeatures: number;
  readonly task: Task;
  readonly featureNames: string[];
  readonly classes: string[];
  readonly columns: ColumnInfo[];
  readonly warnings: string[];
  readonly schema: Schema | null;
  /** With keepRaw: (numRows, columns.length) the cells as read (numbers in shortest form, '' when missing); else null. */
  readonly rawRows: string[][] | null;

  private constructor(p: Parts) {
    this.features = p.features; this.labels = p.labels; this.numRows = p.numRows; this.numFeatures = p.numFeatures;
    this.task = p.task; this.featureNames = p.featureNames; this.classes = p.classes; this.columns = p.columns;
    this.warnings = p.warnings; this.schema = p.schema; this.rawRows = p.rawRows ?? null;
  }

  /** Regression targets per row (1 for CSV data); for classification the number of classes. */
  get outputDim(): number {
    if (this.task === 'classification') return this.classes.length;
    if (!this.labels || this.numRows === 0) return 1;
    return this.labels.length / this.numRows;
  }

  /** Parses and encodes CSV text or bytes (UTF-8, BOM tolerated). Throws MoEError naming row and column. */
  static fromCSV(input: string | Uint8Array | ArrayBuffer, options: CsvOptions = {}): Dataset {
    const module = current();
    const raw = guard(module, module.raw);
    const { bytes } = inputBytes(input, 'Dataset.fromCSV');
    // The text is copied in and parsed next to it: about 3x the text at the peak.
    checkHeapRoom(module, 3 * bytes.length, `Dataset.fromCSV: a CSV of ${mib(bytes.length)} MiB`, 'read a smaller file or fewer columns');
    return Dataset.#fromRaw(raw.readCsv(bytes, rawCsvOptions(options, 'Dataset.fromCSV')));
  }

  /**
   * Ranks every column as a target from the first rows only (no full parse): names such as class,
   * label, species, outcome; few text values; the last column only as a tie-break. Identifiers, free
   * text, constants and dates score 0. `target` is what fromCSV uses when no target is given.
   */
  static suggestTarget(input: string | Uint8Array | ArrayBuffer, options: InspectOptions = {}): TargetSuggestion {
    return suggestTarget(input, options);
  }

  /** The header and the first `rows` rows as strings, by the same reader (delimiter, encoding, quotes). */
  static preview(input: string | Uint8Array | ArrayBuffer, rows = 10, options: InspectOptions = {}): CsvPreview {
    return preview(input, rows, options);
  }

  /**
   * Reads a CSV of any size in chunks (a Blob/File, a ReadableStream such as File.stream(), or an
   * async iterable of bytes): only the encoded matrix is kept in memory, never the whole text.
   * onProgress receives bytes and rows read so far; an AbortSignal cancels with AbortError.
   */
  static async fromStream(
    source: Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
    options: CsvOptions & { onProgress?: (p: { bytes: number; rows: number }) => void; signal?: AbortSignal } = {},
  ): Promise<Dataset> {
    const module = current();
    rawCsvOptions(options, 'Dataset.fromStream', ['onProgress', 'signal']);
    const { onProgress, signal, ...csv } = options ?? {};
    if (onProgress !== undefined && typeof onProgress !== 'function') throw new MoEError('onProgress must be a function');
    const size = typeof Blob !== 'undefined' && source instanceof Blob ? source.size : 0;
    const reader = guard(module, new module.raw.CsvReader({ ...rawCsvOptions(csv, 'Dataset.fromStream'), expected_bytes: size }));
    try {
      for await (const chunk of chunks(source)) {
        if (signal?.aborted) throw new AbortError('Dataset.fromStream was aborted');
        if (!(chunk instanceof Uint8Array)) throw new MoEError('Dataset.fromStream: the stream must yield Uint8Array chunks');
        const r = reader.feed(chunk);
        if (r.code !== 0) throw new MoEError(r.message, 'ParseError');
        onProgress?.({ bytes: reader.bytesRead(), rows: reader.rowsRead() });
      }
      if (signal?.aborted) throw new AbortError('Dataset.fromStream was aborted');
      return Dataset.#fromRaw(reader.finish());
    } finally {
      reader.delete();
    }
  }

  static #fromRaw(r: RawDataset): Dataset {
    if (r.code !== 0) throw new MoEError(r.message, 'ParseError');
    const cells = (r as RawDataset & { rawCells?: string[] }).rawCells;
    const width = r.columns.length;
    const rawRows = cells ? Array.from({ length: r.numRows }, (_, i) => cells.slice(i * width, i * width + width)) : null;
    return new Dataset({ rawRows,
      features: r.features, labels: r.labels, numRows: r.numRows, numFeatures: r.numFeatures, task: r.task,
      featureNames: r.featureNames, classes: r.classes, columns: r.columns as ColumnInfo[], warnings: r.warnings,
      schema: r.schema ? (JSON.parse(r.schema) as Schema) : null,
    });
  }

  /** Wraps already-encoded arrays: x (rows, numFeatures), y (rows,) class indices or (rows * outputs) values. */
  static fromArrays(x: Float32Array | ArrayLike<number>, y: Int32Array | Float32Array | ArrayLike<number>, options: ArraysOptions): Dataset {
    if (options === null || typeof options !== 'object') throw new MoEError('Dataset.fromArrays: options { numFeatures } are required');
    checkKeys('Dataset.fromArrays', options, ['numFeatures', 'task', 'featureNames', 'classes']);
    const d = int('numFeatures', options.numFeatures, 1);
    const task = options.task ?? (y instanceof Float32Array ? 'regression' : 'classification');
    if (task !== 'classification' && task !== 'regression') throw new MoEError(`task must be 'classification' or 'regression', got ${show(task)}`);
    const features = checkFeatures(x, d, 'x');
    const rows = features.length / d;
    const labels = checkLabels(y, rows, task, undefined, 'y');
    let classes: string[] = [];
    if (task === 'classification') {
      let max = -1;
      for (const v of labels as Int32Array) max = Math.max(max, v);
      // Checked before a list of max + 1 names is built: one huge label must not allocate billions.
      const cap = current().raw.limits().maxClasses;
      if (max >= cap) throw new MoEError(`y contains class ${max}: at most ${cap} classes are supported (class indices 0..${cap - 1})`);
      if (options.classes !== undefined && (!Array.isArray(options.classes) || options.classes.length > cap)) {
        throw new MoEError(Array.isArray(options.classes) ? `classes has ${options.classes.length} names: at most ${cap} classes are supported`
          : 'classes must be an array of class names');
      }
      classes = options.classes ? options.classes.map(String) : Array.from({ length: Math.max(max + 1, 2) }, (_, i) => String(i));
      if (max >= classes.length) throw new MoEError(`y contains class ${max} but only ${classes.length} classes were given`);
    }
    const featureNames = options.featureNames ? [...options.featureNames] : Array.from({ length: d }, (_, i) => `x${i}`);
    if (featureNames.length !== d) throw new MoEError(`featureNames has ${featureNames.length} names, expected numFeatures = ${d}`);
    return new Dataset({
      features, labels, numRows: rows, numFeatures: d, task, featureNames, classes,
      columns: featureNames.map((name) => ({ name, kind: 'numeric' as const, missing: 0, role: 'feature' as const, reason: '' })),
      warnings: [], schema: null,
    });
  }

  /**
   * The encoded features projected on their two principal components (PCA of the covariance, in the
   * core with Eigen): { x, y } (numRows each) and the share of the variance each axis explains.
   */
  project2d(): Projection2d {
    return project2d(this.features, this.numRows, this.numFeatures);
  }

  /** Splits rows into [first, second] with `fraction` of the rows in the first; seeded shuffle. */
  split(fraction: number, options: SplitOptions = {}): [Dataset, Dataset] {
    optionsObject('split', options);
    checkKeys('split', options, ['seed', 'stratify']);
    num('split fraction', fraction, 0, 1, true);
    if (fraction >= 1) throw new MoEError(`split fraction must be in (0, 1), got ${fraction}`);
    const seed = int('split seed', options.seed ?? 0, 0);
    const rng = mulberry32(seed);
    const warnings: string[] = [];
    let first: number[] = [];
    let second: number[] = [];
    let stratified = false;
    if (options.stratify && this.task === 'classification' && this.labels) {
      const byClass = new Map<number, number[]>();
      for (let i = 0; i < this.numRows; i++) {
        const c = this.labels[i];
        if (!byClass.has(c)) byClass.set(c, []);
        byClass.get(c)!.push(i);
      }
      const tooSmall = [...byClass.entries()].filter(([, rows]) => rows.length < 2);
      if (tooSmall.length === 0) {
        stratified = true;
        for (const [, rows] of [...byClass.entries()].sort((a, b) => a[0] - b[0])) {
          shuffle(rows, rng);
          const k = Math.min(rows.length - 1, Math.max(1, Math.round(rows.length * fraction)));
          first.push(...rows.slice(0, k));
          second.push(...rows.slice(k));
        }
        shuffle(first, rng);
        shuffle(second, rng);
      } else {
        warnings.push(`split: stratify ignored, class '${this.classes[tooSmall[0][0]] ?? tooSmall[0][0]}' has fewer than 2 rows`);
      }
    } else if (options.stratify) {
      warnings.push('split: stratify ignored (only classification datasets with labels can be stratified)');
    }
    if (!stratified) {
      const all = Array.from({ length: this.numRows }, (_, i) => i);
      shuffle(all, rng);
      const k = Math.round(this.numRows * fraction);
      first = all.slice(0, k);
      second = all.slice(k);
    }
    for (const [part, rows] of [['first', first], ['second', second]] as const) {
      if (rows.length === 0) {
        throw new MoEError(`split ${fraction} of ${this.numRows} rows leaves 0 rows in the ${part} part: ` +
          `use a fraction between ${(1 / this.numRows).toPrecision(2)} and ${(1 - 1 / this.numRows).toPrecision(2)}`);
      }
    }
    return [this.take(first, warnings), this.take(second, warnings)];
  }

  private take(rows: number[], extraWarnings: string[]): Dataset {
    const d = this.numFeatures;
    const features = new Float32Array(rows.length * d);
    rows.forEach((r, i) => features.set(this.features.subarray(r * d, r * d + d), i * d));
    let labels: Int32Array | Float32Array | null = null;
    if (this.labels) {
      const c = this.labels.length / this.numRows;
      labels = this.labels instanceof Int32Array ? new Int32Array(rows.length * c) : new Float32Array(rows.length * c);
      rows.forEach((r, i) => labels!.set(this.labels!.subarray(r * c, r * c + c), i * c));
    }
    return new Dataset({
      features, labels, numRows: rows.length, numFeatures: d, task: this.task, featureNames: this.featureNames,
      classes: this.classes, columns: this.columns, warnings: [...this.warnings, ...extraWarnings], schema: this.schema,
      rawRows: this.rawRows ? rows.map((r) => this.rawRows![r]) : null,
    });
  }
}

/** Checks and copies a feature matrix: length a multiple of d, every value finite. */
export function checkFeatures(x: unknown, d: number, name: string): Float32Array {
  let out: Float32Array;
  if (x instanceof Float32Array) out = x;
  else if (Array.isArray(x) && x.length > 0 && Array.isArray(x[0])) {
    out = new Float32Array(x.length * d);
    x.forEach((row: unknown, i) => {
      if (!Array.isArray(row) || row.length !== d) throw new MoEError(`${name}[${i}] has ${Array.isArray(row) ? row.length : 'no'} values, expected ${d}`);
      out.set(row as number[], i * d);
    });
  } else if (x && typeof (x as ArrayLike<number>).length === 'number' && typeof x !== 'string') out = toFloat32(x as ArrayLike<number>, name);
  else throw new MoEError(`${name} must be a Float32Array (rows * ${d} values), got ${x === null ? 'null' : typeof x}`);
  if (out.length === 0) throw new MoEError(`${name} is empty: at least one row of ${d} features is needed`);
  if (out.length % d !== 0) throw new MoEError(`${name} has ${out.length} values, which is not a multiple of ${d} features per row`);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) throw new MoEError(`${name} has a non-finite value (${out[i]}) at row ${Math.floor(i / d)}, column ${i % d}`);
  }
  return out;
}

/** Checks labels: classification -> Int32Array of rows class indices (< classes if given); regression -> finite Float32Array. */
export function checkLabels(y: unknown, rows: number, task: Task, classes: number | undefined, name: string): Int32Array | Float32Array {
  if (!y || typeof (y as ArrayLike<number>).length !== 'number' || typeof y === 'string') {
    throw new MoEError(`${name} must be an Int32Array or Float32Array of labels, got ${y === null ? 'null' : typeof y}`);
  }
  const src = y as ArrayLike<number>;
  if (task === 'classification') {
    if (src.length !== rows) throw new MoEError(`${name} has ${src.length} labels but x has ${rows} rows`);
    const out = src instanceof Int32Array ? src : new Int32Array(rows);
    for (let i = 0; i < rows; i++) {
      const v = src[i];
      if (!Number.isInteger(v) || v < 0 || (classes !== undefined && v >= classes)) {
        const range = classes !== undefined ? ` in [0, ${classes - 1}]` : ' >= 0';
        throw new MoEError(`${name}[${i}] = ${typeof v === 'number' ? v : show(v)} is not a class index${range}`);
      }
      out[i] = v;
    }
    return out;
  }
  if (src.length === 0 || src.length % rows !== 0) throw new MoEError(`${name} has ${src.length} values for ${rows} rows`);
  const out = src instanceof Float32Array ? src : toFloat32(src, name);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) throw new MoEError(`${name} has a non-finite value (${out[i]}) at row ${Math.floor(i / (out.length / rows))}`);
  }
  return out;
}

// A copy as float32; values that are not numbers (BigInt, symbols) are refused by name.
function toFloat32(src: ArrayLike<number>, name: string): Float32Array {
  try {
    return Float32Array.from(src);
  } catch {
    throw new MoEError(`${name} must hold numbers (a Float32Array or an array of numbers), got ${src.constructor?.name ?? typeof src}`);
  }
}

// reference: Tommy Ettinger's mulberry32 (public-domain 32-bit PRNG), for seeded splits.
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle(a: number[], rng: () => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
}
