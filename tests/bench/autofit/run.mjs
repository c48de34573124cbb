// The AutoFit benchmark (npm run bench:auto, never in npm test): autoFit with a 30 s budget on 2
// workers on each dataset's training split, scored on its test split, beside scikit-learn's
// references (sklearn-reference.json); then trials per second with 1 and 2 workers. Prints a Markdown
// table with the goals marked met / missed, and writes bench-results/autofit.json.
// Usage: node run.mjs DATA_DIR   (CSV files from datasets.py). Knobs: AUTO_BUDGET (30), AUTO_RATE_TRIALS (12).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';
import { availableParallelism, loadavg } from 'node:os';
import { init, autoFit, Dataset } from '../../../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = resolve(process.argv[2] ?? 'build/bench-auto');
const budget = Number(process.env.AUTO_BUDGET ?? 30);
const rateTrials = Number(process.env.AUTO_RATE_TRIALS ?? 12);
const reference = JSON.parse(readFileSync(join(here, 'sklearn-reference.json'), 'utf8'));
const pts = (v) => 100 * v;

await init();
const rows = [];
for (const [name, ref] of Object.entries(reference.datasets)) {
  const train = Dataset.fromCSV(readFileSync(join(dataDir, `${name}-train.csv`)), { target: 'target', task: ref.task });
  const test = Dataset.fromCSV(readFileSync(join(dataDir, `${name}-test.csv`)), { schema: train.schema });
  const t0 = performance.now();
  let reports = 0;
  const r = await autoFit(train, { timeBudget: budget, workers: 2, seed: 1, onTrial: () => { reports++; } });
  const seconds = (performance.now() - t0) / 1000;
  const m = r.model.evaluate(test);
  const score = ref.task === 'classification' ? m.accuracy : m.r2;
  const best = Math.max(ref.linear, ref.mlp, ref.forest);
  rows.push({ name, task: ref.task, score, cv: r.leaderboard[0].score, trials: r.leaderboard.length, evaluations: reports, seconds,
    linear: ref.linear, mlp: ref.mlp, forest: ref.forest, best, winner: r.leaderboard[0].options });
  process.stderr.write(`${name}: test ${score.toFixed(4)} (cv ${r.leaderboard[0].score.toFixed(4)}, ${r.leaderboard.length} trials, ${seconds.toFixed(1)} s)\n`);
  r.model.dispose();
}

// Throughput: the same trial budget (the same work: decisions depend on scores only) on one worker
// and on two; trials per second of wall time.
const rateData = Dataset.fromCSV(readFileSync(join(dataDir, 'breast_cancer-train.csv')), { target: 'target' });
const rate = {};
const cpus = {};
for (const workers of [1, 2]) {
  const t0 = performance.now();
  const c0 = process.cpuUsage(); // this process, worker threads included
  const r = await autoFit(rateData, { trials: rateTrials, workers, seed: 1 });
  const seconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  rate[workers] = rateTrials / seconds;
  cpus[workers] = (c.user + c.system) / 1e6 / seconds;
  process.stderr.write(`throughput: ${workers} worker(s): ${rateTrials} trials in ${seconds.toFixed(1)} s, ${rate[workers].toFixed(2)}/s, ` +
    `${cpus[workers].toFixed(2)} CPUs busy on average (load average ${loadavg()[0].toFixed(1)}, ${availableParallelism()} cores)\n`);
  r.model.dispose();
}

const f = (v) => pts(v).toFixed(1);
const mean = (k) => rows.reduce((s, r) => s + r[k], 0) / rows.length;
const lines = [
  `## AutoFit vs scikit-learn ${reference.sklearn} (test accuracy or R², in points; autoFit: ${budget} s, 2 workers)`,
  '',
  '| dataset | task | autoFit | (cv) | trials | logistic/ridge | MLP | forest | best sklearn | vs best | vs MLP |',
  '|---|---|---|---|---|---|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.name} | ${r.task} | ${f(r.score)} | ${f(r.cv)} | ${r.trials} | ${f(r.linear)} | ${f(r.mlp)} | ${f(r.forest)} | ${f(r.best)} | ` +
    `${(pts(r.score - r.best)).toFixed(1)} | ${(pts(r.score - r.mlp)).toFixed(1)} |`),
  `| **mean** | | ${f(mean('score'))} | | | ${f(mean('linear'))} | ${f(mean('mlp'))} | ${f(mean('forest'))} | ${f(mean('best'))} | ` +
    `${pts(mean('score') - mean('best')).toFixed(1)} | ${pts(mean('score') - mean('mlp')).toFixed(1)} |`,
  '',
];
const worst = Math.min(...rows.map((r) => pts(r.score - r.mlp)));
const goals = [
  [`mean >= best of sklearn - 1 point (${f(mean('score'))} vs ${(pts(mean('best')) - 1).toFixed(1)})`, pts(mean('score')) >= pts(mean('best')) - 1],
  [`no dataset more than 3 points below sklearn's MLP (worst: ${worst.toFixed(1)})`, worst >= -3],
  [`trials/s with 2 workers >= 1.7x one worker (${rate[2].toFixed(2)} vs ${rate[1].toFixed(2)}: ${(rate[2] / rate[1]).toFixed(2)}x)`, rate[2] >= 1.7 * rate[1]],
];
lines.push('Goals:', ...goals.map(([text, ok]) => `- ${ok ? 'met' : 'MISSED'}: ${text}`));
if (cpus[2] < 1.5) {
  lines.push('', `Note: the two-worker run kept only ${cpus[2].toFixed(2)} CPUs busy (one worker: ${cpus[1].toFixed(2)}): the machine was ` +
    'busy with other work, so the throughput ratio measures its load rather than autoFit. Run on an idle machine.');
}
process.stdout.write(lines.join('\n') + '\n');
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/autofit.json', JSON.stringify({ budget, rows, rate, cpus, loadavg: loadavg(), goals: goals.map(([text, ok]) => ({ text, met: ok })) }, null, 2) + '\n');
