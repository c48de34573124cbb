// The README's "When you outgrow the browser" path: a model trained on the page, exported for PyTorch by
// the CLI, trained further by torchrun (2 processes, gloo; Debian's python3-torch), loaded back on the
// page, whose predictions equal PyTorch's.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SITE_DIR, byId, expect, readDownload, setEpochs, test, trainToDone, waitReady, chooseSample } from './fixtures';

const ROOT = resolve(SITE_DIR, '../..');

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout + r.stderr;
}

test('page -> model.moe -> PyTorch export -> torchrun DDP -> trained.safetensors -> page predicts as PyTorch', async ({ page, site }) => {
  test.setTimeout(900_000);
  const work = mkdtempSync(join(tmpdir(), 'moe-page-torch-'));
  try {
    await page.goto(site);
    await waitReady(page);
    await chooseSample(page, 'penguins');
    await setEpochs(page, 2);
    await trainToDone(page);
    writeFileSync(join(work, 'model.moe'), await readDownload(page, 'download-model'));

    const csv = resolve(SITE_DIR, 'samples/penguins.csv');
    const out = join(work, 'pytorch');
    run(process.execPath, [join(ROOT, 'dist/cli.js'), 'export', join(work, 'model.moe'), out, '--format', 'pytorch']);
    const trained = join(work, 'trained.safetensors');
    // --redirects/--tee: torch 1.13's torchrun cannot parse their default under Python 3.11 (docs/pytorch.md).
    const log = run('/usr/bin/torchrun', ['--standalone', '--nproc_per_node=2', '--redirects', '1', '--tee', '1',
      join(out, 'train_ddp.py'), '--data', csv, '--epochs', '1', '--batch-size', '16', '--out', trained]);
    expect(log).toMatch(/epoch 1\/1: loss [0-9.]+ over \d+ rows, \d+ steps on 2 ranks/);
    // PyTorch's predictions for the sample (model.py's command line: preprocess + eval forward).
    const torchRows = run('/usr/bin/python3', [join(out, 'model.py'), trained, csv]).trim().split('\n')
      .map((line) => line.split(',').map(Number));

    await page.reload();
    await waitReady(page);
    await chooseSample(page, 'penguins');
    await byId(page, 'load-model-input').setInputFiles({ name: 'trained.safetensors', mimeType: 'application/octet-stream', buffer: readFileSync(trained) });
    await expect(byId(page, 'status')).toContainText('Loaded trained.safetensors');
    const lines = (await readDownload(page, 'download-predictions')).toString('utf8').trim().split('\n');
    expect(lines[0]).toMatch(/,prediction,p_Adelie,p_Chinstrap,p_Gentoo$/);
    const pageRows = lines.slice(1).map((line) => line.split(',').slice(-3).map(Number));
    expect(pageRows.length).toBe(torchRows.length);
    let worst = 0;
    pageRows.forEach((row, i) => row.forEach((v, j) => { worst = Math.max(worst, Math.abs(v - torchRows[i][j])); }));
    expect(worst).toBeLessThan(1e-4); // the download rounds probabilities to 4 decimals
    await expect(byId(page, 'error')).toBeHidden();
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
