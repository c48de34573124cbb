// The wasm heap stays flat over 200 create/fit/predict/save/dispose cycles (no leak across the
// Embind boundary). Reads malloc's in-use byte count and the memory size of the module.
import { beforeAll, expect, it } from 'vitest';
import { init, Dataset, MoE, loadModel, heapUsage } from '../../dist/index.js';
import { iris } from './helpers.js';

let ds: Dataset;
beforeAll(async () => {
  await init();
  ds = Dataset.fromCSV(iris(), { target: 'species' });
});

async function cycle(i: number): Promise<void> {
  const m = MoE.forDataset(ds, { experts: 2, expertHidden: [8], gateHidden: [4], seed: i });
  await m.fit(ds, { epochs: 1, batchSize: 50 });
  m.predict(ds);
  m.evaluate(ds);
  const again = await loadModel(m.save());
  again.dispose();
  m.dispose();
}

it('the probe sees a live model', () => {
  const before = heapUsage().allocated;
  const m = MoE.forDataset(ds, { experts: 2 });
  expect(heapUsage().allocated).toBeGreaterThan(before + 1000);
  m.dispose();
  expect(heapUsage().allocated).toBe(before);
});

it('heap stays flat over 200 create/fit/dispose cycles', async () => {
  for (let i = 0; i < 10; i++) await cycle(i);
  const start = heapUsage();
  for (let i = 0; i < 200; i++) await cycle(i);
  const end = heapUsage();
  // Everything a cycle allocates is freed: the in-use bytes return to the same level.
  expect(end.allocated - start.allocated).toBeLessThanOrEqual(4096);
  expect(end.heapSize).toBe(start.heapSize);
}, 120_000);
