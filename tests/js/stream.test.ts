// Dataset.fromStream: CSV read in chunks (Blob, ReadableStream, async iterable) gives exactly what
// fromCSV gives, reports progress, cancels, and names the line of a bad row like fromCSV does.
import { beforeAll, describe, expect, it } from 'vitest';
import { init, Dataset, MoEError, AbortError } from '../../dist/index.js';
import { iris } from './helpers.js';

beforeAll(async () => { await init(); });

async function* pieces(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

function same(a: Dataset, b: Dataset): void {
  expect(a.numRows).toBe(b.numRows);
  expect(a.featureNames).toEqual(b.featureNames);
  expect(a.classes).toEqual(b.classes);
  expect(a.schema).toEqual(b.schema);
  expect(Array.from(a.features)).toEqual(Array.from(b.features));
  expect(Array.from(a.labels!)).toEqual(Array.from(b.labels!));
}

describe('Dataset.fromStream', () => {
  it('a Blob, a ReadableStream and 7-byte async chunks all equal fromCSV', async () => {
    const text = iris();
    const whole = Dataset.fromCSV(text, { target: 'species' });
    same(await Dataset.fromStream(new Blob([text]), { target: 'species' }), whole);
    same(await Dataset.fromStream(new Blob([text]).stream(), { target: 'species' }), whole);
    same(await Dataset.fromStream(pieces(text, 7), { target: 'species' }), whole);
  });

  it('streams a generated 8 MB file with growing progress and never needs the whole text', async () => {
    const rows = 200_000;
    async function* generate(): AsyncGenerator<Uint8Array> {
      const enc = new TextEncoder();
      yield enc.encode('a,b,c,label\n');
      for (let start = 0; start < rows; start += 10_000) {
        let block = '';
        for (let r = start; r < start + 10_000; r++) block += `${(r % 97) / 7},${(r % 13) - 6},${r % 5},${r % 3 === 0 ? 'yes' : 'no'}\n`;
        yield enc.encode(block);
      }
    }
    const progress: number[] = [];
    const ds = await Dataset.fromStream(generate(), { onProgress: (p) => progress.push(p.bytes) });
    expect(ds.numRows).toBe(rows);
    expect(ds.numFeatures).toBe(3);
    expect(ds.classes).toEqual(['yes', 'no']);
    expect(progress.length).toBeGreaterThan(10);
    expect(progress.every((b, i) => i === 0 || b > progress[i - 1])).toBe(true);
  });

  it('a ragged row names its line; abort rejects with AbortError; the module stays usable', async () => {
    const bad = 'x,y,z\n1,2,3\n4,5\n';
    await expect(Dataset.fromStream(pieces(bad, 4))).rejects.toThrow(MoEError);
    await expect(Dataset.fromStream(pieces(bad, 4))).rejects.toThrow(/line 3/);
    const controller = new AbortController();
    controller.abort();
    await expect(Dataset.fromStream(pieces(iris(), 64), { signal: controller.signal })).rejects.toThrow(AbortError);
    await expect(Dataset.fromStream(42 as unknown as Blob)).rejects.toThrow(/Blob, a ReadableStream or an async iterable/);
    expect(Dataset.fromCSV(iris()).numRows).toBe(150);
  });
});
