// One pthread worker of the threaded build in Node: gives Emscripten's web worker script
// (wasm/moe-threads.worker.js, named in workerData.script) the Web Worker globals it expects, on
// top of worker_threads, then imports it. Messages that arrive before it is ready are queued.
import { nodeBuiltin } from './platform.js';

const { parentPort, workerData } = nodeBuiltin('node:worker_threads');
if (parentPort === null) throw new Error('pthread-node.js runs only as a worker_thread');
const port = parentPort;
const g = globalThis as unknown as Record<string, unknown> & { onmessage?: (e: { data: unknown }) => void };
const queued: unknown[] = [];
let ready = false;

g.self = g;
g.location = { href: (workerData as { script: string }).script };
g.importScripts = () => { throw new Error('importScripts is not available in a Node pthread worker'); };
g.postMessage = (msg: unknown, transfer?: readonly unknown[]) => port.postMessage(msg, transfer);
port.on('message', (data: never) => {
  if (ready) g.onmessage?.({ data });
  else queued.push(data);
});

await import((workerData as { script: string }).script);
ready = true;
for (const data of queued.splice(0)) g.onmessage?.({ data });
