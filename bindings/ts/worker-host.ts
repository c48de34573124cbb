// The worker side of 'moe-wasm/worker': runs inside a Web Worker (module worker) or a Node
// worker_thread, owns one MoE model and answers the requests of worker-client.ts.
import { init, MoE, loadModel, MoEError } from './index.js';
import type { Request, Response } from './worker-protocol.js';
import { isNode, nodeBuiltin } from './platform.js';

type Post = (msg: Response, transfer?: Transferable[]) => void;

let model: MoE | null = null;
const fits = new Map<number, AbortController>();

function need(): MoE {
  if (!model) throw new MoEError('the trainer has no model (it was disposed)');
  return model;
}

function initOptions(req: { simd?: boolean; wasmUrl?: string }): { simd?: boolean; wasmUrl?: string } {
  return { ...(req.simd === undefined ? {} : { simd: req.simd }), ...(req.wasmUrl === undefined ? {} : { wasmUrl: req.wasmUrl }) };
}

async function handle(req: Request, post: Post): Promise<unknown> {
  switch (req.type) {
    case 'create': {
      await init(initOptions(req));
      model = new MoE(req.options);
      if (req.schema) (model as unknown as { _setSchema(s: unknown): void })._setSchema(req.schema);
      return { summary: model.summary(), options: model.options };
    }
    case 'load': {
      await init(initOptions(req));
      model = await loadModel(req.bytes);
      return { summary: model.summary(), options: model.options, schema: model.schema };
    }
    case 'fit': {
      const m = need();
      const controller = new AbortController();
      fits.set(req.id, controller);
      try {
        const { wantBatchEnd, ...opts } = req.options;
        return await m.fit(req.data, {
          ...opts,
          signal: controller.signal,
          onEpochEnd: (epoch, logs) => post({ id: req.id, type: 'epoch', epoch, logs }),
          onBatchEnd: wantBatchEnd ? (batch, logs) => post({ id: req.id, type: 'batch', batch, logs }) : undefined,
        });
      } finally {
        fits.delete(req.id);
      }
    }
    case 'abort':
      fits.get(req.target)?.abort();
      return null;
    case 'predict': return need().predict(req.x);
    case 'gate': return need().gate(req.x);
    case 'evaluate': return need().evaluate(req.data);
    case 'summary': return need().summary();
    case 'save': return need().save();
    case 'dispose':
      model?.dispose();
      model = null;
      return null;
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
