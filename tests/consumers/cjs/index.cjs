// A CommonJS project: require() both entries of the installed package and train in Node.
const { init, Dataset, MoE } = require('moe-wasm');
const { createTrainer } = require('moe-wasm/worker');

async function main() {
  await init();
  const rows = 200;
  const x = new Float32Array(rows * 2);                 // (rows, 2) row-major
  const y = new Int32Array(rows);                       // (rows,) class ids
  for (let i = 0; i < rows; i++) {
    y[i] = i % 2;
    x[2 * i] = (y[i] ? 1 : -1) + ((i * 7919) % 100) / 200 - 0.25;
    x[2 * i + 1] = (y[i] ? -1 : 1) + ((i * 104729) % 100) / 200 - 0.25;
  }
  const ds = Dataset.fromArrays(x, y, { numFeatures: 2, task: 'classification' });
  const model = MoE.forDataset(ds, { experts: 2, seed: 1 });
  await model.fit(ds, { epochs: 5, batchSize: 16 });
  const { accuracy } = model.evaluate(ds);
  const trainer = await createTrainer({ inputDim: 2, outputDim: 2, experts: 2, seed: 1 });
  const history = await trainer.fit(ds, { epochs: 3 });
  await trainer.dispose();
  console.log(JSON.stringify({ accuracy, workerEpochs: history.epoch.length }));
}

main().catch((e) => { console.error(e); process.exit(1); });
