// Trains through the installed package inside a jsdom environment, on the main thread and in moe-wasm/worker.
import { expect, it } from 'vitest';
import { init, Dataset, MoE } from 'moe-wasm';
import { createTrainer } from 'moe-wasm/worker';

it('trains under jsdom', async () => {
  expect(typeof window).toBe('object');
  await init();
  const x = Float32Array.from({ length: 80 }, (_, i) => ((i >> 1) % 2 ? 1 : -1) * (i % 2 ? 0.5 : 1));
  const y = Int32Array.from({ length: 40 }, (_, i) => i % 2);
  const ds = Dataset.fromArrays(x, y, { numFeatures: 2, task: 'classification' });
  const model = MoE.forDataset(ds, { experts: 2, seed: 1 });
  const history = await model.fit(ds, { epochs: 3 });
  expect(history.epoch).toEqual([0, 1, 2]);
  model.dispose();
  const t = await createTrainer({ inputDim: 2, outputDim: 2, experts: 2 });
  expect((await t.fit(ds, { epochs: 2 })).epoch).toEqual([0, 1]);
  await t.dispose();
}, 60_000);
