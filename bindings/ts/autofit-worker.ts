// The worker of autoFit (a Web Worker or a Node worker_thread, with its own wasm instance): holds the
// data sent once, and runs trial jobs: a fit per validation fold with early stopping, or a final fit.
import { init } from './module-loader.js';
import { MoE } from './model.js';
import { score } from './autofit-metrics.js';
import type { FromWorker, ToWorker, TrialJob, TrialResult, WorkerData } from './autofit-protocol.js';
import { isNode, nodeBuiltin } from './platform.js';
import { fitScale, foldedModel, standardise, unstandardise, type TargetScale } from './autofit-target.js';

type Post = (msg: FromWorker, transfer?: Transferable[]) => void;

let data: WorkerData | null = null;

/** The rows of one side of a fold as fresh arrays: x (rows, D), y (rows,) or (rows * C). */
function rowsWhere(d: WorkerData, keep: (fold: number) => boolean): { x: Float32Array; y: Int32Array | Float32Array } {
  const n = d.fold.length;
  const ids: number[] = [];
  for (let r = 0; r < n; r++) if (keep(d.fold[r])) ids.push(r);
  const D = d.numFeatures;
  const c = d.task === 'classification' ? 1 : d.outputDim;
  const x = new Float32Array(ids.length * D);
  const y = d.task === 'classification' ? new Int32Array(ids.length) : new Float32Array(ids.length * c);
  ids.forEach((r, i) => {
    x.set(d.x.subarray(r * D, r * D + D), i * D);
    y.set(d.y.subarray(r * c, r * c + c), i * c);
  });
  return { x, y };
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

// Regression trains on standardised targets (see autofit-target.ts); classification as it is.
function scaleOf(d: WorkerData, y: Int32Array | Float32Array): TargetScale | null {
  return d.task === 'regression' ? fitScale(y as Float32Array, d.outputDim) : null;
}

function newModel(d: WorkerData, job: TrialJob): MoE {
  return new MoE({ ...job.options, inputDim: d.numFeatures, outputDim: d.outputDim, task: d.task });
}

async function run(job: TrialJob): Promise<TrialResult> {
  const d = data;
  if (!d) throw new Error('autofit worker: no data');
  const t0 = now();
  if (job.finalEpochs !== undefined) {
    const model = newModel(d, job);
    try {
      const all = rowsWhere(d, () => true);
      const ts = scaleOf(d, all.y);
      await model.fit(ts ? { x: all.x, y: standardise(all.y as Float32Array, ts) } : all,
        { epochs: job.finalEpochs, batchSize: job.batchSize, seed: job.options.seed });
      return { foldScores: [], foldEpochs: [], seconds: (now() - t0) / 1000, model: ts ? foldedModel(model, ts) : model.save() };
    } finally {
      model.dispose();
    }
  }
  const result: TrialResult = { foldScores: [], foldEpochs: [], seconds: 0 };
  for (const f of job.folds) {
    const train = rowsWhere(d, (k) => k !== f);
    const val = rowsWhere(d, (k) => k === f);
    const ts = scaleOf(d, train.y);
    const model = newModel(d, job);
    try {
      const history = await model.fit(ts ? { x: train.x, y: standardise(train.y as Float32Array, ts) } : train, {
        epochs: job.maxEpochs, batchSize: Math.min(job.batchSize, train.x.length / d.numFeatures), seed: (job.options.seed ?? 0) + f,
        validationData: ts ? { x: val.x, y: standardise(val.y as Float32Array, ts) } : val,
        earlyStopping: { monitor: 'val_loss', patience: job.patience, restoreBestWeights: true },
      });
      // The epoch whose weights were kept: the first minimum of the validation loss (1-based count).
      const losses = history.val_loss ?? [];
      let best = 0;
      for (let e = 1; e < losses.length; e++) if (losses[e] < losses[best]) best = e;
      result.foldEpochs.push(best + 1);
      const p = model.predict(val.x);
      const s = score(job.metric, d.task, ts ? unstandardise(p, ts) : p, val.y, d.outputDim);
      result.foldScores.push(Number.isFinite(s) ? s : NaN);
      if (job.wantModel && !result.model) result.model = ts ? foldedModel(model, ts) : model.save();
    } finally {
      model.dispose();
    }
  }
  result.seconds = (now() - t0) / 1000;
  return result;
}

// Jobs run one at a time, in the order they arrive.
let queue: Promise<void> = Promise.resolve();

function serve(post: Post, listen: (cb: (msg: ToWorker) => void) => void): void {
  listen((msg) => {
    if (msg.type === 'init') {
      data = msg.data;
      init({ simd: msg.simd, ...(msg.wasmUrl ? { wasmUrl: msg.wasmUrl } : {}) }).then(
        () => post({ type: 'ready' }),
        (e: unknown) => post({ type: 'error', id: -1, name: 'MoEError', message: e instanceof Error ? e.message : String(e) }),
      );
      return;
    }
    queue = queue.then(() => run(msg.job).then(
      (result) => post({ type: 'result', id: msg.id, result }, result.model ? [result.model.buffer as ArrayBuffer] : []),
      (e: unknown) => {
        const err = e instanceof Error ? e : new Error(String(e));
        post({ type: 'error', id: msg.id, name: err.name, message: err.message, code: (err as { code?: string }).code });
      },
    ));
  });
}

// Synchronous start-up (no top-level await): bundlers may load this file as a classic worker.
if (isNode) {
  const port = nodeBuiltin('node:worker_threads').parentPort;
  if (port) serve((msg, transfer) => port.postMessage(msg, transfer), (cb) => port.on('message', cb));
} else {
  const scope = globalThis as unknown as { postMessage(m: unknown, t?: Transferable[]): void; addEventListener(t: string, cb: (e: MessageEvent) => void): void };
  serve((msg, transfer) => scope.postMessage(msg, transfer ?? []), (cb) => scope.addEventListener('message', (e) => cb(e.data as ToWorker)));
}
