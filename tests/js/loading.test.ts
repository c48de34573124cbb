// Loading the wasm (issue 13): init({ wasmUrl }) fetches from where the app serves the files, a
// failed fetch is a MoEError naming the URL, the HTTP status and the fix, and nothing leaks onto
// globalThis (no `require` / `__dirname` for the rest of the app to trip over).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer } from '../../scripts/serve.mjs';
import { init, Dataset, MoE, MoEError } from '../../dist/index.js';
import { DIST } from './helpers.js';

let server: { url: string; close(): Promise<void> };
beforeAll(async () => { server = await startServer({ root: DIST, port: 0, host: '127.0.0.1' }); });
afterAll(async () => { await server.close(); });

it('a missing .wasm is a MoEError with the URL, the HTTP status and the fix; the next init works', async () => {
  const bad = `${server.url}nowhere/`;
  const err = await init({ simd: true, wasmUrl: bad }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(MoEError);
  expect((err as Error).message).toContain(`${bad}moe-simd.wasm`);
  expect((err as Error).message).toMatch(/HTTP 404/);
  expect((err as Error).message).toMatch(/init\(\{ wasmUrl/);
  const wrongType = await init({ simd: false, wasmUrl: `${server.url}index.js` }).catch((e: unknown) => e);
  expect(wrongType).toBeInstanceOf(MoEError);
  expect((wrongType as Error).message).toMatch(/not the moe-wasm module/);
  await expect(init({ wasmUrl: 42 as unknown as string })).rejects.toThrow(/wasmUrl must be a string/);
});

it('init({ wasmUrl: folder }) loads over HTTP and trains; globalThis gains no require/__dirname', async () => {
  const info = await init({ simd: true, wasmUrl: new URL('wasm/', server.url) });
  expect(info.simd).toBe(true);
  const x = Float32Array.from({ length: 40 }, (_, i) => (i % 2 ? 1 : -1) * ((i >> 1) % 2 ? 1 : -1));
  const y = Int32Array.from({ length: 20 }, (_, i) => i % 2);
  const ds = Dataset.fromArrays(x, y, { numFeatures: 2, task: 'classification' });
  const model = MoE.forDataset(ds, { experts: 2, seed: 1 });
  const history = await model.fit(ds, { epochs: 2 });
  expect(history.epoch).toEqual([0, 1]);
  model.dispose();
  expect('require' in globalThis).toBe(false);
  expect('__dirname' in globalThis).toBe(false);
});
