#!/usr/bin/env bash
# Builds one libFuzzer target (clang-14, ASan + UBSan) in build/fuzz and runs it for a bounded time.
# Usage: scripts/fuzz.sh csv|model [seconds=60]. Seeds: tests/fixtures/csv, or the .moe files in tests/fixtures.
# New findings go to build/fuzz/corpus-TARGET; crashes to build/fuzz/TARGET-crash-*.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:?usage: scripts/fuzz.sh csv|model [seconds]}"
secs="${2:-60}"
out=build/fuzz
mkdir -p "$out/include" "$out/corpus-$target"
for lib in fast_float xsimd; do
  [ -e "$out/include/$lib" ] || ln -s "/usr/include/$lib" "$out/include/$lib"
done
case "$target" in
  csv) seeds=(tests/fixtures/csv); max_len=65536 ;;
  model) seeds=(); cp tests/fixtures/model-v1.moe tests/fixtures/fuzz/*.moe "$out/corpus-$target/"; max_len=262144 ;;
  *) echo "fuzz: unknown target '$target' (csv or model)" >&2; exit 2 ;;
esac
bin="$out/fuzz_$target"
if [ ! -x "$bin" ] || [ -n "$(find src tests/fuzz -newer "$bin" -name '*.[ch]*' 2>/dev/null | head -1)" ]; then
  # shellcheck disable=SC2046
  clang++-14 -std=c++17 -O1 -g -fno-omit-frame-pointer -DMOE_SIMD=1 -DEIGEN_DONT_VECTORIZE \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -Isrc -isystem "$out/include" -isystem /usr/include/eigen3 \
    $(ls src/core/*.cpp src/kernels/*.cpp src/kernels/reference/*.cpp src/io/*.cpp src/moe/*.cpp src/base/*.cpp) \
    "tests/fuzz/fuzz_$target.cpp" -o "$bin"
fi
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  "$bin" "$out/corpus-$target" ${seeds[@]+"${seeds[@]}"} -max_total_time="$secs" -max_len="$max_len" \
  -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=20 -print_final_stats=1 -artifact_prefix="$out/$target-"
