// Renders the bench report (the object tests/bench/run.mjs writes to bench-results/bench.json) as
// Markdown: goals first, then training, browser, ingestion, kernels, start-up, and every peer that
// did not run with its reason. Formatting only; no figure is computed here except ratios for display.

const f0 = (x) => (x === null || x === undefined ? '-' : Math.round(x).toLocaleString('en-US'));
const f1 = (x) => (x === null || x === undefined ? '-' : x.toFixed(1));
const f2 = (x) => (x === null || x === undefined ? '-' : x.toFixed(2));
const f3 = (x) => (x === null || x === undefined || x < 0 ? '-' : x.toFixed(3));
const kb = (b) => `${(b / 1024).toFixed(0)} KiB`;

function table(head, rows, align) {
  const out = [`| ${head.join(' | ')} |`, `| ${align.map((a) => (a === 'r' ? '---:' : '---')).join(' | ')} |`];
  for (const r of rows) out.push(`| ${r.join(' | ')} |`);
  return out.join('\n');
}

export function renderReport(r) {
  const out = [];
  const m = r.machine;
  out.push(`Measured ${m.date.slice(0, 10)} on ${m.cpu} (nproc ${m.nproc}), Node ${m.node}; ${r.config.reps} repetition(s), ` +
    `W1 ${r.config.epochs.w1} epochs on ${r.config.rows.w1} rows, W2/W3 ${r.config.epochs.w2} epochs on the first ${r.config.rows.w2} rows; ` +
    `samples/s = median over epochs 2..N of all repetitions (min-max alongside). Whole run: ${m.minutes.toFixed(1)} min` +
    (m.loadAverage ? `; load average (1/5/15 min) ${m.loadAverage.start.map(f1).join('/')} at the start, ${m.loadAverage.end.map(f1).join('/')} at the end.` : '.'));

  out.push('\n### Goals\n');
  out.push(table(['goal', 'measured', 'target', 'status'],
    r.goals.map((g) => [g.goal, g.value === null || g.value === undefined ? '-' : `${g.value.toFixed(2)}${g.unit}`,
      `${g.lower ? '<=' : '>='} ${g.target}${g.unit}`, g.status]), ['l', 'r', 'r', 'l']));
  if (r.threadsProjection) {
    const pct = (v) => (v === null || v === undefined ? '-' : `${(100 * v).toFixed(1)}%`);
    const x = (v) => (v === null || v === undefined ? '-' : `${v.toFixed(2)}x`);
    out.push('', 'Threads: for the Node and Chromium rows, the serial fraction s comes from the measured 2-thread speed-up (S2 = 1 / (s + (1 - s) / 2)) and the 8-core figure is Amdahl\'s law. ' +
      'For the native 1-thread profile rows, s is the measured time outside parallel jobs, and the 2- and 8-thread figures schedule the measured units onto 2 and 8 threads (load imbalance included, wake-up costs not):', '');
    out.push(table(['workload', '2 threads / 1', 'serial fraction', 'projected 8 threads / 1'],
      Object.entries(r.threadsProjection).map(([w, p]) => [w, x(p.speedup2), pct(p.serialFraction), x(p.projected8)]), ['l', 'r', 'r', 'r']));
  }

  out.push('\n### Training (Node, one process per run)\n');
  const rows = [];
  for (const [w, peers] of Object.entries(r.summary)) {
    for (const [p, s] of Object.entries(peers)) {
      const gf = r.gflops[`${w} ${p}`];
      const feat = s.wasmFeatures ? ` (wasm simd ${s.wasmFeatures.simd ? 'on' : 'off'}, threads ${s.wasmFeatures.threads ? 'on' : 'off'})` : '';
      rows.push([w, p + feat, f0(s.samplesPerSecond), `${f0(s.min)}-${f0(s.max)}`, gf === undefined ? '-' : f2(gf), f3(s.accuracy), f0(s.peakRssMB)]);
    }
  }
  out.push(table(['workload', 'peer', 'samples/s', 'min-max', 'GFLOP/s', 'test acc', 'peak RSS MB'], rows, ['l', 'l', 'r', 'r', 'r', 'r', 'r']));
  out.push('\nGFLOP/s = 3 x forward FLOPs per row (forward, dX, dW; 2 per multiply-add; only the experts a row uses: 2 of 16 for top-2) x samples/s.');

  if (Object.keys(r.browser).length) {
    out.push('\n### W1 in Chromium (/usr/bin/chromium via Playwright, wall clock)\n');
    out.push(table(['peer', 'samples/s', 'min-max', 'test acc', 'init to first epoch ms'],
      Object.entries(r.browser).map(([p, s]) => [p, f0(s.samplesPerSecond), `${f0(s.min)}-${f0(s.max)}`, f3(s.accuracy), f0(s.initToFirstEpochMs)]),
      ['l', 'r', 'r', 'r', 'r']));
  }

  if (Object.keys(r.browserThreads ?? {}).length) {
    out.push('\n### Threads in Chromium (a Web Worker of the cross-origin-isolated bench page, wall clock per epoch in the worker)\n');
    const trows = [];
    for (const [w, peers] of Object.entries(r.browserThreads)) {
      for (const [p, s] of Object.entries(peers)) {
        trows.push([w, p, f0(s.samplesPerSecond), `${f0(s.min)}-${f0(s.max)}`, f3(s.accuracy), f0(s.peakMB), s.crossOriginIsolated ? 'yes' : 'no']);
      }
    }
    out.push(table(['workload', 'peer', 'samples/s', 'min-max', 'test acc', 'peak wasm heap MB', 'cross-origin isolated'], trows, ['l', 'l', 'r', 'r', 'r', 'r', 'l']));
    out.push('\nbrowser-worker-simd = init({ threads: 1 }) in the worker (the SIMD build), browser-worker-threads-2 = init({ threads: 2 }) (the threaded build, ' +
      'its pthreads\' stacks in the same shared memory). Peak wasm heap = heapUsage().heapSize after the fit (wasm memory never shrinks).');
  }

  if (Object.keys(r.ingest).length) {
    out.push('\n### Ingestion: CSV bytes to a Float32Array feature matrix (one process per run)\n');
    const irows = [];
    for (const [kind, peers] of Object.entries(r.ingest)) {
      const pp = peers.papaparse;
      for (const [p, s] of Object.entries(peers)) {
        irows.push([`${kind} (${f0(s.megabytes)} MB, ${f0(s.rows)} rows)`, p, f1(s.mbPerSecond), `${f1(s.min)}-${f1(s.max)}`, f0(s.peakRssMB),
          pp ? `${f2(s.mbPerSecond / pp.mbPerSecond)}x` : '-', pp && s.peakRssMB ? `${f2(s.peakRssMB / pp.peakRssMB)}` : '-',
          f1(s.mbPerCpuSecond), pp?.mbPerCpuSecond && s.mbPerCpuSecond ? `${f2(s.mbPerCpuSecond / pp.mbPerCpuSecond)}x` : '-']);
      }
    }
    out.push(table(['file', 'peer', 'MB/s', 'min-max', 'peak RSS MB', 'speed vs papaparse', 'RSS vs papaparse', 'MB per CPU s', 'per CPU s vs papaparse'], irows, ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r']));
    out.push('\nmoe-bytes = Dataset.fromCSV(bytes) (type inference, imputation, standardisation, one-hot); moe-stream = Dataset.fromStream(file, 1 MB chunks, ' +
      'timed including the file read); native read_csv = the same C++ parser and encoding, native -march=native, no wasm/JS around it (thread CPU time); papaparse / d3-dsv = decode + parse + convert (strings to category codes, empty to NaN). Peak RSS includes the 100 MB input for all but moe-stream. ' +
      'MB per CPU s: the same bytes over the process\'s user + system CPU time (all its threads), steadier than MB/s when the machine is shared; native read_csv gives thread CPU time only.');
  }

  if (r.hardware) {
    const hs = r.hardware.summary;
    out.push(`\n### GEMM kernels, GFLOP/s (single thread, median of ${r.hardware.rounds} interleaved rounds; native timed by thread CPU time, wasm by Node process CPU time)\n`);
    const krows = Object.values(hs.rows).filter((x) => x.w2 || x.op === 'nn').map((x) => [x.op, x.shape, f1(x['ours wasm']),
      f1(x['ours sse41 clang']), f1(x['ours sse41 gcc']), f1(x['eigen sse41']), f1(x['ours native']), f1(x['eigen native']),
      x['ours wasm'] && x['eigen sse41'] ? `${(100 * x['ours wasm'] / x['eigen sse41']).toFixed(0)}%` : '-']);
    out.push(table(['op', 'shape', 'ours wasm SIMD128', 'ours -msse4.1 clang', 'ours -msse4.1 gcc', 'Eigen -msse4.1', 'ours -march=native', 'Eigen -march=native', 'wasm / Eigen sse4.1'],
      krows, ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r']));
    out.push(`\nEigen = Eigen 3.4's own vectorised product (no EIGEN_DONT_VECTORIZE), the faster of g++ and clang++ -O3 -msse4.1 per case. ` +
      `wasm / Eigen -msse4.1, geometric mean: W2 shapes (nn, nt, tn) ${f2(hs.wasmVsSse41EigenW2)}, W2 shapes with K < 256 only ${f2(hs.wasmVsSse41EigenW2SmallK)} ` +
      `(Eigen's own product drops to about half speed once K >= 256 on this machine), all shapes ${f2(hs.wasmVsSse41EigenAll)}. Rows: nn for every shape, nt/tn for W2's.`);
  }

  const st = r.startup;
  out.push('\n### Start-up\n');
  out.push(`Package (dist/*.js + dist/wasm/*): ${kb(st.package.total.raw)} raw, ${kb(st.package.total.gzip)} gzip -9; ` +
    `a page training with the SIMD build loads ${kb(st.package.pageWithSimd.raw)} (${kb(st.package.pageWithSimd.gzip)} gzip) ` +
    `[SIMD build ${kb(st.package.simdBuild.raw)} / ${kb(st.package.simdBuild.gzip)} gzip, baseline ${kb(st.package.baselineBuild.raw)} / ${kb(st.package.baselineBuild.gzip)}, JS ${kb(st.package.jsOnly.raw)} / ${kb(st.package.jsOnly.gzip)}]. ` +
    `import + init() to the end of W1's first epoch: ${f0(st.initToFirstEpochMs.node)} ms in Node, ${f0(st.initToFirstEpochMs.chromium)} ms in Chromium.`);

  const notRun = [...Object.entries(r.failures).map(([k, v]) => `- could not run ${k}: ${v}`), ...Object.entries(r.skipped).map(([k, v]) => `- not run ${k}: ${v}`)];
  if (notRun.length) out.push('\n### Peers not run\n\n' + notRun.join('\n'));
  return out.join('\n');
}
