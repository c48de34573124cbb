// npm run bench: every peer on every workload, interleaved in one run (rep 1 of everything, then
// rep 2 ...), reported side by side as ratios (machines here are noisy; ratios from one interleaved
// run hold better than absolute times). Prints one table to stdout, every figure to bench-results/bench.json.
// Knobs (environment): BENCH_REPS (2), BENCH_EPOCHS (W1, 10), BENCH_HEAVY_EPOCHS (W2/W3, 3),
// BENCH_HEAVY_ROWS (W2/W3 training rows, 4096), BENCH_HW_ROUNDS (3), BENCH_ONLY (comma list of
// sections: train,ingest,hardware,browser).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { runBrowserJobs } from './browser/run-browser.mjs';
import { buildHardware, hardwareSummary, runHardware } from './hardware.mjs';
import { prepareIngest } from './ingest-data.mjs';
import { prepareLetter } from './prepare-data.mjs';
import { renderReport } from './report.mjs';
import { packageSize } from './startup.mjs';
import { HEAVY_ROWS_DEFAULT, median, WORKLOADS } from './workloads.mjs';

const root = new URL('../..', import.meta.url).pathname;
const dataDir = join(root, 'build/bench');
const env = process.env;
const reps = Number(env.BENCH_REPS ?? 2);
const heavyRows = Number(env.BENCH_HEAVY_ROWS ?? HEAVY_ROWS_DEFAULT);
const epochsFor = { w1: Number(env.BENCH_EPOCHS ?? 10), w2: Number(env.BENCH_HEAVY_EPOCHS ?? 3), w3: Number(env.BENCH_HEAVY_EPOCHS ?? 3) };
const rowsFor = { w1: 0, w2: heavyRows, w3: heavyRows }; // 0 = all 16,000
const only = new Set((env.BENCH_ONLY ?? 'train,ingest,hardware,browser').split(','));
const threads = cpus().length;

prepareLetter(dataDir);
const ingestFiles = only.has('ingest') ? prepareIngest(dataDir) : {};

const node = (script, extra) => ['node', [join(root, 'tests/bench', script), `--data=${dataDir}`, ...extra]];
const torch = (extra) => ['/usr/bin/python3', [join(root, 'tests/bench/peer_torch.py'), '--data', dataDir, ...extra]];
const moeArgs = (w, build, t = 1) => [`--workload=${w}`, `--epochs=${epochsFor[w]}`, `--rows=${rowsFor[w]}`, `--build=${build}`, `--threads=${t}`];
// bench_train (native): every workload in one run, with the same epochs and rows as the wasm peers.
const nativeArgs = () => ['--data', dataDir, '--json', '--epochs', String(epochsFor.w1), '--heavy-epochs', String(epochsFor.w2), '--w2-rows', String(heavyRows)];
const tfjsArgs = (w, backend) => [`--workload=${w}`, `--epochs=${epochsFor[w]}`, `--rows=${rowsFor[w]}`, `--backend=${backend}`];
const torchArgs = (w, t) => ['--workload', w, '--epochs', String(epochsFor[w]), '--rows', String(rowsFor[w]), '--threads', String(t)];

/**
 * Each training peer: the workloads it runs (one process each), or `all` (one process printing a
 * JSON line per workload), and `skip`: workloads it does not run, with the reason (reported).
 */
