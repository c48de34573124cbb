// The browser bench's Web Worker (module): trains one workload with moe-wasm on N threads
// (init({ threads }): the threaded build for N > 1, the SIMD build for 1, as in Node), timing each
// epoch here, and reports the wasm heap's size after the fit (memory never shrinks: its peak).
import { moeOptions } from '../moe-options.mjs';
import { accuracyOf, loadData } from './letter-data.mjs';

self.onmessage = async ({ data: { w, epochs, rows, threads } }) => {
  try {
    const data = await loadData();
    const { init, Dataset, MoE, heapUsage } = await import('/dist/index.js');
    const info = await init({ threads });
    if (info.threads !== threads) throw new Error(`asked for ${threads} threads, got ${info.threads}: ${info.threadsReason ?? ''}`);
    const n = Math.min(data.nTrain, rows > 0 ? rows : data.nTrain);
    const train = Dataset.fromArrays(data.xTrain.subarray(0, n * data.D), data.yTrain.subarray(0, n), { numFeatures: data.D, task: 'classification' });
    const model = new MoE(moeOptions(w, data.D, data.C));
    const samplesPerSecond = [];
    let last = performance.now();
    await model.fit(train, {
      epochs, batchSize: w.batchSize, shuffle: true,
      onEpochEnd: () => {
        const now = performance.now();
        samplesPerSecond.push(n / ((now - last) / 1000));
        last = now;
      },
    });
    const heapMB = heapUsage().heapSize / 2 ** 20;
    const accuracy = accuracyOf(model.predict(data.xTest), data);
    model.dispose();
    self.postMessage({ ok: true, result: {
      peer: threads > 1 ? `browser-worker-threads-${threads}` : 'browser-worker-simd', threads: info.threads, simd: info.simd,
      crossOriginIsolated: self.crossOriginIsolated, rows: n, epochs, samplesPerSecond, accuracy, peakMB: heapMB,
    } });
  } catch (e) {
    self.postMessage({ ok: false, error: String(e?.message ?? e) });
  }
};
