// fit keeps one copy of the training rows in wasm memory: the bindings hand the call's copy to the
// trainer instead of copying it again. Measured as heap growth, in a fresh module (own test file).
import { expect, it } from 'vitest';
import { init, MoE, heapUsage } from '../../dist/index.js';

it('fit grows the wasm heap by about one copy of the rows, not two', async () => {
  await init();
  const D = 32;
  const rows = 1 << 19;
  const x = new Float32Array(rows * D);  // (rows, D): 64 MiB
  for (let i = 0; i < x.length; i++) x[i] = ((i * 7919) % 1000) / 1000 - 0.5;
  const y = new Int32Array(rows);        // (rows,)
  for (let i = 0; i < rows; i++) y[i] = i % 2;
  const oneCopy = x.byteLength + y.byteLength;
  const m = new MoE({ inputDim: D, outputDim: 2, experts: 2, expertHidden: [4], gateHidden: [4], seed: 1 });
  const before = heapUsage();
  // The measurement means something only if the heap has no room for the rows yet.
  expect(before.heapSize - before.allocated).toBeLessThan(0.3 * oneCopy);
  await m.fit({ x, y }, { epochs: 1, batchSize: 4096 });
  const after = heapUsage();
  // The heap's size is its peak. Two copies (the call's and the trainer's) measured 2.5x; one copy
  // measures 1.26x: the rows, the batch buffers and Emscripten's geometric over-growth (a growing
  // heap takes 20% more than asked), so the bound leaves room for that step, not for a second copy.
  const peak = (after.heapSize - before.allocated) / oneCopy;
  expect(peak).toBeGreaterThan(0.9);
  expect(peak).toBeLessThan(1.4);
  m.dispose();
}, 120_000);
