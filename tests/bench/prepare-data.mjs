// Prepares the benchmark data once: UCI Letter Recognition exported from Debian's r-cran-mlbench
// (Rscript), shuffled with a fixed seed, split 16,000 / 4,000, standardised with training statistics,
// written as raw little-endian arrays every peer reads (so all peers see identical numbers).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function prepareLetter(dir) {
  mkdirSync(dir, { recursive: true });
  if (existsSync(join(dir, 'letter.json'))) return;
  const csvPath = join(dir, 'letter.csv');
  if (!existsSync(csvPath)) {
    execFileSync('Rscript', ['-e', `library(mlbench); data(LetterRecognition); write.csv(LetterRecognition, "${csvPath}", row.names = FALSE)`], { stdio: 'inherit' });
  }
  const lines = readFileSync(csvPath, 'utf8').trim().split(/\r?\n/);
  const rows = lines.slice(1).map((l) => l.split(',').map((c) => c.replace(/"/g, '')));
  const classes = [...new Set(rows.map((r) => r[0]))].sort();
  const D = rows[0].length - 1;
  // Fixed shuffle (LCG), then split.
  let seed = 12345;
  for (let i = rows.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const j = seed % (i + 1);
    [rows[i], rows[j]] = [rows[j], rows[i]];
  }
  const nTrain = 16000, nTest = rows.length - nTrain;
  const mean = new Float64Array(D), std = new Float64Array(D);
  for (let r = 0; r < nTrain; r++) for (let d = 0; d < D; d++) mean[d] += Number(rows[r][d + 1]) / nTrain;
  for (let r = 0; r < nTrain; r++) for (let d = 0; d < D; d++) std[d] += (Number(rows[r][d + 1]) - mean[d]) ** 2 / nTrain;
  for (let d = 0; d < D; d++) std[d] = Math.sqrt(std[d]) || 1;
  const encode = (from, n) => {
    const x = new Float32Array(n * D), y = new Int32Array(n);
    for (let r = 0; r < n; r++) {
      const row = rows[from + r];
      y[r] = classes.indexOf(row[0]);
      for (let d = 0; d < D; d++) x[r * D + d] = (Number(row[d + 1]) - mean[d]) / std[d];
    }
    return { x, y };
  };
  const train = encode(0, nTrain), test = encode(nTrain, nTest);
  writeFileSync(join(dir, 'letter-xtrain.f32'), new Uint8Array(train.x.buffer));
  writeFileSync(join(dir, 'letter-ytrain.i32'), new Uint8Array(train.y.buffer));
  writeFileSync(join(dir, 'letter-xtest.f32'), new Uint8Array(test.x.buffer));
  writeFileSync(join(dir, 'letter-ytest.i32'), new Uint8Array(test.y.buffer));
  writeFileSync(join(dir, 'letter.json'), JSON.stringify({ D, C: classes.length, nTrain, nTest, classes, source: 'UCI Letter Recognition, Debian r-cran-mlbench' }));
}

if (import.meta.url === `file://${process.argv[1]}`) prepareLetter(process.argv[2] ?? 'build/bench');
