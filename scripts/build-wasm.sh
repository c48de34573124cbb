#!/usr/bin/env bash
# Builds the three WebAssembly variants (SIMD128 + xsimd kernels, baseline + scalar kernels, and
# SIMD128 + pthreads) with Emscripten and copies the ES6 glue, .wasm files and the threads' worker
# script into dist/wasm/. Incremental; -j2 by default.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="${MOE_JOBS:-2}"
# Debian's emscripten needs acorn & co. from /usr/share/nodejs; harmless with emsdk.
export NODE_PATH="${NODE_PATH:+$NODE_PATH:}/usr/share/nodejs"
command -v emcmake >/dev/null || { echo "build-wasm: emcmake not found (run: npm run bootstrap)" >&2; exit 1; }
mkdir -p dist/wasm
for variant in simd base threads; do
  dir="build/wasm-$variant"
  simd=ON; [ "$variant" = base ] && simd=OFF
  threads=OFF; [ "$variant" = threads ] && threads=ON
  if [ ! -f "$dir/Makefile" ] && [ ! -f "$dir/build.ninja" ]; then
    emcmake cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DMOE_SIMD=$simd -DMOE_THREADS=$threads >/dev/null
  fi
  cmake --build "$dir" --target moe_wasm -j "$jobs"
  cp "$dir/moe-$variant.js" "$dir/moe-$variant.wasm" dist/wasm/
  if [ "$variant" = threads ]; then cp "$dir/moe-threads.worker.js" dist/wasm/; fi
done
