#!/usr/bin/env node
// The moe-wasm command line: train a model on a CSV, predict or evaluate a CSV, export ONNX. Progress on
// stderr, results on stdout, exit code 1 on bad input (2 on bad usage). Node only.
import { readFileSync, writeFileSync } from 'node:fs';
import { init, Dataset, MoE, loadModel, MoEError, type Logs } from './index.js';
import { writePyTorchExport } from './pytorch-cli.js';

const USAGE = `usage:
  moe-wasm train <data.csv> [--target COL] [--epochs 10] [--batch-size 32] [--experts 5]
                 [--validation 0.1] [--seed 42] [--out model.moe] [--no-simd]
  moe-wasm predict <model.moe> <data.csv>     predictions as CSV on stdout
  moe-wasm evaluate <model.moe> <data.csv>    metrics as JSON on stdout
  moe-wasm export <model.moe> <model.onnx>    the model as ONNX (input 'features', encoded)
  moe-wasm export <model.moe> <dir> --format pytorch   model.py, weights.safetensors, schema.json, train_ddp.py
  (a model file may also be a .safetensors with moe-wasm metadata, e.g. from train_ddp.py)`;

class UsageError extends Error {}

interface Parsed { positional: string[]; flags: Map<string, string | true> }

function parse(argv: string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
      else if (a === '--no-simd' || a === '--help' || i + 1 >= argv.length || argv[i + 1].startsWith('--')) flags.set(a.slice(2), true);
      else flags.set(a.slice(2), argv[++i]);
    } else positional.push(a);
  }
  return { positional, flags };
}

