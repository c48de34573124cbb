// Benchmark peer: the same MoE in TensorFlow.js 4.22 (Layers API), wasm or cpu backend, in Node.
// Prints one JSON line: samples/s per epoch, test accuracy, peak RSS.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { buildTfjsMoE } from './tfjs-model.mjs';
import { WORKLOADS, loadSplit } from './workloads.mjs';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const backend = args.backend ?? 'wasm';
const w = WORKLOADS[args.workload ?? 'w1'];
const epochs = Number(args.epochs ?? 3);
const data = loadSplit(args.data, args.rows);

if (backend === 'wasm') {
  const require = createRequire(import.meta.url);
  setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/');
}
await tf.setBackend(backend);
await tf.ready();
// Which wasm binary TF.js picked (SIMD / threads), reported with the figures.
const wasmFeatures = backend === 'wasm'
  ? { simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'), threads: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT') }
  : undefined;

const model = buildTfjsMoE(tf, w, data.D, data.C);

const x = tf.tensor2d(data.xTrain, [data.nTrain, data.D]);
const y = tf.tensor1d(Float32Array.from(data.yTrain));
const samplesPerSecond = [];
let peakRss = process.memoryUsage().rss;
for (let epoch = 0; epoch < epochs; epoch++) {
  const t0 = performance.now();
  await model.fit(x, y, { epochs: 1, batchSize: w.batchSize, shuffle: true, verbose: 0 });
  samplesPerSecond.push(data.nTrain / ((performance.now() - t0) / 1000));
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}
const probs = model.predict(tf.tensor2d(data.xTest, [data.nTest, data.D]));
const predicted = (await probs.argMax(1).data());
let correct = 0;
for (let i = 0; i < data.nTest; i++) if (predicted[i] === data.yTest[i]) correct++;
console.log(JSON.stringify({ peer: `tfjs-${backend}`, workload: args.workload ?? 'w1', epochs, rows: data.nTrain, samplesPerSecond, accuracy: correct / data.nTest, peakRssMB: peakRss / 2 ** 20, wasmFeatures }));
