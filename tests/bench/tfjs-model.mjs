// The bench's MoE in TensorFlow.js Layers, shared by the Node peer (peer-tfjs.mjs) and the browser
// page (browser/bench-page.mjs); takes the `tf` namespace so it works with the npm module and the UMD
// bundle alike. The Keras tutorial's model: experts Dense..Dense(C, softmax), gate Dense..Dense(E,
// softmax), output = sum_e gate_e * expert_e (a batched dot over the expert axis).
export function buildTfjsMoE(tf, w, D, C) {
  const input = tf.input({ shape: [D] });
  const mlp = (x, hidden, out, outAct) => {
    let h = x;
    for (const units of hidden) h = tf.layers.dense({ units, activation: 'relu' }).apply(h);
    return tf.layers.dense({ units: out, activation: outAct }).apply(h);
  };
  const experts = [];
  for (let e = 0; e < w.experts; e++) {
    experts.push(tf.layers.reshape({ targetShape: [1, C] }).apply(mlp(input, w.expertHidden, C, 'softmax')));
  }
  const stacked = tf.layers.concatenate({ axis: 1 }).apply(experts); // (N, E, C)
  const gate = mlp(input, w.gateHidden, w.experts, 'softmax'); // (N, E)
  const output = tf.layers.dot({ axes: [1, 1] }).apply([gate, stacked]); // (N, C)
  const model = tf.model({ inputs: input, outputs: output });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}
