#!/usr/bin/env bash
# npm run bench: builds everything, installs the peers' system packages where missing (Debian's
# r-cran-mlbench for the Letter data, python3-torch for PyTorch), then runs every peer interleaved.
# Knobs: BENCH_REPS (default 2), BENCH_EPOCHS (W1, 10), BENCH_HEAVY_EPOCHS (W2/W3, 3), BENCH_HEAVY_ROWS
# (W2/W3 training rows every peer uses, 4096), BENCH_HW_ROUNDS (kernel rounds, 3), BENCH_INGEST_MB (100),
# BENCH_ONLY (train,ingest,hardware,browser). Output: a Markdown table on stdout, bench-results/bench.json.
# BENCH_REPS=1 takes about 15-20 minutes on 2 shared cores.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
missing=()
for p in r-cran-mlbench python3-torch; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "bench: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
bash scripts/build.sh
cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native -j "$(nproc)" --target bench_kernels bench_train bench_csv
# The same core for SSE4.1 only (128-bit vectors, like wasm SIMD128): the same-width native reference.
cmake -S . -B build/native-sse41 -DCMAKE_BUILD_TYPE=Release -DMOE_NATIVE_ARCH=OFF -DMOE_BUILD_TESTS=OFF -DCMAKE_CXX_FLAGS=-msse4.1 >/dev/null
cmake --build build/native-sse41 -j "$(nproc)" --target bench_train
node tests/bench/run.mjs