const PEERS = [
  { name: 'moe-wasm-simd', workloads: ['w1', 'w2', 'w3'], cmd: (w) => node('peer-moe.mjs', moeArgs(w, 'simd')) },
  { name: 'moe-wasm-threads-2', workloads: ['w1', 'w2', 'w3'], cmd: (w) => node('peer-moe.mjs', moeArgs(w, 'simd', 2)) },
  { name: 'moe-wasm-baseline', workloads: ['w1', 'w2', 'w3'], cmd: (w) => node('peer-moe.mjs', moeArgs(w, 'baseline')) },
  { name: 'native (C++ core, -march=native)', all: ['w1', 'w2', 'w3'], cmd: () => [join(root, 'build/native/bench_train'), nativeArgs()] },
  // The same core built for SSE4.1 only: 128-bit vectors like wasm SIMD128, so wasm / this ratio is
  // what the wasm code costs at the same vector width (the -march=native build may use AVX-512).
  { name: 'native (C++ core, -msse4.1)', all: ['w1', 'w2', 'w3'], cmd: () => [join(root, 'build/native-sse41/bench_train'), nativeArgs()] },
  // One thread with the pool's profile: every unit timed, the step projected onto 2..8 threads.
  { name: 'native 1-thread profile', all: ['w1', 'w2', 'w3'],
    cmd: () => [join(root, 'build/native/bench_train'), [...nativeArgs(), '--threads', '1', '--profile']] },
  { name: 'tfjs-wasm', workloads: ['w1', 'w2'], cmd: (w) => node('peer-tfjs.mjs', tfjsArgs(w, 'wasm')),
    skip: { w3: 'no top-k gating in the TF.js Layers model (W3 is moe-wasm top-2 vs its own dense gate)' } },
  { name: 'tfjs-cpu', workloads: ['w1'], cmd: (w) => node('peer-tfjs.mjs', tfjsArgs(w, 'cpu')),
    skip: { w2: 'about 4x slower than tfjs-wasm on W1, so W2 would take minutes per epoch', w3: 'no top-k gating in the TF.js model' } },
  { name: 'pytorch-1t', workloads: ['w1', 'w2'], cmd: (w) => torch(torchArgs(w, 1)), skip: { w3: 'no top-k gating in the PyTorch model' } },
  { name: `pytorch-${threads}t`, workloads: ['w1', 'w2'], cmd: (w) => torch(torchArgs(w, threads)), skip: { w3: 'no top-k gating in the PyTorch model' } },
];
const INGEST_PEERS = ['moe-bytes', 'moe-stream', 'papaparse', 'd3-dsv', 'native read_csv'];
const ingestCmd = (peer, file) => (peer === 'native read_csv'
  ? [join(root, 'build/native/bench_csv'), [file, '--reps', '1']] // the core's parser natively: its own speed, no wasm/JS around it
  : ['node', ['--max-old-space-size=8192', join(root, 'tests/bench/peer-ingest.mjs'), `--peer=${peer}`, `--file=${file}`]]);

const results = {}; // results[workload][peer] = [run per repetition]
const ingest = {}; // ingest[file][peer] = [run per repetition]
const failures = {};
const skipped = {};
for (const p of PEERS) for (const [w, why] of Object.entries(p.skip ?? {})) skipped[`${w}/${p.name}`] = why;

const lastLines = (err) => String(err.stderr || err.message).trim().split('\n').slice(-3).join(' | ');
function runJson(bin, argv) {
  const out = execFileSync(bin, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20 * 60 * 1000, maxBuffer: 1 << 26 });
  return out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}
const push = (table, a, b, r) => ((table[a] ??= {})[b] ??= []).push(r);
const log = (s) => process.stderr.write(s);
const epochRates = (r) => (r.samplesPerSecond.length > 1 ? r.samplesPerSecond.slice(1) : r.samplesPerSecond);

