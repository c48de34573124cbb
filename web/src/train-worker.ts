// The demo page's Web Worker: owns every moe-wasm object (datasets, the model) so parsing, training
// and prediction never block the page. Speaks the messages in protocol.ts; holds no UI logic.
import { init, Dataset, MoE, loadModel, csvCell } from 'moe-wasm';
import type {
  DataInfo, EpochLogs, ExpertMap, ExpertUsage, FromWorker, ModelInfo, Task, ToWorker, TrainOptions, TrainResult,
} from './protocol';

type Model = Awaited<ReturnType<typeof loadModel>>;
type Data = ReturnType<typeof Dataset.fromCSV>;

const MAP_GRID = 64;
const MAP_SEARCH = 8;
const EPOCH_POST_MS = 50;
let model: Model | null = null;
let modelInfo: ModelInfo | null = null;
let trainData: Data | null = null; // kept for the expert map (feature means and ranges)
let testData: Data | null = null;
let abort: AbortController | null = null;
let ready: Promise<{ simd: boolean; version: string }> | null = null;

function post(msg: FromWorker, transfer: Transferable[] = []): void {
  (self as unknown as Worker).postMessage(msg, transfer);
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

function dispose(obj: unknown): void {
  const d = (obj as { dispose?: () => void } | null)?.dispose;
  if (typeof d === 'function') {
    try {
      d.call(obj);
    } catch {
      /* already disposed */
    }
  }
}

function parse(csv: ArrayBuffer, target: string | null, task: 'auto' | Task): Data {
  const opts: Record<string, unknown> = { task };
  if (target !== null) opts.target = target;
  return Dataset.fromCSV(new Uint8Array(csv), opts as Parameters<typeof Dataset.fromCSV>[1]);
}

function describe(ds: Data): DataInfo {
  const columns = ds.columns.map((c) => ({ name: c.name, kind: c.kind, missing: c.missing }));
  const target = columns.find((c) => c.kind === 'target')?.name ?? '';
  return {
    numRows: ds.numRows,
    numFeatures: ds.numFeatures,
    featureNames: [...ds.featureNames],
    columns,
    warnings: [...ds.warnings],
    task: ds.task as Task,
    classes: ds.task === 'classification' ? [...(ds.classes ?? [])] : [],
    target,
  };
}

function classesOf(m: Model, fallback: string[]): string[] {
  const schema = (m as unknown as { schema?: Record<string, unknown> }).schema;
  for (const key of ['classes', 'classLabels', 'labels']) {
    const v = schema?.[key];
    if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v as string[];
  }
  return fallback;
}

function describeModel(m: Model, task: Task, classes: string[], featureNames: string[]): ModelInfo {
  const s = m.summary() as { parameters?: number; experts?: number };
  return { task, classes, featureNames, experts: s.experts ?? 0, parameters: s.parameters ?? 0 };
}

function argmax(row: Float32Array, off: number, n: number): number {
  let best = 0;
  for (let j = 1; j < n; j++) if (row[off + j] > row[off + best]) best = j;
  return best;
}

function expertUsage(m: Model, test: Data, numClasses: number): ExpertUsage {
  const g = m.gate(test.features); // (N, E)
  const n = test.numRows;
  const e = n > 0 ? g.length / n : 0;
  const overall = new Array<number>(e).fill(0);
  const perClass = Array.from({ length: numClasses }, () => new Array<number>(e).fill(0));
  const counts = new Array<number>(numClasses).fill(0);
  const labels = test.labels;
  for (let i = 0; i < n; i++) {
    const c = numClasses > 0 && labels ? (labels[i] as number) : -1;
    if (c >= 0) counts[c]++;
    for (let j = 0; j < e; j++) {
      overall[j] += g[i * e + j] / n;
      if (c >= 0) perClass[c][j] += g[i * e + j];
    }
  }
  perClass.forEach((row, c) => row.forEach((_, j) => (row[j] = counts[c] ? row[j] / counts[c] : 0)));
  return { overall, perClass };
}

/**
 * The feature pair (among the first MAP_SEARCH features) over which the gate's favourite expert
 * changes the most on a coarse grid: most experts winning somewhere, then the most even split.
 */
function tellingPair(m: Model): [number, number] {
  const d = Math.min(trainData!.numFeatures, MAP_SEARCH);
  let best: [number, number] = [0, 1];
  let bestScore = -1;
  for (let a = 0; a < d; a++) {
    for (let b = a + 1; b < d; b++) {
      const map = expertMap(m, a, b, 16);
      const counts = new Map<number, number>();
      for (const w of map.winner) counts.set(w, (counts.get(w) ?? 0) + 1);
      let entropy = 0;
      for (const c of counts.values()) entropy -= (c / map.winner.length) * Math.log(c / map.winner.length);
      const score = counts.size + entropy / (Math.log(map.experts) + 1);
      if (score > bestScore + 1e-9) {
        bestScore = score;
        best = [a, b];
      }
    }
  }
  return best;
}

function expertMap(m: Model, fx: number, fy: number, grid = MAP_GRID): ExpertMap {
  const tr = trainData!;
  const te = testData!;
  const d = tr.numFeatures;
  const mean = new Float32Array(d); // (D)
  const lo = [Infinity, Infinity];
  const hi = [-Infinity, -Infinity];
  for (let i = 0; i < tr.numRows; i++) {
    for (let j = 0; j < d; j++) mean[j] += tr.features[i * d + j] / tr.numRows;
    [fx, fy].forEach((f, k) => {
      const v = tr.features[i * d + f];
      lo[k] = Math.min(lo[k], v);
      hi[k] = Math.max(hi[k], v);
    });
  }
  const pad = (k: number) => Math.max(1e-3, (hi[k] - lo[k]) * 0.05);
  const xRange: [number, number] = [lo[0] - pad(0), hi[0] + pad(0)];
  const yRange: [number, number] = [lo[1] - pad(1), hi[1] + pad(1)];
  const x = new Float32Array(grid * grid * d); // (G*G, D)
  for (let r = 0; r < grid; r++) {
    for (let c = 0; c < grid; c++) {
      const row = (r * grid + c) * d;
      x.set(mean, row);
      x[row + fx] = xRange[0] + ((c + 0.5) / grid) * (xRange[1] - xRange[0]);
      x[row + fy] = yRange[0] + ((r + 0.5) / grid) * (yRange[1] - yRange[0]);
    }
  }
  const g = m.gate(x); // (G*G, E)
  const experts = g.length / (grid * grid);
  const winner = new Uint8Array(grid * grid);
  for (let i = 0; i < grid * grid; i++) winner[i] = argmax(g, i * experts, experts);
  const points = new Float32Array(te.numRows * 2); // (N, 2)
  const pointClass = new Int32Array(te.numRows); // (N)
  for (let i = 0; i < te.numRows; i++) {
    points[2 * i] = te.features[i * d + fx];
    points[2 * i + 1] = te.features[i * d + fy];
    pointClass[i] = te.task === 'classification' && te.labels ? (te.labels[i] as number) : -1;
  }
  return { fx, fy, grid, xRange, yRange, winner, points, pointClass, experts };
}

async function train(id: number, csv: ArrayBuffer, target: string | null, task: 'auto' | Task, o: TrainOptions) {
  const t0 = performance.now();
  const ds = parse(csv, target, task);
  const info = describe(ds);
  if (!ds.labels) {
    dispose(ds);
    throw new Error(`the data has no target column "${info.target}" to learn`);
  }
  const [tr, te] = ds.split(1 - o.testFraction, { seed: o.seed, stratify: info.task === 'classification' });
  dispose(ds);
  const gating = o.gating === 'topk' ? { type: 'topk' as const, k: o.topK, noise: o.noise } : ('softmax' as const);
  const next = MoE.forDataset(tr, {
    experts: o.experts,
    expertHidden: o.expertHidden,
    gateHidden: o.gateHidden,
    activation: o.activation,
    gating,
    loadBalance: o.gating === 'topk' ? o.loadBalance : 0,
    optimizer: { type: o.optimizer, learningRate: o.learningRate },
    seed: o.seed,
  } as Parameters<typeof MoE.forDataset>[1]);
  abort = new AbortController();
  let lastEpoch = 0;
  // Epoch logs go out in batches at most every EPOCH_POST_MS, so a fast fit cannot flood the page.
  let pendingEpochs: { epoch: number; logs: EpochLogs }[] = [];
  let lastPost = 0;
  const flushEpochs = () => {
    if (pendingEpochs.length) post({ id, type: 'epochs', items: pendingEpochs, epochs: o.epochs });
    pendingEpochs = [];
    lastPost = performance.now();
  };
  try {
    const history = await next.fit(tr, {
      epochs: o.epochs,
      batchSize: o.batchSize,
      shuffle: true,
      validationSplit: o.validationSplit > 0 ? o.validationSplit : undefined,
      earlyStopping: o.patience > 0 && o.validationSplit > 0 ? { monitor: 'val_loss', patience: o.patience } : undefined,
      signal: abort.signal,
      onEpochEnd: (epoch: number, logs: Record<string, number | undefined>) => {
        lastEpoch = epoch + 1;
        pendingEpochs.push({ epoch: epoch + 1, logs: { ...logs } as unknown as EpochLogs });
        if (performance.now() - lastPost >= EPOCH_POST_MS) flushEpochs();
      },
    } as Parameters<typeof next.fit>[1]);
    flushEpochs();
    const stoppedEarly = history.epoch.length < o.epochs;
    const metrics = next.evaluate(te) as TrainResult['metrics'];
    const numClasses = info.task === 'classification' ? info.classes.length : 0;
    let confusion: number[][] | null = null;
    if (numClasses > 0) {
      const p = next.predict(te); // (N, C)
      confusion = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
      const labels = te.labels as Int32Array;
      for (let i = 0; i < te.numRows; i++) confusion[labels[i]][argmax(p, i * numClasses, numClasses)]++;
    }
    dispose(model);
    dispose(trainData);
    dispose(testData);
    model = next;
    trainData = tr;
    testData = te;
    modelInfo = describeModel(next, info.task, info.classes, info.featureNames);
    const usage = expertUsage(next, te, numClasses);
    const pair = info.numFeatures >= 2 ? tellingPair(next) : null;
    const map = pair ? expertMap(next, pair[0], pair[1]) : null;
    const result: TrainResult = {
      metrics, confusion, usage, map,
      parameters: modelInfo.parameters,
      trainRows: tr.numRows, testRows: te.numRows,
      seconds: (performance.now() - t0) / 1000,
      stoppedEarly,
    };
    post({ id, type: 'trained', result, model: modelInfo });
  } catch (err) {
    flushEpochs();
    dispose(next);
    dispose(tr);
    dispose(te);
    if (abort.signal.aborted || (err as Error)?.name === 'AbortError') post({ id, type: 'cancelled', epoch: lastEpoch });
    else throw err;
  } finally {
    abort = null;
  }
}

function predict(csv: ArrayBuffer): { csv: string; rows: number } {
  if (!model || !modelInfo) throw new Error('Train or load a model first.');
  const ds = Dataset.fromCSV(new Uint8Array(csv), { schema: model.schema } as Parameters<typeof Dataset.fromCSV>[1]);
  try {
    const out = model.predict(ds); // (N, C) or (N, 1)
    const n = ds.numRows;
    const lines: string[] = [];
    if (modelInfo.task === 'classification') {
      const c = modelInfo.classes.length || out.length / Math.max(1, n);
      const names = modelInfo.classes.length ? modelInfo.classes : Array.from({ length: c }, (_, j) => `class_${j}`);
      lines.push(['row', 'predicted', ...names.map((s) => `p_${s}`)].map(csvCell).join(','));
      for (let i = 0; i < n; i++) {
        const probs = Array.from(out.subarray(i * c, (i + 1) * c), (v) => String(v));
        lines.push([String(i + 1), csvCell(names[argmax(out, i * c, c)]), ...probs].join(','));
      }
    } else {
      lines.push('row,predicted');
      for (let i = 0; i < n; i++) lines.push(`${i + 1},${out[i]}`);
    }
    return { csv: lines.join('\n') + '\n', rows: n };
  } finally {
    dispose(ds);
  }
}

async function handle(msg: ToWorker): Promise<void> {
  const { id } = msg;
  switch (msg.type) {
    case 'hello':
      return;
    case 'cancel':
      abort?.abort();
      return;
    case 'inspect': {
      const ds = parse(msg.csv, msg.target, msg.task);
      try {
        post({ id, type: 'info', info: describe(ds) });
      } finally {
        dispose(ds);
      }
      return;
    }
    case 'train':
      if (abort) throw new Error('Training is already running.');
      await train(id, msg.csv, msg.target, msg.task, msg.options);
      return;
    case 'map': {
      if (!model || !trainData || !testData) throw new Error('Train a model first to see the expert map.');
      const map = expertMap(model, msg.fx, msg.fy);
      post({ id, type: 'map', map }, [map.winner.buffer, map.points.buffer, map.pointClass.buffer]);
      return;
    }
    case 'predict': {
      const p = predict(msg.csv);
      post({ id, type: 'predictions', ...p });
      return;
    }
    case 'save': {
      if (!model) throw new Error('Train or load a model first.');
      const bytes = model.save().slice().buffer as ArrayBuffer;
      post({ id, type: 'saved', bytes }, [bytes]);
      return;
    }
    case 'onnx': {
      if (!model) throw new Error('Train or load a model first.');
      const bytes = model.toONNX().slice().buffer as ArrayBuffer;
      post({ id, type: 'onnx', bytes }, [bytes]);
      return;
    }
    case 'load': {
      const next = await loadModel(new Uint8Array(msg.bytes));
      const task = (next.schema as { task?: Task } | undefined)?.task ?? (next.summary() as { task?: Task }).task ?? 'classification';
      dispose(model);
      dispose(trainData);
      dispose(testData);
      trainData = testData = null;
      model = next;
      modelInfo = describeModel(next, task, classesOf(next, []), []);
      post({ id, type: 'loaded', model: modelInfo });
      return;
    }
  }
}

self.onmessage = async (ev: MessageEvent<ToWorker>) => {
  const msg = ev.data;
  try {
    if (msg.type !== 'cancel') {
      ready ??= init();
      const r = await ready;
      if (msg.type === 'hello') {
        post({ id: msg.id, type: 'ready', ...r });
        return;
      }
    }
    await handle(msg);
  } catch (err) {
    post({ id: msg.id, type: 'error', message: errorText(err) });
  }
};