function intFlag(p: Parsed, name: string, fallback: number): number {
  const v = p.flags.get(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (v === true || !Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got ${v === true ? 'nothing' : v}`);
  return n;
}

function readFile(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new MoEError(`cannot read ${what} '${path}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

// One line redrawn in place on a terminal; one line per epoch otherwise (logs, CI).
function progress(epochs: number): { epoch(e: number, logs: Logs): void; done(): void } {
  const tty = Boolean(process.stderr.isTTY);
  const width = 24;
  return {
    epoch(e, logs) {
      const filled = Math.round(((e + 1) / epochs) * width);
      const metrics = Object.entries(logs).map(([k, v]) => `${k} ${(v ?? NaN).toFixed(4)}`).join('  ');
      const line = `epoch ${String(e + 1).padStart(String(epochs).length)}/${epochs} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${metrics}`;
      process.stderr.write(tty ? `\r\x1b[K${line}` : `${line}\n`);
    },
    done() { if (tty) process.stderr.write('\n'); },
  };
}

async function train(p: Parsed): Promise<void> {
  const [file] = p.positional;
  if (!file) throw new UsageError('train needs a CSV file');
  const target = p.flags.get('target');
  if (target === true) throw new UsageError('--target needs a column name');
  const epochs = intFlag(p, 'epochs', 10);
  const batchSize = intFlag(p, 'batch-size', 32);
  const experts = intFlag(p, 'experts', 5);
  const seed = p.flags.has('seed') ? Number(p.flags.get('seed')) : 42;
  const validation = p.flags.has('validation') ? Number(p.flags.get('validation')) : 0.1;
  if (!(validation >= 0 && validation < 1)) throw new UsageError(`--validation must be in [0, 1), got ${p.flags.get('validation')}`);
  const out = p.flags.get('out') ?? 'model.moe';
  if (out === true) throw new UsageError('--out needs a file name');
  await init(p.flags.has('no-simd') ? { simd: false } : {});
  const ds = Dataset.fromCSV(readFile(file, 'data file'), target === undefined ? {} : { target });
  for (const w of ds.warnings) process.stderr.write(`warning: ${w}\n`);
  process.stderr.write(`${ds.numRows} rows, ${ds.numFeatures} features, ${ds.task}` +
    (ds.task === 'classification' ? ` (${ds.classes.length} classes)` : '') + '\n');
  const [trainSet, valSet] = validation > 0 && ds.numRows >= 10 ? ds.split(1 - validation, { seed, stratify: true }) : [ds, null];
  const model = MoE.forDataset(trainSet, { experts, seed });
  try {
    const bar = progress(epochs);
    await model.fit(trainSet, { epochs, batchSize, ...(valSet ? { validationData: valSet } : {}), onEpochEnd: (e, logs) => bar.epoch(e, logs) });
    bar.done();
    writeFileSync(out, model.save());
    const metrics = model.evaluate(valSet ?? trainSet);
    process.stdout.write(JSON.stringify({ model: out, [valSet ? 'validation' : 'training']: metrics }) + '\n');
  } finally {
    model.dispose();
  }
}

async function withModel(p: Parsed, fn: (model: MoE, ds: Dataset) => void): Promise<void> {
  const [modelFile, dataFile] = p.positional;
  if (!modelFile || !dataFile) throw new UsageError('needs a model file and a CSV file');
  await init(p.flags.has('no-simd') ? { simd: false } : {});
  const model = await loadModel(readFile(modelFile, 'model file'));
  try {
    if (!model.schema) throw new MoEError(`model '${modelFile}' carries no CSV schema (it was trained on arrays), so it cannot read CSV`);
    const ds = Dataset.fromCSV(readFile(dataFile, 'data file'), { schema: model.schema });
    for (const w of ds.warnings) process.stderr.write(`warning: ${w}\n`);
    fn(model, ds);
  } finally {
    model.dispose();
  }
}

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const p = parse(rest);
  if (!command || command === '--help' || command === 'help' || p.flags.has('help')) {
    process.stdout.write(USAGE + '\n');
    return command ? 0 : 2;
  }
  switch (command) {
    case 'train': await train(p); return 0;
    case 'predict':
      await withModel(p, (model, ds) => {
        const probs = model.predict(ds);
        const c = model.outputDim;
        const lines: string[] = [];
        if (model.task === 'classification') {
          const classes = ds.classes.length === c ? ds.classes : Array.from({ length: c }, (_, i) => String(i));
          lines.push(['prediction', ...classes.map((k) => `p_${k}`)].map(csvCell).join(','));
          for (let r = 0; r < ds.numRows; r++) {
            const row = probs.subarray(r * c, r * c + c);
            let best = 0;
            for (let k = 1; k < c; k++) if (row[k] > row[best]) best = k;
            lines.push([csvCell(classes[best]), ...Array.from(row, (v) => v.toPrecision(6))].join(','));
          }
        } else {
          lines.push(c === 1 ? 'prediction' : Array.from({ length: c }, (_, k) => `prediction_${k}`).join(','));
          for (let r = 0; r < ds.numRows; r++) lines.push(Array.from(probs.subarray(r * c, r * c + c), (v) => v.toPrecision(7)).join(','));
        }
        process.stdout.write(lines.join('\n') + '\n');
      });
      return 0;
    case 'evaluate':
      await withModel(p, (model, ds) => {
        if (!ds.labels) throw new MoEError('the CSV has no target column, so there is nothing to evaluate against');
        process.stdout.write(JSON.stringify(model.evaluate(ds)) + '\n');
      });
      return 0;
    case 'export': {
      const [modelFile, onnxFile] = p.positional;
      const format = p.flags.get('format') ?? 'onnx';
      if (format !== 'onnx' && format !== 'pytorch') throw new UsageError(`--format must be onnx or pytorch, got ${format === true ? 'nothing' : format}`);
      if (!modelFile || !onnxFile) throw new UsageError(`export needs a model file and an output ${format === 'onnx' ? '.onnx file' : 'directory'}`);
      await init(p.flags.has('no-simd') ? { simd: false } : {});
      const model = await loadModel(readFile(modelFile, 'model file'));
      try {
        if (format === 'pytorch') {
          for (const path of writePyTorchExport(model, onnxFile)) process.stderr.write(`wrote ${path}\n`);
          return 0;
        }
        const bytes = model.toONNX();
        writeFileSync(onnxFile, bytes);
        process.stderr.write(`wrote ${onnxFile} (${bytes.length} bytes)\n`);
      } finally {
        model.dispose();
      }
      return 0;
    }
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e: unknown) => {
    if (e instanceof UsageError) {
      process.stderr.write(`moe-wasm: ${e.message}\n${USAGE}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`moe-wasm: error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    }
  },
);
