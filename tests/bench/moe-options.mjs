// The bench's moe-wasm model options for a workload, shared by the Node peer (peer-moe.mjs) and the
// browser page and worker (browser/), so every moe-wasm run trains the same model.
export function moeOptions(w, D, C) {
  return {
    inputDim: D, outputDim: C, task: 'classification',
    experts: w.experts, expertHidden: w.expertHidden, gateHidden: w.gateHidden,
    gating: w.gating === 'topk' ? { type: 'topk', k: w.k, noise: true } : 'softmax',
    loadBalance: w.gating === 'topk' ? 0.01 : 0,
    optimizer: { type: 'adam', learningRate: 1e-3 }, seed: 1,
  };
}
