// The moe-wasm CLI end to end (dist/cli.js in a child Node process): train, predict, evaluate,
// and bad input exiting non-zero with a clear message.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, existsSync, readFileSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { DIST, IRIS_PATH, ROOT, iris } from './helpers.js';
import { init, loadModel } from '../../dist/index.js';

const dir = mkdtempSync(join(tmpdir(), 'moe-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cli = (...args: string[]) => spawnSync(process.execPath, [`${DIST}cli.js`, ...args], { cwd: dir, encoding: 'utf8' });
const cliIn = (input: string, ...args: string[]) => spawnSync(process.execPath, [`${DIST}cli.js`, ...args], { cwd: dir, encoding: 'utf8', input });

it('train -> predict -> evaluate', () => {
  const model = join(dir, 'iris.moe');
  const t = cli('train', IRIS_PATH, '--target', 'species', '--epochs', '40', '--batch-size', '16', '--experts', '3', '--out', model);
  expect(t.stderr).toMatch(/epoch 40\/40 \[#+\]/);
  expect(t.status).toBe(0);
  expect(existsSync(model)).toBe(true);
  const summary = JSON.parse(t.stdout);
  expect(summary.validation.accuracy).toBeGreaterThan(0.8);

  const rows = iris().split('\n').filter(Boolean);
  const newCsv = join(dir, 'new.csv');
  writeFileSync(newCsv, [rows[0].split(',').slice(0, 4).join(','), ...rows.slice(1, 6).map((r) => r.split(',').slice(0, 4).join(','))].join('\n'));
  const p = cli('predict', model, newCsv);
  expect(p.status).toBe(0);
  const lines = p.stdout.trim().split('\n');
  // The input columns as read, the prediction, probabilities rounded to 4 decimals (predictionsToCsv).
  expect(lines[0]).toBe('sepal_length,sepal_width,petal_length,petal_width,prediction,p_setosa,p_versicolor,p_virginica');
  expect(lines.length).toBe(6);
  for (const [i, line] of lines.slice(1).entries()) {
    const cells = line.split(',');
    expect(cells.slice(0, 4).map(Number)).toEqual(rows[i + 1].split(',').slice(0, 4).map(Number));
    expect(cells[4]).toBe('setosa');
    for (const p of cells.slice(5)) expect(p).toMatch(/^[01]\.\d{4}$/);
  }

  const e = cli('evaluate', model, IRIS_PATH);
  expect(e.status).toBe(0);
  const metrics = JSON.parse(e.stdout);
  expect(metrics.accuracy).toBeGreaterThan(0.85);
  expect(metrics.loss).toBeGreaterThan(0);
}, 60_000);

it('bad input exits non-zero with a clear message', () => {
  const missing = cli('train', join(dir, 'nope.csv'));
  expect(missing.status).toBe(1);
  expect(missing.stderr).toMatch(/cannot read data file .*nope\.csv/);
  const badTarget = cli('train', IRIS_PATH, '--target', 'colour');
  expect(badTarget.status).toBe(1);
  expect(badTarget.stderr).toMatch(/colour/);
  const badFlag = cli('train', IRIS_PATH, '--epochs', 'zero');
  expect(badFlag.status).toBe(2);
  expect(badFlag.stderr).toMatch(/--epochs must be a positive integer/);
  const corrupt = join(dir, 'corrupt.moe');
  writeFileSync(corrupt, 'not a model');
  const c = cli('predict', corrupt, IRIS_PATH);
  expect(c.status).toBe(1);
  expect(c.stderr).toMatch(/moe-wasm: error: /);
  expect(cli('frobnicate').status).toBe(2);
});

it('strict flags: an unknown flag or a missing value is a usage error (exit 2); --version prints the version', () => {
  const unknown = cli('train', IRIS_PATH, '--epoch', '3');
  expect(unknown.status).toBe(2);
  expect(unknown.stderr).toMatch(/Unknown option '--epoch'/);
  const noValue = cli('train', IRIS_PATH, '--target');
  expect(noValue.status).toBe(2);
  expect(noValue.stderr).toMatch(/--target/);
  expect(cli('predict', 'a.moe', 'b.csv', '--epochs', '3').status).toBe(2);
  expect(cli('train', IRIS_PATH, '--gating', 'dense').stderr).toMatch(/--gating must be softmax or topk/);
  expect(cli('train', IRIS_PATH, '--hidden', '8,x').status).toBe(2);
  const v = cli('--version');
  expect(v.status).toBe(0);
  expect(v.stdout.trim()).toBe(JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')).version);
});

it('model flags reach the saved model; - reads the CSV from stdin; one progress line per epoch off a TTY', async () => {
  const model = join(dir, 'flags.moe');
  const t = cliIn(iris(), 'train', '-', '--target', 'species', '--task', 'classification', '--epochs', '6', '--batch-size', '16',
    '--experts', '3', '--hidden', '12,6', '--gate-hidden', '5', '--gating', 'topk', '--top-k', '2', '--lr', '0.02',
    '--early-stopping', '50', '--validation', '0.2', '--seed', '7', '--out', model);
  expect(t.stderr).not.toMatch(/error/);
  expect(t.status).toBe(0);
  expect(t.stderr.split('\n').filter((l) => /^epoch\s+\d+\/6 /.test(l))).toHaveLength(6);
  expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  await init();
  const m = await loadModel(readFileSync(model));
  expect(m.options).toMatchObject({ experts: 3, expertHidden: [12, 6], gateHidden: [5], gating: { type: 'topk', k: 2 }, seed: 7 });
  expect(m.options.optimizer).toMatchObject({ learningRate: expect.closeTo(0.02, 6) });
  m.dispose();
  const e = cliIn(iris(), 'evaluate', model, '-');
  expect(e.status).toBe(0);
  expect(JSON.parse(e.stdout).accuracy).toBeGreaterThan(0.5);
}, 60_000);

it('the output path is checked before training', () => {
  const r = cli('train', IRIS_PATH, '--target', 'species', '--out', join(dir, 'no-such-dir', 'm.moe'));
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/cannot write model file .*no-such-dir.*ENOENT/);
  expect(r.stderr).not.toMatch(/epoch/);
  const onDir = cli('train', IRIS_PATH, '--target', 'species', '--out', dir);
  expect(onDir.status).toBe(1);
  expect(onDir.stderr).toMatch(/EISDIR/);
});

it('on a terminal the bar moves within the epoch with rows/s, elapsed and ETA', () => {
  // `script` gives the CLI a pseudo-terminal as stderr (util-linux, present on Debian).
  const cmd = `${process.execPath} ${DIST}cli.js train ${IRIS_PATH} --target species --epochs 2 --batch-size 8 --out ${join(dir, 'tty.moe')}`;
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: dir, encoding: 'utf8' });
  expect(r.status).toBe(0);
  const frames = r.stdout.split(/\r|\n/).filter((l) => l.includes('rows/s'));
  expect(frames.length).toBeGreaterThanOrEqual(2);
  expect(frames[0]).toMatch(/epoch 1\/2 \[#*\.*\] \d+ rows\/s {2}elapsed \d+\.\ds {2}ETA (\d+\.\ds|\d+m\d\ds) {2}loss \d/);
});