const t0 = Date.now();
const loadAtStart = loadavg();
for (let rep = 0; rep < reps; rep++) {
  if (only.has('train')) {
    for (const workload of Object.keys(WORKLOADS)) {
      for (const peer of PEERS) {
        const runsAll = peer.all && workload === peer.all[0];
        if (!peer.workloads?.includes(workload) && !runsAll) continue;
        log(`bench: rep ${rep + 1}/${reps} ${runsAll ? peer.all.join('+') : workload} ${peer.name} ... `);
        try {
          const lines = runJson(...peer.cmd(workload));
          for (const r of lines) push(results, r.workload ?? workload, peer.name, r);
          log(lines.map((r) => `${r.workload} ${Math.round(median(epochRates(r)))}`).join(', ') + ' samples/s\n');
        } catch (err) {
          for (const w of runsAll ? peer.all : [workload]) failures[`${w}/${peer.name}`] = lastLines(err);
          log(`could not run: ${lastLines(err)}\n`);
        }
      }
    }
  }
  if (only.has('ingest')) {
    for (const [kind, file] of Object.entries(ingestFiles)) {
      for (const peer of INGEST_PEERS) {
        log(`bench: rep ${rep + 1}/${reps} ingest ${kind} ${peer} ... `);
        try {
          const [r] = runJson(...ingestCmd(peer, file));
          push(ingest, kind, peer, r);
          log(`${r.mbPerSecond.toFixed(1)} MB/s${r.peakRssMB ? `, peak RSS ${r.peakRssMB.toFixed(0)} MB` : ''}\n`);
        } catch (err) {
          failures[`ingest ${kind}/${peer}`] = lastLines(err);
          log(`could not run: ${lastLines(err)}\n`);
        }
      }
    }
  }
}

// Browser, once per repetition in a fresh page per job: W1 in the page (moe-wasm, TF.js), then W1 and
// W2 in a Web Worker of the cross-origin-isolated page on 1 and 2 threads, interleaved. Then the
// hardware reference (its own rounds).
const browser = {};
const browserThreads = {}; // browserThreads[workload][peer] = [run per repetition]
const browserJobs = [
  { key: 'w1 moe', fn: 'benchW1', args: ['moe', WORKLOADS.w1, epochsFor.w1] },
  { key: 'w1 tfjs', fn: 'benchW1', args: ['tfjs', WORKLOADS.w1, epochsFor.w1] },
  ...['w1', 'w2'].flatMap((w) => [1, 2].map((t) => ({ key: `${w} worker ${t}t`, workload: w, fn: 'benchWorker', args: [WORKLOADS[w], epochsFor[w], rowsFor[w], t] }))),
];
if (only.has('browser')) {
  for (let rep = 0; rep < reps; rep++) {
    log(`bench: rep ${rep + 1}/${reps} browser\n`);
    const b = await runBrowserJobs(root, browserJobs);
    for (const job of browserJobs) {
      const r = b.results[job.key];
      if (r) push(job.fn === 'benchW1' ? browser : browserThreads, job.workload ?? 'w1', r.peer, r);
      if (b.failures[job.key]) failures[`browser ${job.key}`] = b.failures[job.key];
    }
  }
}
let hardware = null;
if (only.has('hardware')) {
  const hw = runHardware(buildHardware(root), Number(env.BENCH_HW_ROUNDS ?? 3));
  for (const [k, v] of Object.entries(hw.failures)) failures[`hardware ${k}`] = v;
  hardware = { ...hw, summary: hardwareSummary(hw) };
}

