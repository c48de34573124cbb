#!/usr/bin/env bash
# Builds the CSV reader's libFuzzer target (clang-14, ASan + UBSan) in build/fuzz and runs it for a
# bounded time with tests/fixtures/csv as the seed corpus. Usage: scripts/fuzz-csv.sh [seconds=60]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"
out=build/fuzz
mkdir -p "$out/include" "$out/corpus"
[ -e "$out/include/fast_float" ] || ln -s /usr/include/fast_float "$out/include/fast_float"
srcs="src/io/csv.cpp src/io/values.cpp src/io/sniff.cpp src/io/table.cpp src/io/preprocess.cpp src/io/schema_json.cpp src/moe/dataset.cpp tests/fuzz/fuzz_csv.cpp"
bin="$out/fuzz_csv"
if [ ! -x "$bin" ] || [ -n "$(find src/io src/moe/dataset.* tests/fuzz -newer "$bin" 2>/dev/null | head -1)" ]; then
  clang++-14 -std=c++17 -O1 -g -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -Isrc -isystem "$out/include" $srcs -o "$bin"
fi
# Fresh findings go to build/fuzz/corpus; the committed fixtures are read-only seeds.
# -rss_limit_mb keeps the 2-core shared machine safe; -max_len lets rows and quotes grow.
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  "$bin" "$out/corpus" tests/fixtures/csv -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 \
  -timeout=20 -print_final_stats=1 -artifact_prefix="$out/"
