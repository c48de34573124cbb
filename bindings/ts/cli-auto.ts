// `moe-wasm auto data.csv --target y --time 60`: autoFit from the command line. One line per trial
// evaluation on stderr, the leaderboard and the baselines as a table on stdout, the model to --out.
// Ctrl-C stops the search and keeps the best model so far.
import { autoFit, init, type AutoFitOptions, type Dataset, type TrialOptions, type TrialReport } from './index.js';
import { csvInput, number, str, UsageError, type Parsed } from './cli-args.js';
import type { CsvOptions } from './dataset.js';

export interface CliIo {
  readCsv(path: string, options: CsvOptions): Promise<Dataset>;
  checkWritable(path: string, what: string): void;
  writeAtomic(path: string, bytes: Uint8Array): void;
}

/** A setting in one line: experts, widths, gating, activation, optimizer, batch size. */
export function describeSetting(o: TrialOptions, batchSize: number): string {
  const gating = typeof o.gating === 'object' && o.gating.type === 'topk' ? `top-${o.gating.k}` : 'dense';
  const opt = typeof o.optimizer === 'object' ? o.optimizer : { type: o.optimizer ?? 'adam' };
  const wd = opt.weightDecay ? ` wd ${opt.weightDecay}` : '';
  const e = o.experts ?? 5;
  return `${e} expert${e === 1 ? '' : 's'} [${(o.expertHidden ?? []).join(',')}] gate [${(o.gateHidden ?? []).join(',')}] ${gating} ` +
    `${o.activation ?? 'relu'} ${opt.type} lr ${opt.learningRate ?? ''}${wd} batch ${batchSize}`;
}

const fmt = (v: number): string => (Number.isFinite(v) ? v.toFixed(4) : 'n/a');
const pm = (score: number, spread: number): string => `${fmt(score)} ± ${fmt(spread)}`;

function table(rows: string[][]): string {
  const widths = rows[0].map((_, j) => Math.max(...rows.map((r) => (r[j] ?? '').length)));
  return rows.map((r) => r.map((c, j) => (j === r.length - 1 ? c : c.padEnd(widths[j]))).join('  ')).join('\n');
}

function positiveInt(p: Parsed, name: string): number | undefined {
  return number(p, name, true);
}

/** Runs the search; resolves to the exit code (130 when Ctrl-C stopped it: the best model so far is written). */
export async function runAuto(p: Parsed, io: CliIo): Promise<number> {
  const { file, csv } = csvInput(p, 'auto');
  const options: AutoFitOptions = {};
  const time = number(p, 'time', false);
  if (time !== undefined) {
    if (!(time > 0)) throw new UsageError(`--time must be a positive number of seconds, got '${str(p, 'time')}'`);
    options.timeBudget = time;
  }
  const trials = positiveInt(p, 'trials');
  if (trials !== undefined) options.trials = trials;
  const workers = str(p, 'workers');
  if (workers !== undefined && workers !== 'auto') options.workers = positiveInt(p, 'workers');
  const folds = positiveInt(p, 'folds');
  if (folds !== undefined) options.folds = folds;
  const metric = str(p, 'metric');
  if (metric !== undefined) options.metric = metric as AutoFitOptions['metric'];
  const seed = number(p, 'seed', false);
  if (seed !== undefined) options.seed = seed;
  const out = str(p, 'out') ?? 'model.moe';
  io.checkWritable(out, 'model file');

  await init(p.values['no-simd'] ? { simd: false } : {});
  const ds = await io.readCsv(file, csv);
  for (const w of ds.warnings) process.stderr.write(`warning: ${w}\n`);
  process.stderr.write(`${ds.numRows} rows, ${ds.numFeatures} features, ${ds.task}` +
    (ds.task === 'classification' ? ` (${ds.classes.length} classes)` : '') + '\n');
  const controller = new AbortController();
  const onSigint = () => { process.stderr.write('stopping: keeping the best model so far\n'); controller.abort(); };
  process.once('SIGINT', onSigint);
  const started = performance.now();
  let result;
  try {
    result = await autoFit(ds, {
      ...options, signal: controller.signal,
      onTrial: (t: TrialReport) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1)}s] trial ${t.trial} ` +
        `${t.rung === 1 ? 'cross-validated' : 'screened'}: ${t.error ? `failed (${t.error})` : pm(t.score, t.spread)} ` +
        `${t.epochs} epochs  ${describeSetting(t.options, t.batchSize)}\n`),
    });
  } finally {
    process.off('SIGINT', onSigint);
  }
  const { model, leaderboard, baselines, metric: m, folds: k, cancelled } = result;
  try {
    io.writeAtomic(out, model.save());
    const lines = [
      `leaderboard (${m}, ${k === 1 ? 'holdout' : `${k}-fold cross-validation`}; rung 1 = fully evaluated, 0 = stopped early; ` +
        'ranked by the pessimistic score: the mean one standard error towards worse)',
      table([['rank', 'trial', 'rung', m, 'pessimistic', 'epochs', 'seconds', 'setting'],
        ...leaderboard.map((t, i) => [String(i + 1), String(t.trial), String(t.rung), t.error ? 'failed' : pm(t.score, t.spread),
          t.error ? '' : fmt(t.pessimistic), String(t.epochs), t.seconds.toFixed(1), describeSetting(t.options, t.batchSize)])]),
      '',
      'baselines',
      table([['name', m, 'epochs', 'setting'],
        ...baselines.map((b) => [b.name, pm(b.score, b.spread), b.epochs === undefined ? '' : String(b.epochs),
          b.options ? describeSetting(b.options, 32) : (b.name === 'majority' ? 'always the most frequent class' : 'always the mean')])]),
      '',
      cancelled
        ? `model: ${out} (trial ${leaderboard[0].trial}, cancelled: trained on one fold's training rows, not retrained)`
        : `model: ${out} (trial ${leaderboard[0].trial}, retrained on all ${ds.numRows} rows for ${leaderboard[0].epochs} epochs)`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    model.dispose();
  }
  return cancelled ? 130 : 0;
}
