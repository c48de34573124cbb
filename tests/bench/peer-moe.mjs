// Benchmark peer: moe-wasm itself (the built package in dist/), SIMD or baseline build, in Node;
// --threads=N (N > 1) trains with the threaded build on N threads.
// Prints one JSON line: samples/s per epoch, test accuracy, peak RSS, init-to-first-epoch time.
import { moeOptions } from './moe-options.mjs';
import { WORKLOADS, loadSplit } from './workloads.mjs';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const simd = args.build !== 'baseline';
const threads = Number(args.threads ?? 1);
const workload = args.workload ?? 'w1';
const w = WORKLOADS[workload];
const epochs = Number(args.epochs ?? 3);
const data = loadSplit(args.data, args.rows);

const t0 = performance.now();
const { init, Dataset, MoE } = await import(new URL('../../dist/index.js', import.meta.url).href);
const info = await init({ simd, threads });
if (info.threads !== threads) throw new Error(`asked for ${threads} threads, got ${info.threads}: ${info.threadsReason}`);
const train = Dataset.fromArrays(data.xTrain, data.yTrain, { numFeatures: data.D, task: 'classification' });
const model = new MoE(moeOptions(w, data.D, data.C));
const samplesPerSecond = [];
let firstEpochMs = 0;
let last = performance.now();
let peakRss = process.memoryUsage().rss;
await model.fit(train, {
  epochs, batchSize: w.batchSize, shuffle: true,
  onEpochEnd: () => {
    const now = performance.now();
    if (!firstEpochMs) firstEpochMs = now - t0;
    samplesPerSecond.push(data.nTrain / ((now - last) / 1000));
    last = now;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  },
});
const probs = model.predict(data.xTest);
let correct = 0;
for (let i = 0; i < data.nTest; i++) {
  let best = 0;
  for (let c = 1; c < data.C; c++) if (probs[i * data.C + c] > probs[i * data.C + best]) best = c;
  if (best === data.yTest[i]) correct++;
}
console.log(JSON.stringify({
  peer: info.threads > 1 ? `moe-wasm-threads-${info.threads}` : `moe-wasm-${info.simd ? 'simd' : 'baseline'}`, workload, epochs, rows: data.nTrain, samplesPerSecond,
  accuracy: correct / data.nTest, peakRssMB: peakRss / 2 ** 20, initToFirstEpochMs: firstEpochMs,
  flopsPerSample: model.summary().flopsPerSample,
}));
model.dispose();
