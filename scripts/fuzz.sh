#!/usr/bin/env bash
# Builds one libFuzzer target (clang-14, ASan + UBSan) in build/fuzz and runs it for a bounded time.
# Usage: scripts/fuzz.sh csv|model [seconds=60]. Seeds: tests/fixtures/csv, or the .moe files in tests/fixtures.
# New findings go to build/fuzz/corpus-TARGET; crashes to build/fuzz/TARGET-crash-*.
# `scripts/fuzz.sh build` only builds both targets; MOE_FUZZ_PREBUILT=1 then skips the build, so that
# scripts/test.sh can run the two fuzzers side by side (one core each) without two builds racing.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:?usage: scripts/fuzz.sh csv|model|build [seconds]}"
secs="${2:-60}"
out=build/fuzz
case "$target" in
  csv) seeds=(tests/fixtures/csv); max_len=65536 ;;
  model) seeds=(); max_len=262144 ;;
  build) ;;
  *) echo "fuzz: unknown target '$target' (csv, model or build)" >&2; exit 2 ;;
esac
# The fuzz targets are CMake targets (CMakeLists.txt, MOE_FUZZ): the same sources as every build.
if [ "${MOE_FUZZ_PREBUILT:-0}" != 1 ]; then
  cmake -S . -B "$out/cmake" -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS="-O1 -g" \
    -DMOE_FUZZ=ON -DMOE_BUILD_TESTS=OFF -DMOE_NATIVE_ARCH=OFF >/dev/null
  targets=("fuzz_$target"); [ "$target" = build ] && targets=(fuzz_csv fuzz_model)
  cmake --build "$out/cmake" --target "${targets[@]}" -j "${MOE_JOBS:-2}"
fi
if [ "$target" = build ]; then exit 0; fi
mkdir -p "$out/corpus-$target"
if [ "$target" = model ]; then cp tests/fixtures/model-v1.moe tests/fixtures/fuzz/*.moe "$out/corpus-$target/"; fi
bin="$out/cmake/fuzz_$target"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  "$bin" "$out/corpus-$target" ${seeds[@]+"${seeds[@]}"} -max_total_time="$secs" -max_len="$max_len" \
  -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=20 -print_final_stats=1 -artifact_prefix="$out/$target-"
