// Limits and security from the user's side (issue 12), against the built package: one huge label,
// many big models, wrong-typed arguments, forgotten worker trainers, formula injection in the CSVs
// the project writes, silently empty splits, forged model files. Each must be a clear MoEError (or
// harmless), the module stays usable after it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { init, Dataset, MoE, MoEError, loadModel, toCsv, csvCell } from '../../dist/index.js';
import { Trainer } from '../../dist/worker-client.js';
import { current, guard } from '../../dist/module-loader.js';
import { DIST, iris, diabetes } from './helpers.js';

let ds: Dataset;
beforeAll(async () => {
  await init();
  ds = Dataset.fromCSV(iris(), { target: 'species' });
});

const tiny = { experts: 2, expertHidden: [4], gateHidden: [2] };

// Throws what fn throws (or fails when it returns), so tests can look at the error's type and text.
async function thrown(fn: () => unknown): Promise<unknown> {
  try { await fn(); } catch (e) { return e; }
  throw new Error('expected an error');
}

describe('class count', () => {
  it('a label of 2^31 - 1 in fromArrays is refused before a class list is built', () => {
    const run = () => Dataset.fromArrays(new Float32Array(8), new Int32Array([0, 2147483647]), { numFeatures: 4 });
    expect(run).toThrow(MoEError);
    expect(run).toThrow(/y contains class 2147483647: at most 1000 classes are supported/);
    const many = Array.from({ length: 1001 }, (_, i) => `c${i}`);
    expect(() => Dataset.fromArrays(new Float32Array(8), new Int32Array([0, 1]), { numFeatures: 4, classes: many }))
      .toThrow(/classes has 1001 names: at most 1000 classes are supported/);
    // 1000 classes is the limit itself, as in the CSV reader.
    expect(Dataset.fromArrays(new Float32Array(8), new Int32Array([0, 999]), { numFeatures: 4 }).classes.length).toBe(1000);
  });
});

describe('heap room', () => {
  // About 24M parameters: 1000 * 3000 + 3000 * 3 per expert, 8 experts (~190 MiB of weights and gradients).
  const big = { inputDim: 1000, outputDim: 3, experts: 8, expertHidden: [3000], gateHidden: [8] };

  it('many 24M-parameter models end in a MoEError naming the size, never Aborted(); the module stays usable', async () => {
    const keep = MoE.forDataset(ds, { ...tiny, seed: 3 });
    const expected = keep.predict(ds);
    const models: MoE[] = [];
    let error: unknown = null;
    try {
      for (let i = 0; i < 20 && !error; i++) {
        try { models.push(new MoE(big)); } catch (e) { error = e; }
      }
      expect(error).toBeInstanceOf(MoEError);
      expect((error as MoEError).message).toMatch(/MoE: a model of \d+ parameters needs about \d+ MiB of wasm memory but only \d+ MiB/);
      expect((error as MoEError).message).toMatch(/\(\d+ MiB are in use by models, datasets and training\): dispose\(\) models you no longer need/);
      expect((error as MoEError).code).toBe('OutOfRange');
      expect(models.length).toBeGreaterThan(3);
      // The module was not discarded: the old model answers the same, fit still allocates a trainer.
      expect(Array.from(keep.predict(ds))).toEqual(Array.from(expected));
      // A trainer for a big model needs the optimizer state on top: refused while the heap is full.
      const last = models[models.length - 1];
      await expect(last.fit({ x: new Float32Array(1000 * 4), y: new Int32Array(4) })).rejects.toThrow(/fit: .*needs about \d+ MiB of wasm memory/);
    } finally {
      for (const m of models) m.dispose();
    }
    expect((await keep.fit(ds, { epochs: 1 })).epoch).toEqual([0]);
    const again = new MoE(big);
    expect(again.predict(new Float32Array(1000)).length).toBe(3);
    again.dispose();
    keep.dispose();
  }, 120_000);

  it('models the user forgot to dispose are freed once garbage collected', () => {
    // A child process with --expose-gc: 30 big models, never disposed, never kept, would need ~5.7 GiB.
    const script = `
      import { init, MoE } from ${JSON.stringify(`${DIST}index.js`)};
      await init();
      for (let i = 0; i < 30; i++) {
        new MoE(${JSON.stringify(big)});
        globalThis.gc();
        await new Promise((r) => setImmediate(r));
      }
      console.log('created 30');`;
    const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('created 30');
    expect(r.status).toBe(0);
  }, 120_000);
});

