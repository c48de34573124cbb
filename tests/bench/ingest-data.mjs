// Generates the ingestion benchmark's inputs once (deterministic LCG): ingest-numeric-100mb.csv (~100 MB,
// 16 numeric features + an integer class target) and ingest-mixed-100mb.csv (~100 MB, numeric + string
// columns, ~5% missing cells, string class target). Not a parser; the peers are peer-ingest.mjs.
import { existsSync, mkdirSync, openSync, writeSync, closeSync, renameSync } from 'node:fs';
import { join } from 'node:path';

export const INGEST_BYTES = Number(process.env.BENCH_INGEST_MB ?? 100) * 1e6;

function lcg(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}

function writeCsv(path, header, row) {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  let bytes = 0, chunk = header + '\n';
  while (bytes < INGEST_BYTES) {
    for (let i = 0; i < 2000; i++) chunk += row() + '\n';
    writeSync(fd, chunk);
    bytes += Buffer.byteLength(chunk);
    chunk = '';
  }
  closeSync(fd);
  renameSync(tmp, path);
}

export function prepareIngest(dir) {
  mkdirSync(dir, { recursive: true });
  const mb = Math.round(INGEST_BYTES / 1e6);
  const numeric = join(dir, `ingest-numeric-${mb}mb.csv`), mixed = join(dir, `ingest-mixed-${mb}mb.csv`);
  if (!existsSync(numeric)) {
    const r = lcg(7);
    const header = [...Array.from({ length: 16 }, (_, j) => `x${j}`), 'label'].join(',');
    writeCsv(numeric, header, () => {
      const cells = [];
      for (let j = 0; j < 16; j++) cells.push(((r() - 0.5) * 200).toFixed(4));
      cells.push(String(Math.floor(r() * 10)));
      return cells.join(',');
    });
  }
  if (!existsSync(mixed)) {
    const r = lcg(11);
    const colours = ['red', 'green', 'blue', 'amber', 'violet', 'cyan', 'magenta', 'olive'];
    const cities = ['Paris', 'Lagos', 'Lima', 'Osaka', 'Quito', 'Oslo', 'Perth', 'Dakar', 'Hanoi', 'Tunis', 'Accra', 'Kyiv'];
    const sizes = ['S', 'M', 'L', 'XL'];
    const header = [...Array.from({ length: 10 }, (_, j) => `n${j}`), 'colour', 'city', 'size', 'note', 'class'].join(',');
    const cell = (v) => (r() < 0.05 ? '' : v);
    writeCsv(mixed, header, () => {
      const cells = [];
      for (let j = 0; j < 10; j++) cells.push(cell(j % 3 === 0 ? String(Math.floor(r() * 1000)) : ((r() - 0.5) * 50).toFixed(3)));
      cells.push(cell(colours[Math.floor(r() * colours.length)]));
      cells.push(cell(cities[Math.floor(r() * cities.length)]));
      cells.push(cell(sizes[Math.floor(r() * sizes.length)]));
      cells.push(cell(r() < 0.5 ? 'yes' : 'no'));
      cells.push(['alpha', 'beta', 'gamma'][Math.floor(r() * 3)]);
      return cells.join(',');
    });
  }
  return { numeric, mixed };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(prepareIngest(process.argv[2] ?? 'build/bench'));
