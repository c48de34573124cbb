#!/usr/bin/env node
// The moe-wasm command line: train a model on a CSV, predict or evaluate a CSV, export ONNX. Progress on
// stderr, results on stdout, exit code 1 on bad input (2 on bad usage). Node only.
import { accessSync, constants, createReadStream, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { init, Dataset, MoE, loadModel, MoEError } from './index.js';
import { parseCommand, trainPlan, UsageError, type Parsed } from './cli-args.js';
import { progress } from './cli-progress.js';
import { writePyTorchExport } from './pytorch-cli.js';
import { runAuto } from './cli-auto.js';
import { predictionsToCsv } from './predictions-csv.js';

const USAGE = `usage:
  moe-wasm train <data.csv | -> [--target COL] [--task auto|classification|regression]
                 [--epochs 10] [--batch-size 32] [--experts 5] [--hidden 64,32] [--gate-hidden 32]
                 [--gating softmax|topk] [--top-k 2] [--lr 0.001] [--early-stopping PATIENCE]
                 [--validation 0.1] [--seed 42] [--out model.moe] [--no-simd]
  moe-wasm auto <data.csv | -> [--target COL] [--time 60 | --trials N] [--workers auto|N] [--folds 3]
                [--metric accuracy|balancedAccuracy|r2|rmse|loss] [--seed 1] [--out model.moe]
                searches model settings on every core; leaderboard and baselines on stdout
  moe-wasm predict <model.moe> <data.csv | ->   the input columns, prediction and p_<class> as CSV on stdout
  moe-wasm evaluate <model.moe> <data.csv | ->  metrics as JSON on stdout
  moe-wasm export <model.moe> <model.onnx>      the model as ONNX (input 'features', encoded)
  moe-wasm export <model.moe> <dir> --format pytorch   model.py, weights.safetensors, schema.json, train_ddp.py
  moe-wasm --version | --help
A model file may also be a .safetensors with moe-wasm metadata (e.g. from train_ddp.py).
A CSV of any size is read as a stream; - reads it from stdin. Exit 1 on bad input, 2 on bad usage.`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** A CSV file (or stdin for '-') read as a stream, so its size is not limited by one Buffer. */
async function readCsv(path: string, options: Parameters<typeof Dataset.fromStream>[1]): Promise<Dataset> {
  if (path !== '-') {
    try {
      accessSync(path, constants.R_OK);
      if (statSync(path).isDirectory()) throw Object.assign(new Error(), { code: 'EISDIR' });
    } catch (e) {
      throw new MoEError(`cannot read data file '${path}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  }
  const source = path === '-' ? process.stdin : createReadStream(path);
  return Dataset.fromStream(source as AsyncIterable<Uint8Array>, options);
}

function readFile(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path === '-' ? 0 : path);
  } catch (e) {
    throw new MoEError(`cannot read ${what} '${path}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/** Fails before any work when the output cannot be written (missing folder, a directory, no permission). */
function checkWritable(path: string, what: string): void {
  try {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw Object.assign(new Error(), { code: 'EISDIR' });
    accessSync(dirname(resolve(path)), constants.W_OK);
  } catch (e) {
    throw new MoEError(`cannot write ${what} '${path}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/** Writes through a temporary file in the same folder and a rename: never a half-written output. */
function writeAtomic(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new MoEError(`cannot write '${path}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

async function train(p: Parsed): Promise<void> {
  const plan = trainPlan(p);
  checkWritable(plan.out, 'model file');
  await init(p.values['no-simd'] ? { simd: false } : {});
  const ds = await readCsv(plan.file, plan.csv);
  for (const w of ds.warnings) process.stderr.write(`warning: ${w}\n`);
  process.stderr.write(`${ds.numRows} rows, ${ds.numFeatures} features, ${ds.task}` +
    (ds.task === 'classification' ? ` (${ds.classes.length} classes)` : '') + '\n');
  const [trainSet, valSet] = plan.validation > 0 && ds.numRows >= 10
    ? ds.split(1 - plan.validation, { seed: plan.seed, stratify: true }) : [ds, null];
  if (plan.fit.earlyStopping && !valSet) throw new MoEError('--early-stopping needs validation rows (at least 10 rows and --validation > 0)');
  const model = MoE.forDataset(trainSet, plan.model);
  try {
    const bar = progress(plan.fit.epochs, trainSet.numRows, plan.fit.batchSize, process.stderr);
    await model.fit(trainSet, {
      ...plan.fit, ...(valSet ? { validationData: valSet } : {}),
      onEpochEnd: (e, logs) => bar.epoch(e, logs),
      ...(bar.live ? { onBatchEnd: (b: number, logs: Parameters<typeof bar.batch>[1]) => bar.batch(b, logs) } : {}),
    });
    bar.done();
    writeAtomic(plan.out, model.save());
    const metrics = model.evaluate(valSet ?? trainSet);
    process.stdout.write(JSON.stringify({ model: plan.out, [valSet ? 'validation' : 'training']: metrics }) + '\n');
  } finally {
    model.dispose();
  }
}

async function withModel(p: Parsed, fn: (model: MoE, ds: Dataset) => void, csv: { keepRaw?: boolean } = {}): Promise<void> {
  const [modelFile, dataFile, extra] = p.positional;
  if (!modelFile || !dataFile || extra !== undefined) throw new UsageError('needs a model file and a CSV file');
  if (modelFile === '-' && dataFile === '-') throw new UsageError('only one of the model and the CSV can come from stdin');
  await init(p.values['no-simd'] ? { simd: false } : {});
  const model = await loadModel(readFile(modelFile, 'model file'));
  try {
    if (!model.schema) throw new MoEError(`model '${modelFile}' carries no CSV schema (it was trained on arrays), so it cannot read CSV`);
    const ds = await readCsv(dataFile, { schema: model.schema, ...csv });
    for (const w of ds.warnings) process.stderr.write(`warning: ${w}\n`);
    fn(model, ds);
  } finally {
    model.dispose();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--version' || command === '-v') {
    process.stdout.write(version() + '\n');
    return 0;
  }
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE + '\n');
    return command ? 0 : 2;
  }
  const p = parseCommand(command, rest);
  if (p.values.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  switch (command) {
    case 'train': await train(p); return 0;
    case 'auto': return runAuto(p, { readCsv, checkWritable, writeAtomic });
    case 'predict':
      await withModel(p, (model, ds) => { process.stdout.write(predictionsToCsv(model, ds)); }, { keepRaw: true });
      return 0;
    case 'evaluate':
      await withModel(p, (model, ds) => {
        if (!ds.labels) throw new MoEError('the CSV has no target column, so there is nothing to evaluate against');
        process.stdout.write(JSON.stringify(model.evaluate(ds)) + '\n');
      });
      return 0;
    case 'export': {
      const [modelFile, onnxFile, extra] = p.positional;
      const format = typeof p.values.format === 'string' ? p.values.format : 'onnx';
      if (format !== 'onnx' && format !== 'pytorch') throw new UsageError(`--format must be onnx or pytorch, got '${format}'`);
      if (!modelFile || !onnxFile || extra !== undefined) throw new UsageError(`export needs a model file and an output ${format === 'onnx' ? '.onnx file' : 'directory'}`);
      if (format === 'onnx') checkWritable(onnxFile, 'ONNX file');
      await init(p.values['no-simd'] ? { simd: false } : {});
      const model = await loadModel(readFile(modelFile, 'model file'));
      try {
        if (format === 'pytorch') {
          for (const path of writePyTorchExport(model, onnxFile)) process.stderr.write(`wrote ${path}\n`);
          return 0;
        }
        const bytes = model.toONNX();
        writeAtomic(onnxFile, bytes);
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
