// Start-up figures for `npm run bench`: the published package's size (dist/*.js + dist/wasm/*, raw
// and gzip -9), split into what a page loads for one build. init()-to-first-epoch comes from the W1
// peers (peer-moe.mjs and the browser page), not from here.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export function packageSize(root) {
  const files = [
    ...readdirSync(join(root, 'dist')).filter((f) => f.endsWith('.js')).map((f) => join('dist', f)),
    ...readdirSync(join(root, 'dist/wasm')).filter((f) => /\.(js|wasm)$/.test(f)).map((f) => join('dist/wasm', f)),
  ];
  const sizes = {};
  for (const f of files) {
    const bytes = readFileSync(join(root, f));
    sizes[f] = { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  }
  const sum = (pred) => Object.entries(sizes).filter(([f]) => pred(f))
    .reduce((a, [, s]) => ({ raw: a.raw + s.raw, gzip: a.gzip + s.gzip }), { raw: 0, gzip: 0 });
  // The CLI and ONNX export are in the package but not loaded by a page that trains.
  const pageJs = (f) => f.startsWith('dist/') && !f.startsWith('dist/wasm') && !/cli\.js$/.test(f);
  return {
    files: sizes,
    total: sum(() => true),
    jsOnly: sum((f) => !f.startsWith('dist/wasm')),
    simdBuild: sum((f) => f.startsWith('dist/wasm/moe-simd')),
    baselineBuild: sum((f) => f.startsWith('dist/wasm/moe-base')),
    pageWithSimd: sum((f) => pageJs(f) || f.startsWith('dist/wasm/moe-simd')),
  };
}
