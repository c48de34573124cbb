// Package hygiene: `npm pack` makes a tarball with only what runs, which installs into an empty
// folder (offline, no dependencies) where the API.md example trains a model, and the bin works.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ROOT, IRIS_PATH } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'moe-pack-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('npm pack -> install in an empty folder -> the API.md example trains', () => {
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' });
  const info = JSON.parse(out)[0] as { filename: string; files: Array<{ path: string }> };
  const files = info.files.map((f) => f.path);
  expect(files).toContain('dist/index.js');
  expect(files).toContain('dist/index.d.ts');
  expect(files).toContain('dist/worker-client.js');
  expect(files).toContain('dist/cli.js');
  expect(files).toContain('dist/wasm/moe-simd.wasm');
  expect(files).toContain('dist/wasm/moe-base.wasm');
  expect(files.filter((f) => !/^(dist\/|docs\/|package\.json$|README\.md$|LICENSE)/.test(f))).toEqual([]);
  expect(files).toContain('LICENSE');
  expect(files).toContain('docs/API.md');
  expect(files.some((f) => f.startsWith('dist/site/'))).toBe(false);

  const app = join(dir, 'app');
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', join(dir, info.filename)], { cwd: app, encoding: 'utf8' });
  copyFileSync(IRIS_PATH, join(app, 'iris.csv'));
  writeFileSync(join(app, 'example.mjs'), `
import { readFileSync } from 'node:fs';
import { init, Dataset, MoE, loadModel, MoEError } from 'moe-wasm';
import { createTrainer } from 'moe-wasm/worker';
const info = await init();
const ds = Dataset.fromCSV(readFileSync('iris.csv', 'utf8'), { target: 'species' });
const [train, test] = ds.split(0.8, { seed: 1, stratify: true });
const model = MoE.forDataset(train, { experts: 3, gating: 'softmax', seed: 42, optimizer: { type: 'adam', learningRate: 0.01 } });
const history = await model.fit(train, { epochs: 30, batchSize: 16, validationData: test });
const again = await loadModel(model.save());
const t = await createTrainer({ inputDim: 4, outputDim: 3 });
await t.fit(train, { epochs: 1 });
await t.dispose();
console.log(JSON.stringify({ simd: info.simd, epochs: history.epoch.length, test: again.evaluate(test), isError: new MoEError('x') instanceof Error }));
`);
  const run = spawnSync(process.execPath, ['example.mjs'], { cwd: app, encoding: 'utf8' });
  expect(run.stderr).toBe('');
  const result = JSON.parse(run.stdout);
  expect(result.epochs).toBe(30);
  expect(result.test.accuracy).toBeGreaterThanOrEqual(0.9);
  const bin = spawnSync(join(app, 'node_modules/.bin/moe-wasm'), ['--help'], { encoding: 'utf8' });
  expect(bin.status).toBe(0);
  expect(bin.stdout).toMatch(/moe-wasm train/);
}, 120_000);
