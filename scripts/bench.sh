#!/usr/bin/env bash
# npm run bench: builds everything, installs the peers' system packages where missing (Debian's
# r-cran-mlbench for the Letter data, python3-torch for PyTorch), then runs every peer interleaved.
# BENCH_REPS (default 2) and BENCH_EPOCHS (W1, default 4) trade time for steadier numbers.
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
node tests/bench/run.mjs
