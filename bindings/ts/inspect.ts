// A first look at a CSV without a full parse, by the core's own reader (the wasm calls suggestTarget
// and previewCsv): the likely target column with every candidate ranked, and the first rows as text.
// Only a prefix of the input is copied into wasm memory. Not the full reader (dataset.ts).
import { MoEError, check, type RawStatus } from './errors.js';
import { current, guard } from './module-loader.js';
import { checkKeys, int, optionsObject, show } from './options.js';

/** What a column is for, as the core judges it from its values and name. */
export type ColumnRole = 'feature' | 'target' | 'identifier' | 'free text' | 'constant' | 'date';

/** One column ranked as a target: higher score = likelier; 0 = not a sensible target (see reason). */
export interface TargetCandidate { name: string; score: number; reason: string; role: ColumnRole }
export interface TargetSuggestion {
  /** The best candidate's column name (what Dataset.fromCSV uses when no target is given). */
  target: string;
  /** Every column, best first. */
  candidates: TargetCandidate[];
  /** Data rows of the prefix the ranking looked at. */
  rowsRead: number;
}

export interface CsvPreview {
  /** Column names (column_1, column_2 ... when the file has no header row). */
  header: string[];
  /** The first data rows as trimmed cell text; a row keeps its own number of cells. */
  rows: string[][];
  delimiter: string;
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';
  hasHeader: boolean;
}

export interface InspectOptions { delimiter?: 'auto' | string; header?: 'auto' | boolean }

// The raw calls of bindings/wasm/data_bindings.cpp.
interface RawInspect {
  suggestTarget(bytes: Uint8Array, whole: boolean, delimiter: string, header: string): RawStatus & TargetSuggestion;
  previewCsv(bytes: Uint8Array, whole: boolean, rows: number, delimiter: string, header: string): RawStatus & CsvPreview;
  dataLimits(): { maxPreviewRows: number; preludeBytes: number };
}

/** A preview reads at most this many bytes of the input (rows beyond them are not shown). */
const PREVIEW_BYTES = 4 * 1024 * 1024;

function raw(): RawInspect {
  const module = current();
  return guard(module, module.raw as unknown as RawInspect);
}

/** The input as bytes: a string, Uint8Array or ArrayBuffer; `limit` > 0 keeps only a prefix. */
export function inputBytes(input: unknown, what: string, limit = 0): { bytes: Uint8Array; whole: boolean } {
  if (typeof input === 'string') {
    // A UTF-8 character takes at least one byte, so `limit` characters hold the first `limit` bytes.
    const text = limit > 0 && input.length > limit ? input.slice(0, limit) : input;
    return { bytes: new TextEncoder().encode(text), whole: text.length === input.length };
  }
  let bytes: Uint8Array;
  if (input instanceof Uint8Array) bytes = input;
  else if (input instanceof ArrayBuffer) bytes = new Uint8Array(input);
  else throw new MoEError(`${what}: input must be a string, Uint8Array or ArrayBuffer, got ${input === null ? 'null' : typeof input}`);
  if (limit > 0 && bytes.length > limit) return { bytes: bytes.subarray(0, limit), whole: false };
  return { bytes, whole: true };
}

function inspectOptions(what: string, options: InspectOptions): { delimiter: string; header: string } {
  optionsObject(what, options);
  checkKeys(what, options, ['delimiter', 'header']);
  const { delimiter = 'auto', header = 'auto' } = options;
  if (typeof delimiter !== 'string' || (delimiter !== 'auto' && delimiter.length !== 1)) {
    throw new MoEError(`delimiter must be 'auto' or a single character, got ${show(delimiter)}`);
  }
  if (header !== 'auto' && typeof header !== 'boolean') throw new MoEError(`header must be 'auto', true or false, got ${show(header)}`);
  return { delimiter, header: header === 'auto' ? 'auto' : header ? 'yes' : 'no' };
}

/** Ranks the columns as target candidates from the first rows (the reader's 256 KiB prelude). */
export function suggestTarget(input: string | Uint8Array | ArrayBuffer, options: InspectOptions = {}): TargetSuggestion {
  const o = inspectOptions('Dataset.suggestTarget', options);
  const r = raw();
  const { bytes, whole } = inputBytes(input, 'Dataset.suggestTarget', r.dataLimits().preludeBytes);
  const s = check(r.suggestTarget(bytes, whole, o.delimiter, o.header), 'Dataset.suggestTarget');
  return { target: s.target, candidates: s.candidates, rowsRead: s.rowsRead };
}

/** The header and the first `rows` data rows as strings, read as Dataset.fromCSV reads them. */
export function preview(input: string | Uint8Array | ArrayBuffer, rows = 10, options: InspectOptions = {}): CsvPreview {
  const o = inspectOptions('Dataset.preview', options);
  const n = int('rows', rows, 0);
  const { bytes, whole } = inputBytes(input, 'Dataset.preview', PREVIEW_BYTES);
  const p = check(raw().previewCsv(bytes, whole, n, o.delimiter, o.header), 'Dataset.preview');
  return { header: p.header, rows: p.rows, delimiter: p.delimiter, encoding: p.encoding, hasHeader: p.hasHeader };
}
