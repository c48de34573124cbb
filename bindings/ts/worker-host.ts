// The worker side of 'moe-wasm/worker': runs inside a Web Worker (module worker) or a Node
// worker_thread, owns the datasets and models it was asked to make (by handle) and answers the
// requests of worker-channel.ts. Every rule is the in-process API's: this file only dispatches.
import { init, Dataset, MoE, loadModel, MoEError, predictionsToCsv } from './index.js';
import { PROGRESS_MS, type DatasetInfo, type DatasetRef, type ProgressEvent, type Request, type Response, type WireDataRef } from './worker-protocol.js';
import type { Data } from './model.js';
import { isNode, nodeBuiltin } from './platform.js';

type Post = (msg: Response, transfer?: Transferable[]) => void;

const models = new Map<number, MoE>();
const datasets = new Map<number, Dataset>();
const fits = new Map<number, AbortController>();
let nextHandle = 1;
// The engine the first 'init' started: every later request waits for it (messages arrive while it loads).
let ready: Promise<unknown> = Promise.resolve();

function model(handle: number): MoE {
  const m = models.get(handle);
  if (!m) throw new MoEError('the trainer has no model (it was disposed)');
  return m;
}

function dataset(ref: DatasetRef): Dataset {
  const d = datasets.get(ref.dataset);
  if (!d) throw new MoEError('the dataset is not in the worker any more (it was disposed)');
  return d;
}

const isRef = (v: unknown): v is DatasetRef => !!v && typeof v === 'object' && 'dataset' in v;
const data = (d: WireDataRef): Data => (isRef(d) ? dataset(d) : d);

function keepModel(m: MoE): number {
  const h = nextHandle++;
  models.set(h, m);
  return h;
}

function keepDataset(d: Dataset): DatasetInfo {
  const handle = nextHandle++;
  datasets.set(handle, d);
  return {
    handle, numRows: d.numRows, numFeatures: d.numFeatures, outputDim: d.outputDim, task: d.task,
    featureNames: d.featureNames, classes: d.classes, columns: d.columns, warnings: d.warnings,
    schema: d.schema, labels: d.labels ? d.labels.slice() : null,
  };
}

async function handle(req: Request, post: Post): Promise<unknown> {
  if (req.type !== 'init' && req.type !== 'abort') await ready.catch(() => undefined);
  switch (req.type) {
    case 'init':
      return (ready = init({ ...(req.simd === undefined ? {} : { simd: req.simd }), ...(req.wasmUrl === undefined ? {} : { wasmUrl: req.wasmUrl }),
        ...(req.threads === undefined ? {} : { threads: req.threads }) }));
    case 'create': {
      const m = new MoE(req.options);
      if (req.schema) (m as unknown as { _setSchema(s: unknown): void })._setSchema(req.schema);
      return { model: keepModel(m), options: m.options };
    }
    case 'load': {
      const m = await loadModel(req.bytes);
      return { model: keepModel(m), options: m.options, schema: m.schema };
    }
    case 'fit': {
      const m = model(req.model);
      const controller = new AbortController();
      fits.set(req.id, controller);
      let events: ProgressEvent[] = [];
      let last = 0;
      const flush = () => {
        if (events.length) post({ id: req.id, type: 'progress', events });
        events = [];
        last = Date.now();
      };
      const push = (e: ProgressEvent) => {
        events.push(e);
        if (Date.now() - last >= PROGRESS_MS) flush();
      };
      try {
        const { wantBatchEnd, validationData, ...opts } = req.options;
        return await m.fit(data(req.data), {
          ...opts,
          ...(validationData === undefined ? {} : { validationData: data(validationData) }),
          signal: controller.signal,
          onEpochEnd: (epoch, logs) => push({ kind: 'epoch', epoch, logs }),
          onBatchEnd: wantBatchEnd ? (batch, logs) => push({ kind: 'batch', batch, logs }) : undefined,
        });
      } finally {
        flush();
        fits.delete(req.id);
      }
    }
    case 'abort':
      fits.get(req.target)?.abort();
      return null;
    case 'predict': return model(req.model).predict(isRef(req.x) ? dataset(req.x) : req.x);
    case 'gate': return model(req.model).gate(isRef(req.x) ? dataset(req.x) : req.x);
    case 'evaluate': return model(req.model).evaluate(data(req.data));
    case 'summary': return model(req.model).summary();
    case 'save': return model(req.model).save();
    case 'onnx': return model(req.model).toONNX();
    case 'dispose':
      models.get(req.model)?.dispose();
      models.delete(req.model);
      return null;
    case 'csv': return keepDataset(Dataset.fromCSV(req.input, req.options as Parameters<typeof Dataset.fromCSV>[1]));
    case 'split': return dataset(req).split(req.fraction, req.options).map(keepDataset);
    case 'features': return dataset(req).features.slice();
    case 'disposeDataset':
      datasets.delete(req.dataset);
      return null;
    case 'project2d': return dataset(req).project2d();
    case 'suggestTarget': return Dataset.suggestTarget(req.input, req.options);
    case 'preview': return Dataset.preview(req.input, req.rows, req.options);
    case 'report': return model(req.model).report(dataset(req.test), req.train ? { train: dataset(req.train) } : {});
    case 'predictionsCsv': {
      const parts = Array.isArray(req.parts) ? req.parts.map((p) => ({ data: dataset(p.data), split: p.split })) : dataset(req.parts);
      return predictionsToCsv(model(req.model), parts, req.options);
    }
  }
}

function serve(post: Post, listen: (cb: (req: Request) => void) => void): void {
  listen((req) => {
    handle(req, post).then(
      (value) => {
        const transfer = value instanceof Float32Array || value instanceof Uint8Array ? [value.buffer as ArrayBuffer] : [];
        post({ id: req.id, type: 'result', value }, transfer);
      },
      (e: unknown) => {
        const err = e instanceof Error ? e : new Error(String(e));
        post({ id: req.id, type: 'error', name: err.name, message: err.message, code: (err as MoEError).code });
      },
    );
  });
}

// Synchronous start-up (no top-level await): bundlers may load this file as a classic worker.
if (isNode) {
  const port = nodeBuiltin('node:worker_threads').parentPort;
  if (port) serve((msg, transfer) => port.postMessage(msg, transfer), (cb) => port.on('message', cb));
} else {
  const scope = globalThis as unknown as { postMessage(m: unknown, t?: Transferable[]): void; addEventListener(t: string, cb: (e: MessageEvent) => void): void };
  serve((msg, transfer) => scope.postMessage(msg, transfer ?? []), (cb) => scope.addEventListener('message', (e) => cb(e.data as Request)));
}
