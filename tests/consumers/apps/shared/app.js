// The app every bundler fixture builds: trains on the main thread (moe-wasm) and in a worker
// (moe-wasm/worker), then publishes the result on window.__moe for the Playwright check.
import { init, Dataset, MoE, MoEError } from 'moe-wasm';
import { createTrainer } from 'moe-wasm/worker';

// Two Gaussian-ish blobs: x (rows, 2) row-major, y (rows,) in {0, 1}.
function blobs(rows) {
  const x = new Float32Array(rows * 2);
  const y = new Int32Array(rows);
  let s = 7;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
  for (let i = 0; i < rows; i++) {
    y[i] = i % 2;
    x[2 * i] = (y[i] ? 1 : -1) + rnd();
    x[2 * i + 1] = (y[i] ? -1 : 1) + rnd();
  }
  return { x, y };
}

// An app that serves the .wasm files from its own folder says so (index.html sets MOE_WASM_URL).
const wasmUrl = window.MOE_WASM_URL;

async function run() {
  const info = await init(wasmUrl ? { wasmUrl } : {});
  const { x, y } = blobs(200);
  const ds = Dataset.fromArrays(x, y, { numFeatures: 2, task: 'classification' });
  const model = MoE.forDataset(ds, { experts: 2, seed: 1 });
  const history = await model.fit(ds, { epochs: 5, batchSize: 16 });
  const main = model.evaluate(ds);
  model.dispose();
  const trainer = await createTrainer({ inputDim: 2, outputDim: 2, experts: 2, seed: 1 }, wasmUrl ? { wasmUrl } : {});
  const epochs = [];
  await trainer.fit({ x, y }, { epochs: 5, batchSize: 16, onEpochEnd: (e) => { epochs.push(e); } });
  const worker = await trainer.evaluate({ x, y });
  await trainer.dispose();
  return { simd: info.simd, mainEpochs: history.epoch.length, mainAccuracy: main.accuracy, workerEpochs: epochs.length,
    workerAccuracy: worker.accuracy, errorClass: new MoEError('x') instanceof Error };
}

run().then(
  (result) => { window.__moe = { ok: true, result }; document.body.dataset.state = 'done'; },
  (e) => { window.__moe = { ok: false, error: String(e && e.stack || e) }; document.body.dataset.state = 'done'; },
);
