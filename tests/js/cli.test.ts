// The moe-wasm CLI end to end (dist/cli.js in a child Node process): train, predict, evaluate,
// and bad input exiting non-zero with a clear message.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, existsSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { DIST, IRIS_PATH, iris } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'moe-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cli = (...args: string[]) => spawnSync(process.execPath, [`${DIST}cli.js`, ...args], { cwd: dir, encoding: 'utf8' });

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
  expect(lines[0]).toBe('prediction,p_setosa,p_versicolor,p_virginica');
  expect(lines.length).toBe(6);
  expect(lines.slice(1).every((l) => l.startsWith('setosa,'))).toBe(true);

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
