// The threaded build in Node: init({ threads }) picks it and reports the count, training gives the
// same bytes as the single-thread SIMD build for the same seed (in-process and in a worker_thread),
// cancel and dispose while threads compute, and 200 create/fit/dispose cycles leak no thread.
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { AbortError, Dataset, heapUsage, init, MoE, MoEError } from '../../dist/index.js';
import { diabetes, iris } from './helpers.js';

// Enough experts and rows that every parallel unit kind runs: expert row chunks, experts, Adam blocks.
const OPTIONS = { experts: 6, expertHidden: [48, 24], gateHidden: [16], seed: 9 };
const FIT = { epochs: 3, batchSize: 48 };

async function trainedBytes(csv: string, target: string, options: object, fit: object): Promise<Uint8Array> {
  const ds = Dataset.fromCSV(csv, { target });
  const m = MoE.forDataset(ds, options);
  await m.fit(ds, fit);
  const bytes = m.save();
  m.dispose();
  return bytes;
}

const tasks = (): number => readdirSync('/proc/self/task').length;
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

describe('threaded build', () => {
  it('init({ threads }) loads it and reports the count; bad counts are MoEErrors', async () => {
    expect(await init({ threads: 2 })).toMatchObject({ simd: true, threads: 2 });
    const one = await init({ simd: true, threads: 1 });
    expect(one).toMatchObject({ simd: true, threads: 1 });
    expect(one.threadsReason).toBeUndefined();
    expect((await init({ threads: 'auto' })).threads).toBe(availableParallelism());
    for (const bad of [0, -1, 1.5, 'all', null]) {
      await expect(init({ threads: bad as never })).rejects.toThrow(/init: threads must be 'auto' or a whole number >= 1/);
    }
    await expect(init({ threads: 1000 })).rejects.toThrow(MoEError);
    await expect(init({ threads: 1000 })).rejects.toThrow(/threads must be at most 64, got 1000/);
    // The module stays usable after a refused count.
    expect((await init({ threads: 2 })).threads).toBe(2);
  });

  it('trains to the same bytes as the single-thread build, classification and regression', async () => {
    const runs: Array<[string, string, object, object]> = [
      [iris(), 'species', OPTIONS, FIT],
      [diabetes(), 'progression', { ...OPTIONS, gating: { type: 'topk', k: 2 } }, { ...FIT, batchSize: 64 }],
    ];
    for (const [csv, target, options, fit] of runs) {
      await init({ simd: true, threads: 1 });
      const single = await trainedBytes(csv, target, options, fit);
      await init({ threads: 2 });
      const threaded = await trainedBytes(csv, target, options, fit);
      expect(sameBytes(single, threaded)).toBe(true);
      await init({ threads: 3 });
      expect(sameBytes(single, await trainedBytes(csv, target, options, fit))).toBe(true);
    }
  });

  it('trains in a Node worker_thread to the same bytes', async () => {
    await init({ simd: true, threads: 1 });
    const single = await trainedBytes(iris(), 'species', OPTIONS, FIT);
    const w = new Worker(new URL('./threads-worker.mjs', import.meta.url), {
      workerData: { threads: 2, csv: iris(), target: 'species', options: OPTIONS, fit: FIT },
    });
    const reply = await new Promise<{ engine: { threads: number; simd: boolean }; bytes: Uint8Array }>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    await w.terminate();
    expect(reply.engine).toMatchObject({ simd: true, threads: 2 });
    expect(sameBytes(single, reply.bytes)).toBe(true);
  });

  it('cancels and disposes while the threads are busy; the model stays usable', async () => {
    await init({ threads: 2 });
    const ds = Dataset.fromCSV(iris(), { target: 'species' });
    const m = MoE.forDataset(ds, OPTIONS);
    const ac = new AbortController();
    let batches = 0;
    const fit = m.fit(ds, { epochs: 50, batchSize: 8, signal: ac.signal, onBatchEnd: () => { if (++batches === 3) ac.abort(); } });
    await expect(fit).rejects.toThrow(AbortError);
    expect(m.predict(ds).length).toBe(ds.numRows * 3);
    const again = m.fit(ds, { epochs: 50, batchSize: 8 });
    m.dispose();  // dispose during a fit: the fit ends with a MoEError, no thread is left computing
    await expect(again).rejects.toThrow(MoEError);
    const fresh = MoE.forDataset(ds, OPTIONS);
    await fresh.fit(ds, { epochs: 1, batchSize: 16 });
    fresh.dispose();
  });

  it('leaks no thread and no heap over 200 create/fit/dispose cycles', async () => {
    await init({ threads: 2 });
    const ds = Dataset.fromCSV(iris(), { target: 'species' });
    const cycle = async () => {
      const m = MoE.forDataset(ds, { experts: 4, expertHidden: [8], gateHidden: [4], seed: 1 });
      await m.fit(ds, { epochs: 1, batchSize: 32 });
      m.dispose();
    };
    for (let i = 0; i < 5; i++) await cycle();
    const threadsBefore = tasks();
    const heapBefore = heapUsage().allocated;
    for (let i = 0; i < 200; i++) await cycle();
    // Node's own helper threads may come and go by one or two; a leak would add 200.
    expect(tasks()).toBeLessThanOrEqual(threadsBefore + 2);
    expect(heapUsage().allocated).toBeLessThanOrEqual(heapBefore);
  });
});
