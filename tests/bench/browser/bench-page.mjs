// The browser bench page's code: window.benchW1(peer, workload, epochs) trains W1 on the prepared
// Letter split (fetched from build/bench) with moe-wasm or TF.js's wasm backend in the page;
// window.benchWorker(workload, epochs, rows, threads) trains in a Web Worker (bench-worker.mjs) on N
// threads. Both resolve to { samplesPerSecond[], accuracy, ... }. Wall-clock timing (no CPU clock).
import { moeOptions } from '../moe-options.mjs';
import { buildTfjsMoE } from '../tfjs-model.mjs';
import { accuracyOf, loadData } from './letter-data.mjs';

async function benchMoe(w, epochs, data) {
  const t0 = performance.now();
  const { init, Dataset, MoE } = await import('/dist/index.js');
  const info = await init();
  const train = Dataset.fromArrays(data.xTrain, data.yTrain, { numFeatures: data.D, task: 'classification' });
  const model = new MoE(moeOptions(w, data.D, data.C));
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

/** One workload in a Web Worker of this (cross-origin-isolated) page on `threads` threads. */
function benchWorker(w, epochs, rows, threads) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./bench-worker.mjs', import.meta.url), { type: 'module' });
    worker.onmessage = ({ data }) => {
      worker.terminate();
      if (data.ok) resolve(data.result);
      else reject(new Error(data.error));
    };
    worker.onerror = (e) => {
      worker.terminate();
      reject(new Error(`bench worker: ${e.message ?? 'failed to start'}`));
    };
    worker.postMessage({ w, epochs, rows, threads });
  });
}

window.benchWorker = benchWorker;
window.benchW1 = async (peer, w, epochs) => {
  const data = await loadData();
  return peer === 'moe' ? benchMoe(w, epochs, data) : benchTfjs(w, epochs, data);
};
document.getElementById('status').textContent = 'ready';
