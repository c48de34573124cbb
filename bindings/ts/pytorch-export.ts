// toPyTorch(): the model as a PyTorch project: model.py (the same MoE as a torch.nn.Module, plus
// preprocess), weights.safetensors (the core's tensors under their own names, weights (in, out)),
// schema.json (the preprocessing) and train_ddp.py (DistributedDataParallel training on a CSV).
import { META_CONFIG, META_SCHEMA, tensorShape } from './pytorch-import.js';
import { MODEL_PY } from './pytorch-model-py.js';
import { TRAIN_DDP_PY } from './pytorch-train-py.js';
import { encodeSafetensors, type SafeTensor } from './safetensors.js';

/** The files of a PyTorch export, by file name. */
export interface PyTorchFiles {
  'model.py': string;
  'weights.safetensors': Uint8Array;
  'schema.json': string;
  'train_ddp.py': string;
}

/** What the exporter needs from a model. */
export interface PyTorchSpec {
  options: object;                   // the public MoE options, defaults filled in
  schema: object | null;             // the dataset schema (null: trained on arrays)
  tensors: Array<{ name: string; rows: number; cols: number; data: Float32Array }>;  // in the core's order
  version: string;
}

export function buildPyTorch(spec: PyTorchSpec): PyTorchFiles {
  const config = JSON.stringify(spec.options);
  const metadata: Record<string, string> = { format: 'pt', [META_CONFIG]: config, 'moe-wasm.version': spec.version };
  if (spec.schema) metadata[META_SCHEMA] = JSON.stringify(spec.schema);
  const tensors = spec.tensors.map((t): [string, SafeTensor] => [t.name, { shape: tensorShape(t.rows, t.cols, t.name), data: t.data }]);
  return {
    // The config is JSON of numbers, booleans and fixed words: safe inside a Python raw ''' string.
    'model.py': MODEL_PY.split('__CONFIG__').join(config).split('__VERSION__').join(spec.version),
    'weights.safetensors': encodeSafetensors(tensors, metadata),
    'schema.json': JSON.stringify(spec.schema, null, 1) + '\n',
    'train_ddp.py': TRAIN_DDP_PY,
  };
}