// ---- summaries: samples/s is the median over epochs 2..N of every repetition; min-max alongside.
const summarise = (runs) => {
  const sps = runs.flatMap(epochRates);
  return {
    samplesPerSecond: median(sps), min: Math.min(...sps), max: Math.max(...sps), runs: runs.length,
    accuracy: median(runs.map((r) => r.accuracy)),
    peakRssMB: runs.some((r) => r.peakRssMB) ? Math.max(...runs.map((r) => r.peakRssMB ?? 0)) : null,
    rows: runs[0].rows, epochs: runs[0].epochs, flopsPerSample: runs[0].flopsPerSample ?? null,
    initToFirstEpochMs: runs[0].initToFirstEpochMs !== undefined ? median(runs.map((r) => r.initToFirstEpochMs)) : null,
    wasmFeatures: runs[0].wasmFeatures,
  };
};
const summary = {};
for (const [w, peers] of Object.entries(results)) for (const [p, runs] of Object.entries(peers)) (summary[w] ??= {})[p] = summarise(runs);
const browserSummary = {};
for (const [p, runs] of Object.entries(browser.w1 ?? {})) browserSummary[p] = summarise(runs);
const browserThreadsSummary = {};
for (const [w, peers] of Object.entries(browserThreads)) {
  for (const [p, runs] of Object.entries(peers)) {
    const peaks = runs.map((r) => r.peakMB).filter((v) => typeof v === 'number');
    (browserThreadsSummary[w] ??= {})[p] = { ...summarise(runs), peakMB: peaks.length ? Math.max(...peaks) : null, crossOriginIsolated: runs.every((r) => r.crossOriginIsolated) };
  }
}
const ingestSummary = {};
for (const [kind, peers] of Object.entries(ingest)) {
  for (const [p, runs] of Object.entries(peers)) {
    const v = runs.map((r) => r.mbPerSecond);
    (ingestSummary[kind] ??= {})[p] = {
      mbPerSecond: median(v), min: Math.min(...v), max: Math.max(...v),
      mbPerCpuSecond: runs.every((r) => r.mbPerCpuSecond) ? median(runs.map((r) => r.mbPerCpuSecond)) : null, peakRssMB: runs[0].peakRssMB ? median(runs.map((r) => r.peakRssMB)) : null,
      megabytes: runs[0].megabytes, rows: runs[0].rows, columns: runs[0].columns,
    };
  }
}

// Training FLOPs per row = 3 x forward FLOPs (forward, dX, dW; 2 per multiply-add; only the experts
// a row uses, so top-2 counts 2 of 16), from moe's own summary().flopsPerSample.
const flopsW = { w2: summary.w2?.['moe-wasm-simd']?.flopsPerSample, w3: summary.w3?.['moe-wasm-simd']?.flopsPerSample };
const gflops = {};
for (const w of ['w2', 'w3']) {
  for (const [p, s] of Object.entries(summary[w] ?? {})) if (flopsW[w]) gflops[`${w} ${p}`] = (3 * flopsW[w] * s.samplesPerSecond) / 1e9;
}

