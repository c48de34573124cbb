#!/usr/bin/env bash
# The kernel battery on the paths users run that the native suite (-march=native) does not: an
# SSE4.1-only native build (the instruction set Emscripten maps onto SIMD128) and the SIMD128 and
# baseline wasm builds under Node. Each compares every SIMD variant with the scalar reference.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="${MOE_JOBS:-2}"
export NODE_PATH="${NODE_PATH:+$NODE_PATH:}/usr/share/nodejs"

dir=build/kernels-sse41
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DMOE_NATIVE_ARCH=OFF -DCMAKE_CXX_FLAGS=-msse4.1 >/dev/null
cmake --build "$dir" --target moe_kernel_tests -j "$jobs" >/dev/null
echo "kernels: native SSE4.1"
"$dir/moe_kernel_tests" --gtest_brief=1

for variant in simd base; do
  dir="build/wasm-$variant"   # the build directories of scripts/build-wasm.sh, so the kernels are shared
  simd=ON; [ "$variant" = base ] && simd=OFF
  # Configure every time (cheap): a target added since the directory was made must be known.
  emcmake cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DMOE_SIMD=$simd >/dev/null
  cmake --build "$dir" --target moe_kernel_tests -j "$jobs" >/dev/null
  echo "kernels: wasm $variant (Node)"
  node "$dir/moe_kernel_tests.cjs" --gtest_brief=1
done