describe('argument errors never discard the module', () => {
  const text = 'a,b,y\n1,2,x\n3,4,z\n5,6,x\n7,8,z\n';

  it('wrong-typed schema options are MoEErrors and the module keeps working', async () => {
    const before = current();
    const keep = MoE.forDataset(ds, { ...tiny, seed: 5 });
    for (const schema of [() => 1, Symbol('s'), 42n, { big: 1n }, 7, true]) {
      const e = await thrown(() => Dataset.fromCSV(text, { schema } as never));
      expect(e, String(typeof schema)).toBeInstanceOf(MoEError);
      expect((e as Error).message).toMatch(/schema must be/);
    }
    expect(current()).toBe(before);
    expect(keep.predict(ds).length).toBe(ds.numRows * 3);
    expect(Dataset.fromCSV(text).numRows).toBe(4);
    keep.dispose();
  });

  it('an Embind type error inside a wasm call is a MoEError and does not discard the module', () => {
    const m = current();
    const raw = guard(m, m.raw);
    const bad = { target: () => 1, target_index: -1, delimiter: 'auto', header: 'auto', task: 'auto', schema: '' };
    const e = (() => { try { raw.readCsv(new Uint8Array(4), bad); } catch (err) { return err; } return null; })();
    expect(e).toBeInstanceOf(MoEError);
    expect((e as MoEError).message).toMatch(/invalid argument/);
    expect((e as MoEError).message).not.toMatch(/discarded/);
    expect(current()).toBe(m);
    expect(Dataset.fromCSV(text).numRows).toBe(4);
  });

  it('split(0.5, null), predict(BigInt64Array), Trainer.load(undefined): MoEError, nothing foreign escapes', async () => {
    const m = MoE.forDataset(ds, tiny);
    for (const call of [
      () => ds.split(0.5, null as never),
      () => m.predict(new BigInt64Array(8) as never),
      () => m.gate(new BigInt64Array(8) as never),
      () => m.evaluate({ x: new BigInt64Array(8), y: new Int32Array(2) } as never),
      () => m.fit({ x: new Float32Array(8), y: new BigInt64Array(2) } as never),
      () => Dataset.fromArrays(new BigInt64Array(8) as never, new Int32Array(2), { numFeatures: 4 }),
      () => Trainer.load(undefined as never),
      () => Trainer.load(42 as never),
    ]) {
      const e = await thrown(call);
      expect(e, call.toString()).toBeInstanceOf(MoEError);
    }
    expect(m.predict(ds).length).toBe(ds.numRows * 3);
    m.dispose();
  });

  it('worker fit with a function option or a fake signal: MoEError, the trainer keeps working', async () => {
    const t = await Trainer.forDataset(ds, tiny);
    try {
      const e1 = await thrown(() => t.fit(ds, { epochs: 1, shuffle: (() => true) as never }));
      expect(e1).toBeInstanceOf(MoEError);
      expect((e1 as Error).message).toMatch(/shuffle/);
      const e2 = await thrown(() => t.fit(ds, { epochs: 1, signal: {} as never }));
      expect(e2).toBeInstanceOf(MoEError);
      expect((e2 as Error).message).toMatch(/signal must be an AbortSignal/);
      const e3 = await thrown(() => t.fit(ds, { epochs: 1, extra: () => 1 } as never));
      expect(e3).toBeInstanceOf(MoEError);
      expect((await t.fit(ds, { epochs: 1 })).epoch).toEqual([0]);
    } finally {
      await t.dispose();
    }
  });
});

