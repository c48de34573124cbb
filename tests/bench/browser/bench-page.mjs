// The browser bench page's code: window.benchW1(peer, workload, epochs) trains W1 on the prepared
// Letter split (fetched from build/bench) with moe-wasm or TF.js's wasm backend and resolves to
// { samplesPerSecond[], accuracy, ... }. Wall-clock timing (a page has no CPU clock).
import { buildTfjsMoE } from '../tfjs-model.mjs';

async function fetchArray(name, Type) {
  const res = await fetch(`/build/bench/${name}`);
  if (!res.ok) throw new Error(`bench page: ${name}: HTTP ${res.status}`);
  return new Type(await res.arrayBuffer());
}

async function loadData() {
  const meta = await (await fetch('/build/bench/letter.json')).json();
  return {
    ...meta,
    xTrain: await fetchArray('letter-xtrain.f32', Float32Array), yTrain: await fetchArray('letter-ytrain.i32', Int32Array),
    xTest: await fetchArray('letter-xtest.f32', Float32Array), yTest: await fetchArray('letter-ytest.i32', Int32Array),
  };
}

function accuracyOf(probs, data) {
  let correct = 0;
  for (let i = 0; i < data.nTest; i++) {
    let best = 0;
    for (let c = 1; c < data.C; c++) if (probs[i * data.C + c] > probs[i * data.C + best]) best = c;
    if (best === data.yTest[i]) correct++;
  }
  return correct / data.nTest;
}

async function benchMoe(w, epochs, data) {
  const t0 = performance.now();
  const { init, Dataset, MoE } = await import('/dist/index.js');
  const info = await init();
  const train = Dataset.fromArrays(data.xTrain, data.yTrain, { numFeatures: data.D, task: 'classification' });
  const model = new MoE({
    inputDim: data.D, outputDim: data.C, task: 'classification',
    experts: w.experts, expertHidden: w.expertHidden, gateHidden: w.gateHidden, gating: 'softmax', loadBalance: 0,
    optimizer: { type: 'adam', learningRate: 1e-3 }, seed: 1,
  });
  const samplesPerSecond = [];
  let last = performance.now(), firstEpochMs = 0;
  await model.fit(train, {
    epochs, batchSize: w.batchSize, shuffle: true,
    onEpochEnd: () => {
      const now = performance.now();
      if (!firstEpochMs) firstEpochMs = now - t0;
      samplesPerSecond.push(data.nTrain / ((now - last) / 1000));
      last = now;
    },
  });
  const accuracy = accuracyOf(model.predict(data.xTest), data);
  model.dispose();
  return { peer: `browser-moe-wasm-${info.simd ? 'simd' : 'baseline'}`, samplesPerSecond, accuracy, initToFirstEpochMs: firstEpochMs };
}

async function benchTfjs(w, epochs, data) {
  const tf = globalThis.tf;
  tf.wasm.setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
  await tf.setBackend('wasm');
  await tf.ready();
  const wasmFeatures = { simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'), threads: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT') };
  const model = buildTfjsMoE(tf, w, data.D, data.C);
  const x = tf.tensor2d(data.xTrain, [data.nTrain, data.D]);
  const y = tf.tensor1d(Float32Array.from(data.yTrain));
  const samplesPerSecond = [];
  for (let e = 0; e < epochs; e++) {
    const t0 = performance.now();
    await model.fit(x, y, { epochs: 1, batchSize: w.batchSize, shuffle: true, verbose: 0 });
    samplesPerSecond.push(data.nTrain / ((performance.now() - t0) / 1000));
  }
  const probs = await model.predict(tf.tensor2d(data.xTest, [data.nTest, data.D])).data();
  return { peer: 'browser-tfjs-wasm', samplesPerSecond, accuracy: accuracyOf(probs, data), wasmFeatures };
}

window.benchW1 = async (peer, w, epochs) => {
  const data = await loadData();
  return peer === 'moe' ? benchMoe(w, epochs, data) : benchTfjs(w, epochs, data);
};
document.getElementById('status').textContent = 'ready';
