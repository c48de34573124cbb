// Worker crashes from the user's side (issue 7): the trainer's worker_thread exits or throws in the
// middle of a fit; the pending promise rejects with a clear MoEError and the next trainer trains.
// The crash is injected by wrapping node:worker_threads' Worker so the package's own worker-host.js
// runs inside a thread the test can make exit or throw; nothing in the package is mocked.
import wt from 'node:worker_threads';
import { syncBuiltinESMExports } from 'node:module';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { init, Dataset, MoE, MoEError, AbortError } from '../../dist/index.js';
import { createTrainer, Trainer } from '../../dist/worker-client.js';
import { iris, maxAbsDiff } from './helpers.js';

let train: Dataset;
let test: Dataset;
beforeAll(async () => {
  await init();
  [train, test] = Dataset.fromCSV(iris(), { target: 'species' }).split(0.8, { seed: 1, stratify: true });
});

const Original = wt.Worker;
let last: InstanceType<typeof wt.Worker> | null = null;

// Runs the real host (the URL the package asked for) in a thread that also obeys { crash: 'exit' | 'throw' }.
// The extra listener is added once the host listens: the first listener starts the port, and
// messages delivered before the host's listener exists would never reach it.
const SHIM = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.host).then(() => parentPort.on('message', (m) => {
  if (m && m.crash === 'exit') process.exit(7);
  if (m && m.crash === 'throw') setTimeout(() => { throw new Error('boom inside the worker'); }, 0);
}));
`;

function injectCrashableWorkers(): void {
  (wt as { Worker: unknown }).Worker = class extends Original {
    constructor(url: URL | string) {
      super(SHIM, { eval: true, workerData: { host: String(url) } });
      last = this; // eslint-disable-line @typescript-eslint/no-this-alias
    }
  };
  syncBuiltinESMExports();
}

afterEach(() => {
  (wt as { Worker: unknown }).Worker = Original;
  syncBuiltinESMExports();
  last = null;
});

// The next training after a crash: a fresh trainer fits and agrees exactly with the in-process model.
async function nextTrainingWorks(): Promise<void> {
  const opts = { experts: 2, expertHidden: [8], gateHidden: [4], seed: 8 };
  const t = await Trainer.forDataset(train, opts);
  await t.fit(train, { epochs: 3, batchSize: 16 });
  const local = MoE.forDataset(train, opts);
  await local.fit(train, { epochs: 3, batchSize: 16 });
  expect(maxAbsDiff(await t.predict(test), local.predict(test))).toBe(0);
  local.dispose();
  await t.dispose();
}

describe('a worker that dies mid-training', () => {
  it.each([
    ['exit', /the trainer worker exited \(code 7\)/],
    ['throw', /the trainer worker crashed: boom inside the worker/],
  ] as const)('process %s: the pending fit and later calls reject with MoEError; the next training works', async (how, message) => {
    injectCrashableWorkers();
    const t = await createTrainer({ inputDim: 4, outputDim: 3, experts: 2, seed: 1 });
    const worker = last!;
    expect(worker).not.toBeNull();
    let epochs = 0;
    const p = t.fit(train, { epochs: 100_000, batchSize: 8, onEpochEnd: (e) => { epochs = e + 1; if (e === 2) worker.postMessage({ crash: how }); } });
    const err = await p.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(MoEError);
    expect((err as MoEError).message).toMatch(message);
    expect(epochs).toBeGreaterThanOrEqual(3);
    await expect(t.predict(test)).rejects.toThrow(message);
    await expect(t.save()).rejects.toThrow(MoEError);
    await t.dispose(); // a dead trainer disposes quietly
    (wt as { Worker: unknown }).Worker = Original;
    syncBuiltinESMExports();
    await nextTrainingWorks();
  }, 60_000);

  it('terminate() in the middle of a fit (during a chunk): rejects, then the next training works', async () => {
    const t = await createTrainer({ inputDim: 4, outputDim: 3, experts: 2, seed: 1 });
    const p = t.fit(train, { epochs: 100_000, batchSize: 8, onBatchEnd: (b) => { if (b === 5) t.terminate(); } });
    await expect(p).rejects.toThrow(/the trainer worker was terminated/);
    await expect(p).rejects.toBeInstanceOf(MoEError);
    await nextTrainingWorks();
  }, 60_000);
});

describe('abort through the worker in every phase', () => {
  async function stillUsable(t: Trainer): Promise<void> {
    expect((await t.predict(test)).every(Number.isFinite)).toBe(true);
    const h = await t.fit(train, { epochs: 2, batchSize: 40 });
    expect(h.epoch).toEqual([0, 1]);
  }

  it('abort right after the call (before the first chunk), mid-epoch, after an epoch with validation', async () => {
    const t = await createTrainer({ inputDim: 4, outputDim: 3, experts: 2, seed: 2 });
    const before = await t.predict(test);
    const a = new AbortController();
    const p = t.fit(train, { epochs: 5, signal: a.signal });
    a.abort();
    await expect(p).rejects.toThrow(AbortError);
    // At most the first chunk ran before the abort message arrived; the model is consistent either way.
    expect((await t.predict(test)).length).toBe(before.length);
    await stillUsable(t);

    const b = new AbortController();
    await expect(t.fit(train, { epochs: 1000, batchSize: 4, signal: b.signal, onBatchEnd: (i) => { if (i === 7) b.abort(); } })).rejects.toThrow(AbortError);
    await stillUsable(t);

    const c = new AbortController();
    await expect(t.fit(train, { epochs: 1000, validationData: test, signal: c.signal, onEpochEnd: (e, logs) => { expect(logs.val_loss).toBeGreaterThan(0); if (e === 1) c.abort(); } })).rejects.toThrow(AbortError);
    await stillUsable(t);
    await t.dispose();
  }, 60_000);
});
