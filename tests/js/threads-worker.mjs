// A Node worker_thread that trains with the threaded build (tests/js/threads.test.ts): init with
// the requested threads, fit the model described in workerData, post back init's result and save().
import { parentPort, workerData } from 'node:worker_threads';
import { init, Dataset, MoE } from '../../dist/index.js';

const engine = await init({ threads: workerData.threads });
const ds = Dataset.fromCSV(workerData.csv, { target: workerData.target });
const model = MoE.forDataset(ds, workerData.options);
await model.fit(ds, workerData.fit);
parentPort.postMessage({ engine, bytes: model.save() });
model.dispose();
