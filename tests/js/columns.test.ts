// Column roles, target suggestion and the row preview through the built package (real wasm), on
// realistic files whose target is not the last column (tests/fixtures/roles).
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { init, Dataset, MoEError } from '../../dist/index.js';
import { ROOT } from './helpers.js';

const fixture = (name: string): Uint8Array => readFileSync(`${ROOT}tests/fixtures/${name}`);

beforeAll(async () => { await init(); });

describe('Dataset.suggestTarget', () => {
  it.each([
    ['roles/penguins.csv', 'species'], ['csv/penguins_like.csv', 'species'], ['roles/passengers.csv', 'Survived'],
    ['roles/houses.csv', 'SalePrice'], ['roles/wine.csv', 'quality'],
  ])('%s -> %s', (file, target) => {
    const s = Dataset.suggestTarget(fixture(file));
    expect(s.target).toBe(target);
    expect(s.candidates[0]).toMatchObject({ name: target });
    expect(s.candidates[0].score).toBeGreaterThan(s.candidates[1].score);
  });

  it('ranks identifiers and free text last with a reason, from strings and ArrayBuffers alike', () => {
    const text = readFileSync(`${ROOT}tests/fixtures/roles/passengers.csv`, 'utf8');
    const s = Dataset.suggestTarget(text);
    const byName = new Map(s.candidates.map((c) => [c.name, c]));
    expect(byName.get('PassengerId')).toMatchObject({ score: 0, role: 'identifier' });
    expect(byName.get('Name')).toMatchObject({ score: 0, role: 'free text' });
    expect(byName.get('Name')!.reason).toMatch(/not a sensible target/);
    expect(s.candidates.at(-1)!.score).toBe(0);
    const bytes = fixture('roles/passengers.csv');
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
    expect(Dataset.suggestTarget(ab)).toEqual(s);
  });

  it('reads only a prefix: a broken row far down does not matter', () => {
    let text = 'id,kind,value\n';
    for (let i = 0; i < 60000; i++) text += `${i},${i % 3 ? 'a' : 'b'},${i % 7}\n`;
    text += '"never closed\n';
    const s = Dataset.suggestTarget(text);
    expect(s.target).toBe('kind');
    expect(s.rowsRead).toBeLessThan(60000);
    expect(() => Dataset.fromCSV(text)).toThrow(MoEError);
  });

  it('refuses bad input with a MoEError', () => {
    expect(() => Dataset.suggestTarget(42 as unknown as string)).toThrow(/Dataset.suggestTarget: input must be/);
    expect(() => Dataset.suggestTarget('')).toThrow(MoEError);
    expect(() => Dataset.suggestTarget('a,b\n1,2\n', { delimter: ',' } as never)).toThrow(/unknown Dataset.suggestTarget option 'delimter'/);
  });
});

describe('ds.columns[i].role and fromCSV without a target', () => {
  it('uses the suggested target and drops the identifier and free text with a notice', () => {
    const ds = Dataset.fromCSV(fixture('roles/passengers.csv'));
    expect(ds.schema!.target).toBe('Survived');
    const col = (n: string) => ds.columns.find((c) => c.name === n)!;
    expect(col('Survived')).toMatchObject({ kind: 'target', role: 'target' });
    expect(col('PassengerId')).toMatchObject({ kind: 'ignored', role: 'identifier' });
    expect(col('PassengerId').reason).toMatch(/named like an identifier/);
    expect(col('Name')).toMatchObject({ kind: 'ignored', role: 'free text' });
    expect(col('Sex')).toMatchObject({ kind: 'categorical', role: 'feature', reason: '' });
    expect(ds.warnings.join('\n')).toMatch(/column 'PassengerId' was dropped: .*keepColumns: \['PassengerId'\]/);
    expect(ds.featureNames).not.toContain('PassengerId');
  });

  it('keepColumns keeps an identifier as a feature', () => {
    const ds = Dataset.fromCSV(fixture('roles/passengers.csv'), { keepColumns: ['PassengerId'] });
    expect(ds.featureNames).toContain('PassengerId');
    expect(ds.columns[0]).toMatchObject({ kind: 'numeric', role: 'identifier' });
    expect(() => Dataset.fromCSV('a,b\n1,2\n', { keepColumns: 'a' as never })).toThrow(/keepColumns must be an array of column names/);
  });

  it('an identifier target is possible, and its role says why it is a bad idea', () => {
    const ds = Dataset.fromCSV(fixture('roles/houses.csv'), { target: 'Id' });
    expect(ds.task).toBe('regression');
    expect(ds.columns[0]).toMatchObject({ kind: 'target', role: 'identifier' });
    expect(ds.columns[0].reason).toMatch(/chosen as the target, but .* a model cannot learn to predict it/);
    expect(ds.warnings.join('\n')).toMatch(/the target column 'Id' looks like identifier/);
    expect(ds.columns.find((c) => c.name === 'SaleDate')!.role).toBe('date');
  });

  it('fromArrays columns are features', () => {
    const ds = Dataset.fromArrays(new Float32Array([1, 2, 3, 4]), new Int32Array([0, 1]), { numFeatures: 2 });
    expect(ds.columns[0]).toEqual({ name: 'x0', kind: 'numeric', missing: 0, role: 'feature', reason: '' });
  });
});

describe('Dataset.preview', () => {
  it('header and first rows by the core reader: sep= line, quotes, blank lines', () => {
    const p = Dataset.preview('sep=;\nname;city\n"Smith; John";Zürich\n\n"multi\nline";Bern\nx;y\n', 2);
    expect(p).toEqual({ header: ['name', 'city'], rows: [['Smith; John', 'Zürich'], ['multi\nline', 'Bern']],
      delimiter: ';', encoding: 'utf-8', hasHeader: true });
  });

  it('UTF-16 and Windows-1252 files that a TextDecoder-based preview would garble', () => {
    const utf16 = new Uint8Array([0xff, 0xfe, ...Array.from('a,b\n1,2\n').flatMap((c) => [c.charCodeAt(0), 0])]);
    expect(Dataset.preview(utf16, 5)).toMatchObject({ encoding: 'utf-16le', header: ['a', 'b'], rows: [['1', '2']] });
    const cp1252 = new Uint8Array([...new TextEncoder().encode('name,v\ncaf'), 0xe9, ...new TextEncoder().encode(',1\n')]);
    expect(Dataset.preview(cp1252, 5)).toMatchObject({ encoding: 'windows-1252', rows: [['café', '1']] });
    expect(Dataset.preview('1,2\n3,4\n', 1)).toEqual({ header: ['column_1', 'column_2'], rows: [['1', '2']], delimiter: ',',
      encoding: 'utf-8', hasHeader: false });
    expect(Dataset.preview('a\tb\n1\t2\n', 1, { header: false }).rows).toEqual([['a', 'b']]);
  });

  it('not a CSV, or a bad rows count: MoEError naming it', () => {
    expect(() => Dataset.preview(new Uint8Array([0x50, 0x4b, 3, 4, 1, 2]), 5)).toThrow(/ZIP archive/);
    expect(() => Dataset.preview('{"a": 1}', 5)).toThrow(/looks like JSON/);
    expect(() => Dataset.preview('a\n1\n', 10001)).toThrow(/rows must be an integer in \[0, 10000\]/);
    expect(() => Dataset.preview('a\n1\n', -1)).toThrow(/rows must be an integer >= 0/);
    expect(Dataset.preview('a,b\n1,2\n', 5).rows).toEqual([['1', '2']]);
  });
});
