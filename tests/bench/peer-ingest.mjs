// Ingestion peer (one process per measurement, so peak RSS is its own): CSV bytes -> Float32Array
// feature matrix (all columns but the last, the target). Prints one JSON line: MB/s, peak RSS.
//   moe-bytes:  Dataset.fromCSV(bytes)        (parse + type inference + impute + standardise + one-hot)
//   moe-stream: Dataset.fromStream(file, 1 MB chunks) (the same, never holding the whole text)
//   papaparse:  TextDecoder + Papa.parse(dynamicTyping) + copy to Float32Array
//   d3-dsv:     TextDecoder + csvParseRows + Number() into Float32Array
// For papaparse / d3-dsv, strings become category codes and empty cells NaN (less work than moe's
// encoding, which imputes, standardises and one-hot encodes: the comparison favours the peers).
import { createReadStream, readFileSync, statSync } from 'node:fs';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const peer = args.peer, file = args.file;
const fileBytes = statSync(file).size;
const rssMB = () => process.memoryUsage().rss / 2 ** 20;

/** Row-major float matrix of every column but the last; strings -> per-column codes, '' -> NaN. */
function toMatrix(rows, cellOf) {
  const body = rows.length && rows[rows.length - 1].length <= 1 ? rows.slice(0, -1) : rows;
  const n = body.length - 1, d = body[0].length - 1; // minus the header row / target column
  const out = new Float32Array(n * d);
  const codes = Array.from({ length: d }, () => new Map());
  for (let r = 0; r < n; r++) {
    const row = body[r + 1];
    for (let j = 0; j < d; j++) out[r * d + j] = cellOf(row[j], codes[j]);
  }
  return { out, n, d };
}
const code = (v, map) => {
  let c = map.get(v);
  if (c === undefined) map.set(v, (c = map.size));
  return c;
};

let result, baselineRss, ms, cpu; // cpu: user + system time of every thread of the process (GC helpers too)
if (peer === 'moe-stream') {
  const { init, Dataset } = await import(new URL('../../dist/index.js', import.meta.url).href);
  await init();
  baselineRss = rssMB();
  const c0 = process.cpuUsage(), t0 = performance.now();
  const ds = await Dataset.fromStream(createReadStream(file, { highWaterMark: 1 << 20 }));
  ms = performance.now() - t0;
  cpu = process.cpuUsage(c0);
  result = { n: ds.numRows, d: ds.numFeatures, out: ds.features };
} else {
  const bytes = new Uint8Array(readFileSync(file));
  if (peer === 'moe-bytes') {
    const { init, Dataset } = await import(new URL('../../dist/index.js', import.meta.url).href);
    await init();
    baselineRss = rssMB();
    const c0 = process.cpuUsage(), t0 = performance.now();
    const ds = Dataset.fromCSV(bytes);
    ms = performance.now() - t0;
    cpu = process.cpuUsage(c0);
    result = { n: ds.numRows, d: ds.numFeatures, out: ds.features };
  } else if (peer === 'papaparse') {
    const Papa = (await import('papaparse')).default;
    baselineRss = rssMB();
    const c0 = process.cpuUsage(), t0 = performance.now();
    const text = new TextDecoder().decode(bytes);
    const parsed = Papa.parse(text, { dynamicTyping: true, skipEmptyLines: true });
    result = toMatrix(parsed.data, (v, map) => (typeof v === 'number' ? v : v === null || v === '' ? NaN : code(v, map)));
    ms = performance.now() - t0;
    cpu = process.cpuUsage(c0);
  } else if (peer === 'd3-dsv') {
    const { csvParseRows } = await import('d3-dsv');
    baselineRss = rssMB();
    const c0 = process.cpuUsage(), t0 = performance.now();
    const rows = csvParseRows(new TextDecoder().decode(bytes));
    result = toMatrix(rows, (v, map) => {
      if (v === '') return NaN;
      const x = Number(v);
      return Number.isNaN(x) ? code(v, map) : x;
    });
    ms = performance.now() - t0;
    cpu = process.cpuUsage(c0);
  } else {
    throw new Error(`peer-ingest: unknown --peer=${peer} (moe-bytes, moe-stream, papaparse, d3-dsv)`);
  }
}
if (!(result.out instanceof Float32Array) || result.out.length !== result.n * result.d || result.n < 1) {
  throw new Error(`peer-ingest: ${peer} produced no ${result.n}x${result.d} Float32Array`);
}
console.log(JSON.stringify({
  peer, file: file.split('/').pop(), megabytes: fileBytes / 1e6, rows: result.n, columns: result.d, ms,
  mbPerSecond: fileBytes / 1e6 / (ms / 1000), mbPerCpuSecond: fileBytes / 1e6 / ((cpu.user + cpu.system) / 1e6), peakRssMB: process.resourceUsage().maxRSS / 1024, baselineRssMB: baselineRss,
}));
