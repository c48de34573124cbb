// `moe-wasm auto` end to end (dist/cli.js in a child Node process): progress on stderr, the
// leaderboard and baselines on stdout, a loadable model file; bad flags exit 2, bad data exit 1.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { DIST, IRIS_PATH } from './helpers.js';
import { init, loadModel, Dataset } from '../../dist/index.js';
import { iris } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'moe-cli-auto-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cli = (...args: string[]) => spawnSync(process.execPath, [`${DIST}cli.js`, ...args], { cwd: dir, encoding: 'utf8' });

it('auto: searches with a trial budget, prints the leaderboard and baselines, writes the winner', async () => {
  const out = join(dir, 'auto.moe');
  const r = cli('auto', IRIS_PATH, '--target', 'species', '--trials', '3', '--workers', '2', '--seed', '5', '--out', out);
  expect(r.stderr).toMatch(/150 rows, 4 features, classification \(3 classes\)/);
  expect(r.stderr).toMatch(/trial 0 (screened|cross-validated): 0\.\d{4} ± /);
  expect(r.status).toBe(0);
  const lines = r.stdout.split('\n');
  expect(lines[0]).toMatch(/^leaderboard \(accuracy, 3-fold cross-validation/);
  expect(lines[1]).toMatch(/^rank\s+trial\s+rung\s+accuracy\s+pessimistic\s+epochs\s+seconds\s+setting/);
  const rows = lines.slice(2, lines.indexOf(''));
  expect(rows.length).toBe(3);
  expect(rows[0]).toMatch(/^1\s+\d\s+1\s+0\.\d{4} ± 0\.\d{4}\s+0\.\d{4}\s+\d+\s+[\d.]+\s+\d experts? \[/);
  expect(r.stdout).toMatch(/\nbaselines\n/);
  expect(r.stdout).toMatch(/\nmajority\s+0\.3\d{3} ± 0\.\d{4}\s+always the most frequent class/);
  expect(r.stdout).toMatch(/\nlinear\s+0\.\d{4}/);
  expect(r.stdout).toMatch(/\nmlp\s+0\.\d{4}/);
  expect(r.stdout).toMatch(/model: .*auto\.moe \(trial \d, retrained on all 150 rows for \d+ epochs\)/);
  expect(existsSync(out)).toBe(true);
  await init();
  const model = await loadModel(readFileSync(out));
  expect(model.schema?.target).toBe('species');
  expect(model.evaluate(Dataset.fromCSV(iris(), { schema: model.schema })).accuracy).toBeGreaterThan(0.8);
  model.dispose();
}, 60_000);

it('auto: bad flags exit 2, bad data and options exit 1 with a clear message', () => {
  expect(cli('auto').status).toBe(2);
  const badTime = cli('auto', IRIS_PATH, '--time', 'soon');
  expect(badTime.status).toBe(2);
  expect(badTime.stderr).toMatch(/--time must be a number/);
  expect(cli('auto', IRIS_PATH, '--trials', '0').stderr).toMatch(/--trials must be a positive integer/);
  expect(cli('auto', IRIS_PATH, '--epochs', '3').status).toBe(2);
  const metric = cli('auto', IRIS_PATH, '--target', 'species', '--trials', '1', '--metric', 'r2');
  expect(metric.status).toBe(1);
  expect(metric.stderr).toMatch(/metric 'r2' does not apply to classification/);
  const tiny = join(dir, 'tiny.csv');
  writeFileSync(tiny, 'a,y\n1,x\n2,y\n3,x\n4,y\n');
  const few = cli('auto', tiny, '--target', 'y', '--trials', '1');
  expect(few.status).toBe(1);
  expect(few.stderr).toMatch(/train has 4 rows, too few for 3-fold cross-validation/);
  expect(cli('auto', join(dir, 'missing.csv'), '--trials', '1').stderr).toMatch(/cannot read data file/);
}, 60_000);
