// npm run bench: every peer on every workload, interleaved in one run, reported side by side as
// ratios (machines here are noisy; ratios from one interleaved run hold better than absolute times).
// Writes a table to stdout and every figure to bench-results/bench.json.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { prepareLetter } from './prepare-data.mjs';
import { median, WORKLOADS, forwardFlops } from './workloads.mjs';

const root = new URL('../..', import.meta.url).pathname;
const dataDir = join(root, 'build/bench');
const reps = Number(process.env.BENCH_REPS ?? 2);
const epochsFor = { w1: Number(process.env.BENCH_EPOCHS ?? 4), w2: 2, w3: 2 };
prepareLetter(dataDir);

const node = (script, extra) => ['node', [join(root, 'tests/bench', script), `--data=${dataDir}`, ...extra]];
const torch = (extra) => ['/usr/bin/python3', [join(root, 'tests/bench/peer_torch.py'), '--data', dataDir, ...extra]];

/** Each peer: which workloads it runs and the command for one (workload, epochs). */
const PEERS = [
  { name: 'moe-wasm-simd', workloads: ['w1', 'w2', 'w3'], cmd: (w, e) => node('peer-moe.mjs', [`--workload=${w}`, `--epochs=${e}`, '--build=simd']) },
  { name: 'moe-wasm-baseline', workloads: ['w1', 'w2', 'w3'], cmd: (w, e) => node('peer-moe.mjs', [`--workload=${w}`, `--epochs=${e}`, '--build=baseline']) },
  { name: 'tfjs-wasm', workloads: ['w1', 'w2'], cmd: (w, e) => node('peer-tfjs.mjs', [`--workload=${w}`, `--epochs=${e}`, '--backend=wasm']) },
  { name: 'tfjs-cpu', workloads: ['w1'], cmd: (w, e) => node('peer-tfjs.mjs', [`--workload=${w}`, `--epochs=${e}`, '--backend=cpu']) },
  { name: 'pytorch-1t', workloads: ['w1', 'w2'], cmd: (w, e) => torch(['--workload', w, '--epochs', String(e), '--threads', '1']) },
  { name: `pytorch-${cpus().length}t`, workloads: ['w1', 'w2'], cmd: (w, e) => torch(['--workload', w, '--epochs', String(e), '--threads', String(cpus().length)]) },
];

const results = {}; // results[workload][peer] = [{...}, ...] one per repetition
const failures = {};
for (let rep = 0; rep < reps; rep++) {
  for (const workload of Object.keys(WORKLOADS)) {
    for (const peer of PEERS) {
      if (!peer.workloads.includes(workload)) continue;
      const [bin, argv] = peer.cmd(workload, epochsFor[workload]);
      process.stderr.write(`bench: rep ${rep + 1}/${reps} ${workload} ${peer.name} ... `);
      try {
        const out = execFileSync(bin, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20 * 60 * 1000 });
        const line = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
        const r = JSON.parse(line);
        ((results[workload] ??= {})[peer.name] ??= []).push(r);
        process.stderr.write(`${Math.round(median(r.samplesPerSecond.slice(1).length ? r.samplesPerSecond.slice(1) : r.samplesPerSecond))} samples/s\n`);
      } catch (err) {
        failures[`${workload}/${peer.name}`] = String(err.stderr || err.message).trim().split('\n').slice(-3).join(' | ');
        process.stderr.write(`could not run: ${failures[`${workload}/${peer.name}`]}\n`);
      }
    }
  }
}

// Summaries: samples/s is the median over epochs 2..N of every repetition; min-max alongside.
const summary = {};
for (const [workload, peers] of Object.entries(results)) {
  for (const [peer, runs] of Object.entries(peers)) {
    const sps = runs.flatMap((r) => (r.samplesPerSecond.length > 1 ? r.samplesPerSecond.slice(1) : r.samplesPerSecond));
    (summary[workload] ??= {})[peer] = {
      samplesPerSecond: median(sps), min: Math.min(...sps), max: Math.max(...sps),
      accuracy: median(runs.map((r) => r.accuracy)), peakRssMB: Math.max(...runs.map((r) => r.peakRssMB)),
      initToFirstEpochMs: runs[0].initToFirstEpochMs,
    };
  }
}
const ratio = (w, a, b) => (summary[w]?.[a] && summary[w]?.[b] ? summary[w][a].samplesPerSecond / summary[w][b].samplesPerSecond : null);
const ratios = {
  'W1 moe-wasm-simd / tfjs-wasm (goal >= 10)': ratio('w1', 'moe-wasm-simd', 'tfjs-wasm'),
  'W1 moe-wasm-simd / pytorch-1t (goal >= 2)': ratio('w1', 'moe-wasm-simd', 'pytorch-1t'),
  'W2 moe-wasm-simd / baseline (goal >= 2.5)': ratio('w2', 'moe-wasm-simd', 'moe-wasm-baseline'),
  'W3 top-2 / dense speed-up, simd (goal >= 4, ideal 8)':
    summary.w3?.['moe-wasm-simd'] && summary.w2?.['moe-wasm-simd'] ? summary.w3['moe-wasm-simd'].samplesPerSecond / summary.w2['moe-wasm-simd'].samplesPerSecond : null,
};
const D = 16, C = 26;
const gflops = {};
for (const w of ['w2', 'w3']) {
  const used = WORKLOADS[w].gating === 'topk' ? WORKLOADS[w].k : WORKLOADS[w].experts;
  // Training FLOPs counted as 3x the forward multiply-adds x2 (forward, dX, dW).
  for (const [peer, s] of Object.entries(summary[w] ?? {})) gflops[`${w} ${peer}`] = (3 * forwardFlops(WORKLOADS[w], D, C, used) * s.samplesPerSecond) / 1e9;
}

const lines = [];
lines.push(`| workload | peer | samples/s (median) | min-max | test acc | peak RSS MB |`);
lines.push(`| --- | --- | ---: | ---: | ---: | ---: |`);
for (const [w, peers] of Object.entries(summary)) {
  for (const [p, s] of Object.entries(peers)) {
    lines.push(`| ${w} | ${p} | ${s.samplesPerSecond.toFixed(0)} | ${s.min.toFixed(0)}-${s.max.toFixed(0)} | ${s.accuracy.toFixed(3)} | ${s.peakRssMB.toFixed(0)} |`);
  }
}
lines.push('');
for (const [k, v] of Object.entries(ratios)) lines.push(`${k}: ${v === null ? 'n/a' : v.toFixed(2)}`);
for (const [k, v] of Object.entries(gflops)) lines.push(`GFLOP/s ${k}: ${v.toFixed(2)}`);
for (const [k, v] of Object.entries(failures)) lines.push(`could not run ${k}: ${v}`);
console.log(lines.join('\n'));

// Native kernel and training benchmarks (their own tables), when built.
const extra = {};
for (const bin of ['bench_kernels', 'bench_train']) {
  const path = join(root, 'build/native', bin);
  if (!existsSync(path)) { extra[bin] = 'not built'; continue; }
  try {
    extra[bin] = execFileSync(path, [], { encoding: 'utf8', timeout: 10 * 60 * 1000 });
    console.log(`\n## ${bin} (native)\n${extra[bin]}`);
  } catch (err) {
    extra[bin] = `failed: ${err.message}`;
  }
}
mkdirSync(join(root, 'bench-results'), { recursive: true });
writeFileSync(join(root, 'bench-results/bench.json'), JSON.stringify({ date: new Date().toISOString(), cpus: cpus()[0]?.model, results, summary, ratios, gflops, failures, native: extra }, null, 2));
console.log('\nwrote bench-results/bench.json');
