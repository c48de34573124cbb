// The two wasm builds: the SIMD build really contains SIMD128 instructions, the baseline none.
import { execFileSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { DIST } from './helpers.js';

function f32x4Count(file: string): number {
  const dis = execFileSync('wasm-objdump', ['-d', file], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  return (dis.match(/f32x4\./g) ?? []).length;
}

it('moe-simd.wasm uses f32x4 instructions, moe-base.wasm does not', () => {
  expect(f32x4Count(`${DIST}wasm/moe-simd.wasm`)).toBeGreaterThan(100);
  expect(f32x4Count(`${DIST}wasm/moe-base.wasm`)).toBe(0);
});