describe('worker trainers and the Node event loop', () => {
  // A script file, not -e: a worker inherits the process's flags and --input-type breaks it.
  const runScript = (body: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'moe-unref-'));
    try {
      writeFileSync(join(dir, 'main.mjs'), `import { createTrainer } from ${JSON.stringify(`${DIST}worker-client.js`)};\n${body}\n`);
      // The timeout only catches a hang (the bug); a passing run exits as soon as the script ends.
      return spawnSync(process.execPath, [join(dir, 'main.mjs')], { encoding: 'utf8', timeout: 90_000 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('a trainer that is never disposed does not keep Node alive', () => {
    const r = runScript(`
      const t = await createTrainer({ inputDim: 4, outputDim: 3, experts: 2 });
      const h = await t.fit({ x: new Float32Array(16), y: new Int32Array([0, 1, 2, 0]) }, { epochs: 1 });
      console.log('trained', h.epoch.length);`);
    expect(r.error).toBeUndefined();
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('trained 1');
    expect(r.status).toBe(0);
  }, 120_000);

  it('a pending call keeps Node alive until it answers', () => {
    const r = runScript(`
      createTrainer({ inputDim: 4, outputDim: 3, experts: 2 }).then((t) => t.summary()).then((s) => console.log('params', s.parameters > 0));`);
    expect(r.stdout.trim()).toBe('params true');
    expect(r.status).toBe(0);
  }, 120_000);
});

describe('formula injection', () => {
  it('cells starting with = + - @ TAB CR get a leading quote; numbers stay numbers', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell("+cmd|' /C calc'!A0")).toBe("'+cmd|' /C calc'!A0");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('\rx')).toBe(`"'\rx"`);
    for (const n of ['-1.5', '+3', '-2.5e-7', '0.25', '-0', 'setosa', 'a,b']) {
      expect(csvCell(n)).toBe(n === 'a,b' ? '"a,b"' : n);
    }
    expect(csvCell(-1.5)).toBe('-1.5');
    expect(toCsv([['p', 'q'], ['=1', -2]])).toBe("p,q\n'=1,-2\n");
  });

  it('the CLI predictions CSV neutralises hostile class labels', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'moe-inject-'));
    try {
      const labels = ['=HYPERLINK("http://evil")', "+cmd|' /C calc'!A0", '@SUM(1)'];
      const rows = ['a,b,label'];
      for (let i = 0; i < 60; i++) rows.push(`${i % 3},${(i * 7) % 5},"${labels[i % 3].replace(/"/g, '""')}"`);
      writeFileSync(join(dir, 'train.csv'), rows.join('\n') + '\n');
      writeFileSync(join(dir, 'new.csv'), 'a,b\n0,0\n1,2\n2,4\n');
      const cli = (...args: string[]) => spawnSync(process.execPath, [`${DIST}cli.js`, ...args], { cwd: dir, encoding: 'utf8' });
      expect(cli('train', 'train.csv', '--target', 'label', '--epochs', '2', '--out', 'm.moe').status).toBe(0);
      const p = cli('predict', 'm.moe', 'new.csv');
      expect(p.status).toBe(0);
      const lines = p.stdout.trim().split('\n');
      expect(lines[0]).toBe(`a,b,prediction,"p_=HYPERLINK(""http://evil"")",p_+cmd|' /C calc'!A0,p_@SUM(1)`);
      for (const line of lines.slice(1)) expect(line).toMatch(/^\d,\d,(?:"'=|'\+|'@)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('silent emptiness', () => {
  it('a split that leaves one side without rows is a MoEError naming the counts', () => {
    expect(() => ds.split(0.001)).toThrow(/split 0.001 of 150 rows leaves 0 rows in the first part/);
    expect(() => ds.split(0.999)).toThrow(/split 0.999 of 150 rows leaves 0 rows in the second part/);
    expect(() => ds.split(0.001, { stratify: true })).not.toThrow(); // every class keeps a row on each side
    const [a, b] = ds.split(0.01);
    expect(a.numRows + b.numRows).toBe(150);
  });

  it('empty validationData is a MoEError, not a fit without val_* metrics', async () => {
    const m = MoE.forDataset(ds, tiny);
    const empty = { x: new Float32Array(0), y: new Int32Array(0) };
    await expect(m.fit(ds, { epochs: 1, validationData: empty })).rejects.toThrow(/validationData .*empty/);
    const [one, rest] = ds.split(1 / 150);
    expect(one.numRows).toBe(1);
    const h = await m.fit(rest, { epochs: 1, validationData: one });
    expect(h.val_loss?.length).toBe(1);
    m.dispose();
  });
});

describe('forged model files', () => {
  it('a file whose header disagrees with its embedded schema is a clear MoEError', async () => {
    const reg = Dataset.fromCSV(diabetes());
    const m = MoE.forDataset(reg, tiny);
    // Forge: a regression model over the diabetes columns carrying iris's classification schema.
    (m as unknown as { _setSchema(s: unknown): void })._setSchema(ds.schema);
    const bytes = m.save();
    m.dispose();
    const e = await thrown(() => loadModel(bytes));
    expect(e).toBeInstanceOf(MoEError);
    expect((e as MoEError).code).toBe('Corrupt');
    expect((e as Error).message).toMatch(/the embedded schema .* but the header/);
    // An honest file still loads.
    const ok = MoE.forDataset(ds, tiny);
    const back = await loadModel(ok.save());
    expect(back.schema).toEqual(ds.schema);
    back.dispose(); ok.dispose();
  });
});