const sps = (w, p) => summary[w]?.[p]?.samplesPerSecond;
const div = (a, b) => (a && b ? a / b : null);
const mb = (k, p) => ingestSummary[k]?.[p]?.mbPerSecond;
const rss = (k, p) => ingestSummary[k]?.[p]?.peakRssMB;
const accMoe = summary.w1?.['moe-wasm-simd']?.accuracy, accTf = summary.w1?.['tfjs-wasm']?.accuracy;
/** Each goal: measured value, target, and whether higher is better (all are). */
const goals = [
  { goal: 'W1 moe-wasm SIMD / TF.js wasm, Node', value: div(sps('w1', 'moe-wasm-simd'), sps('w1', 'tfjs-wasm')), target: 10, unit: 'x' },
  { goal: 'W1 moe-wasm / TF.js wasm, Chromium', value: div(browserSummary['browser-moe-wasm-simd']?.samplesPerSecond, browserSummary['browser-tfjs-wasm']?.samplesPerSecond), target: 10, unit: 'x' },
  { goal: 'W1 moe-wasm SIMD / PyTorch 1 thread', value: div(sps('w1', 'moe-wasm-simd'), sps('w1', 'pytorch-1t')), target: 2, unit: 'x' },
  { goal: `W1 test accuracy after ${epochsFor.w1} epochs, moe-wasm minus TF.js wasm (points)`, value: accMoe !== undefined && accTf !== undefined ? 100 * (accMoe - accTf) : null, target: -1, unit: ' pt' },
  { goal: 'W2 SIMD build / baseline build', value: div(sps('w2', 'moe-wasm-simd'), sps('w2', 'moe-wasm-baseline')), target: 2.5, unit: 'x' },
  { goal: 'W3 top-2 / dense gate speed-up, moe-wasm SIMD (ideal 8)', value: div(sps('w3', 'moe-wasm-simd'), sps('w2', 'moe-wasm-simd')), target: 4, unit: 'x' },
  { goal: 'W2 GEMM shapes: wasm SIMD kernels / native -msse4.1 Eigen (geomean)', value: hardware?.summary.wasmVsSse41EigenW2 ?? null, target: 0.7, unit: 'x' },
  { goal: 'Ingestion numeric: moe fromCSV / papaparse MB/s', value: div(mb('numeric', 'moe-bytes'), mb('numeric', 'papaparse')), target: 3, unit: 'x' },
  { goal: 'Ingestion mixed: moe fromCSV / papaparse MB/s', value: div(mb('mixed', 'moe-bytes'), mb('mixed', 'papaparse')), target: 3, unit: 'x' },
  { goal: 'Ingestion numeric: moe fromStream peak RSS / papaparse (fraction, lower is better)', value: div(rss('numeric', 'moe-stream'), rss('numeric', 'papaparse')), target: 1, unit: 'x', lower: true },
];
// Threads: speed-up of 2 threads over 1 (same build, same run), peak RSS, and Amdahl's law for 8
// cores from the serial fraction the 2-thread speed-up implies: S2 = 1 / (s + (1 - s) / 2).
const rssRatio = (w) => div(summary[w]?.['moe-wasm-threads-2']?.peakRssMB, summary[w]?.['moe-wasm-simd']?.peakRssMB);
const serialFraction = (speedup) => (speedup ? Math.min(1, Math.max(0, 2 / speedup - 1)) : null);
const amdahl8 = (speedup) => { const s = serialFraction(speedup); return s === null ? null : 1 / (s + (1 - s) / 8); };
const speedup2 = { w1: div(sps('w1', 'moe-wasm-threads-2'), sps('w1', 'moe-wasm-simd')), w2: div(sps('w2', 'moe-wasm-threads-2'), sps('w2', 'moe-wasm-simd')) };
// Chromium: the same two builds in a Web Worker of the cross-origin-isolated bench page.
const bt = (w, p) => browserThreadsSummary[w]?.[p];
const speedup2Chromium = Object.fromEntries(['w1', 'w2'].map((w) => [w, div(bt(w, 'browser-worker-threads-2')?.samplesPerSecond, bt(w, 'browser-worker-simd')?.samplesPerSecond)]));
const peakRatioChromium = div(bt('w2', 'browser-worker-threads-2')?.peakMB, bt('w2', 'browser-worker-simd')?.peakMB);
goals.push(
  { goal: 'W2 moe-wasm 2 threads / 1 thread, Node', value: speedup2.w2, target: 1.7, unit: 'x' },
  { goal: 'W1 moe-wasm 2 threads / 1 thread, Node', value: speedup2.w1, target: 1.3, unit: 'x' },
  { goal: 'W2 moe-wasm 2 threads / 1 thread, Chromium (Web Worker, cross-origin isolated)', value: speedup2Chromium.w2, target: 1.7, unit: 'x' },
  { goal: 'W1 moe-wasm 2 threads / 1 thread, Chromium (Web Worker, cross-origin isolated)', value: speedup2Chromium.w1, target: 1.3, unit: 'x' },
  { goal: 'W2 peak RSS 2 threads / 1 thread, Node (lower is better)', value: rssRatio('w2'), target: 1.3, unit: 'x', lower: true },
  { goal: 'W2 peak wasm heap 2 threads / 1 thread, Chromium (lower is better)', value: peakRatioChromium, target: 1.3, unit: 'x', lower: true },
);
// Single-thread gaps: W1 wasm against the native build of the same core, and W2's training GFLOP/s
// against the wasm SIMD kernels' own GFLOP/s on W2's GEMM shapes (geometric mean, hardware section).
const kernelRows = Object.values(hardware?.summary.rows ?? {}).filter((x) => x.w2 && x['ours wasm']);
const kernelsW2 = kernelRows.length ? Math.exp(kernelRows.reduce((a, x) => a + Math.log(x['ours wasm']), 0) / kernelRows.length) : null;
goals.push(
  { goal: 'W1 moe-wasm SIMD 1 thread / native build of the same core', value: div(sps('w1', 'moe-wasm-simd'), sps('w1', 'native (C++ core, -march=native)')), target: 0.8, unit: 'x' },
  { goal: 'W1 moe-wasm SIMD 1 thread / native -msse4.1 build (same 128-bit vectors)', value: div(sps('w1', 'moe-wasm-simd'), sps('w1', 'native (C++ core, -msse4.1)')), target: 0.8, unit: 'x' },
  { goal: 'W2 moe-wasm SIMD 1 thread GFLOP/s / wasm SIMD kernels\' GFLOP/s on W2 shapes (geomean)', value: div(gflops['w2 moe-wasm-simd'], kernelsW2), target: 0.8, unit: 'x' },
);
const projection = (speedup) => ({ speedup2: speedup, serialFraction: serialFraction(speedup), projected8: amdahl8(speedup) });
// The native profile: serial fraction and speed-ups from the measured units of a 1-thread run.
const profiled = (w) => {
  const runs = results[w]?.['native 1-thread profile']?.filter((r) => r.projectedSpeedup) ?? [];
  if (!runs.length) return null;
  const mid = (f) => median(runs.map(f));
  return { speedup2: mid((r) => r.projectedSpeedup['2']), serialFraction: mid((r) => r.serialFraction), projected8: mid((r) => r.projectedSpeedup['8']) };
};
const threadsProjection = {
  ...Object.fromEntries(['w1', 'w2', 'w3'].map((w) => [`${w} native, 1-thread profile`, profiled(w)]).filter(([, v]) => v)),
  ...Object.fromEntries(['w1', 'w2'].map((w) => [`${w} Node`, projection(speedup2[w])])),
  ...Object.fromEntries(['w1', 'w2'].map((w) => [`${w} Chromium`, projection(speedup2Chromium[w])])),
};
for (const g of goals) {
  if (g.value === null || g.value === undefined || Number.isNaN(g.value)) g.status = 'n/a (a peer could not run)';
  else if (g.lower ? g.value <= g.target : g.value >= g.target) g.status = 'met';
  else if (g.unit === ' pt') g.status = `missed by ${(g.target - g.value).toFixed(1)} pt`;
  else g.status = `missed by ${(100 * (g.lower ? g.value / g.target - 1 : 1 - g.value / g.target)).toFixed(0)}%`;
}

const startup = {
  package: packageSize(root),
  initToFirstEpochMs: { node: summary.w1?.['moe-wasm-simd']?.initToFirstEpochMs ?? null, chromium: browserSummary['browser-moe-wasm-simd']?.initToFirstEpochMs ?? null },
};
const machine = {
  date: new Date().toISOString(), nproc: threads, cpu: cpus()[0]?.model, node: process.version,
  minutes: (Date.now() - t0) / 60000, loadAverage: { start: loadAtStart, end: loadavg() },
};
const config = { reps, epochs: epochsFor, rows: { w1: 16000, w2: heavyRows, w3: heavyRows }, hardwareRounds: hardware?.rounds };
const report = { machine, config, threadsProjection, summary, browser: browserSummary, browserThreads: browserThreadsSummary, gflops, ingest: ingestSummary, hardware, startup, goals, failures, skipped, raw: { results, ingest, browser, browserThreads } };

console.log(renderReport(report));
mkdirSync(join(root, 'bench-results'), { recursive: true });
writeFileSync(join(root, 'bench-results/bench.json'), JSON.stringify(report, null, 2));
console.log('\nwrote bench-results/bench.json');
