// Builds an ONNX graph (IR 7, opset 13) that computes exactly what MoE.predict computes on
// encoded features: every expert MLP, the gate (dense softmax or top-k), and the mixture.
import { DataType, Message, node, tensor, valueInfo, type Attribute } from './onnx-proto.js';

/** One weight matrix (rows = in, cols = out) or bias (rows = 1) of the trained model. */
export interface OnnxTensor {
  rows: number;
  cols: number;
  data: Float32Array;
}

/** What the exporter needs to know about a trained model. */
export interface OnnxModelSpec {
  task: 'classification' | 'regression';
  inputDim: number;
  outputDim: number;
  experts: number;
  expertHidden: number[];
  gateHidden: number[];
  activation: 'relu' | 'tanh' | 'gelu';
  gating: { type: 'softmax' } | { type: 'topk'; k: number };
  /** Named like the core's TensorView list: "expert0.dense0.w", "gate.dense1.b", ... */
  tensors: Map<string, OnnxTensor>;
  /** Model metadata (metadata_props), e.g. the dataset schema as JSON. */
  metadata: Record<string, string>;
  producerVersion: string;
}

export const ONNX_IR_VERSION = 7;
export const ONNX_OPSET = 13;

/** Accumulates nodes and initializers with unique names. */
class GraphBuilder {
  readonly nodes: Message[] = [];
  readonly initializers: Message[] = [];
  private counter = 0;

  fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  op(type: string, inputs: string[], attrs: Attribute[] = [], outputs = 1): string[] {
    const outs = Array.from({ length: outputs }, () => this.fresh(type.toLowerCase()));
    this.nodes.push(node(type, inputs, outs, this.fresh(`n_${type}`), attrs));
    return outs;
  }

  op1(type: string, inputs: string[], attrs: Attribute[] = []): string {
    return this.op(type, inputs, attrs)[0];
  }

  constant(name: string, dims: number[], data: Float32Array | number[], type: DataType = DataType.Float): string {
    this.initializers.push(tensor(name, dims, data, type));
    return name;
  }
}

function activation(g: GraphBuilder, x: string, act: OnnxModelSpec['activation'], consts: { half: string; one: string; invSqrt2: string }): string {
  if (act === 'relu') return g.op1('Relu', [x]);
  if (act === 'tanh') return g.op1('Tanh', [x]);
  // reference: Hendrycks & Gimpel 2016, GELU(x) = 0.5 x (1 + erf(x / sqrt 2)) (opset 13 has no Gelu op)
  const erf = g.op1('Erf', [g.op1('Mul', [x, consts.invSqrt2])]);
  return g.op1('Mul', [g.op1('Mul', [x, consts.half]), g.op1('Add', [erf, consts.one])]);
}

function mlp(g: GraphBuilder, spec: OnnxModelSpec, prefix: string, layers: number, input: string, consts: { half: string; one: string; invSqrt2: string }): string {
  let h = input;
  for (let l = 0; l < layers; l++) {
    const w = spec.tensors.get(`${prefix}.dense${l}.w`);
    const b = spec.tensors.get(`${prefix}.dense${l}.b`);
    if (!w || !b) throw new Error(`ONNX export: tensor ${prefix}.dense${l} is missing`);
    const wName = g.constant(`${prefix}.dense${l}.w`, [w.rows, w.cols], w.data);
    const bName = g.constant(`${prefix}.dense${l}.b`, [b.cols], b.data);
    h = g.op1('Add', [g.op1('MatMul', [h, wName]), bName]);
    if (l < layers - 1) h = activation(g, h, spec.activation, consts);
  }
  return h;
}

/** Serialises the model described by spec as ONNX bytes. */
export function buildOnnx(spec: OnnxModelSpec): Uint8Array {
  const g = new GraphBuilder();
  // Constants of the GELU formula, only added when the model uses GELU (unused initializers warn).
  const consts =
    spec.activation === 'gelu'
      ? { half: g.constant('const_half', [], [0.5]), one: g.constant('const_one', [], [1]), invSqrt2: g.constant('const_inv_sqrt2', [], [Math.SQRT1_2]) }
      : { half: '', one: '', invSqrt2: '' };
  const axis1 = g.constant('const_axis1', [1], [1], DataType.Int64);
  const axis2 = g.constant('const_axis2', [1], [2], DataType.Int64);

  // Gate: logits (N, E) -> weights (N, E).
  const gateLogits = mlp(g, spec, 'gate', spec.gateHidden.length + 1, 'features', consts);
  let gateWeights: string;
  if (spec.gating.type === 'softmax') {
    gateWeights = g.op1('Softmax', [gateLogits], [{ name: 'axis', int: -1 }]);
  } else {
    // Keep the k largest logits, softmax over them, zeros elsewhere.
    const k = g.constant('const_k', [1], [spec.gating.k], DataType.Int64);
    const [values, indices] = g.op('TopK', [gateLogits, k], [{ name: 'axis', int: -1 }, { name: 'largest', int: 1 }, { name: 'sorted', int: 1 }], 2);
    const kept = g.op1('Softmax', [values], [{ name: 'axis', int: -1 }]);
    const zeros = g.op1('Sub', [gateLogits, gateLogits]);
    gateWeights = g.op1('ScatterElements', [zeros, indices, kept], [{ name: 'axis', int: 1 }]);
  }

  // Experts: (N, C) each, stacked to (N, E, C).
  const expertOutputs: string[] = [];
  for (let e = 0; e < spec.experts; e++) {
    let out = mlp(g, spec, `expert${e}`, spec.expertHidden.length + 1, 'features', consts);
    if (spec.task === 'classification') out = g.op1('Softmax', [out], [{ name: 'axis', int: -1 }]);
    expertOutputs.push(g.op1('Unsqueeze', [out, axis1]));
  }
  const stacked = expertOutputs.length === 1 ? expertOutputs[0] : g.op1('Concat', expertOutputs, [{ name: 'axis', int: 1 }]);
  const weights3 = g.op1('Unsqueeze', [gateWeights, axis2]); // (N, E, 1)
  const outputName = spec.task === 'classification' ? 'probabilities' : 'values';
  const weighted = g.op1('Mul', [stacked, weights3]);
  g.nodes.push(node('ReduceSum', [weighted, axis1], [outputName], 'n_mixture', [{ name: 'keepdims', int: 0 }]));

  const graph = new Message();
  for (const n of g.nodes) graph.message(1, n);
  graph.string(2, 'moe');
  for (const t of g.initializers) graph.message(5, t);
  graph.message(11, valueInfo('features', DataType.Float, ['N', spec.inputDim]));
  graph.message(12, valueInfo(outputName, DataType.Float, ['N', spec.outputDim]));

  const model = new Message()
    .int(1, ONNX_IR_VERSION)
    .string(2, 'moe-wasm')
    .string(3, spec.producerVersion)
    .message(7, graph)
    .message(8, new Message().string(1, '').int(2, ONNX_OPSET));
  for (const [key, value] of Object.entries(spec.metadata)) {
    model.message(14, new Message().string(1, key).string(2, value));
  }
  return model.finish();
}
