#!/usr/bin/env bash
# npm test: set everything up, then run every test layer in order: the native C++ suite, the kernel
# battery on the SSE4.1 and wasm paths, the same suite under ASan+UBSan, bounded fuzz runs of the
# CSV reader and the model loader, the package (Vitest, real wasm), the demo site in Debian's
# Chromium (Playwright) and Firefox ESR (WebDriver BiDi), and the consumer fixtures (the packed
# tarball in Vite/webpack/Rollup/esbuild apps, a CJS project, tsc type checks).
# MOE_FUZZ_SECONDS (default 45) sets each fuzz run's length (the two run at once); 0 skips fuzzing.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
# Each stage's header shows the time so far; the last one ("done") also lists every stage's seconds.
times=() current="" since=$SECONDS
stage() {
  [ -n "$current" ] && times+=("$current $((SECONDS - since))s")
  current="$1" since=$SECONDS
  printf '\n=== %s (%ds elapsed) ===\n' "$1" $((SECONDS - started))
  if [ "$1" = done ]; then printf '  %s\n' "${times[@]}"; fi
}
stage bootstrap;       bash scripts/bootstrap.sh
stage "native suite";  bash scripts/test-native.sh
stage "kernel paths";  bash scripts/test-kernels.sh   # SSE4.1-only native, wasm SIMD128 and baseline under Node
stage "sanitizers";    bash scripts/test-sanitize.sh
fuzz_seconds="${MOE_FUZZ_SECONDS:-45}"
# The two fuzzers are built once, then run side by side (libFuzzer uses one core each, the machine has
# two): each still gets its full $fuzz_seconds. A failure shows the end of that fuzzer's log.
fuzz_report() {   # NAME EXIT-STATUS
  local log="build/fuzz-$1.log"
  if [ "$2" != 0 ]; then
    tail -n 60 "$log" >&2
    echo "fuzz $1: failed (inputs that crashed are in build/fuzz/$1-*)" >&2
    exit 1
  fi
  grep -E '^stat::(number_of_executed_units|new_units_added|peak_rss_mb)' "$log" | sed "s/^/fuzz $1 /"
}
if [ "$fuzz_seconds" != 0 ]; then
  mkdir -p build
  stage "fuzz build"
  if ! bash scripts/fuzz.sh build >build/fuzz-build.log 2>&1; then tail -n 60 build/fuzz-build.log >&2; exit 1; fi
  stage "fuzz csv + model"
  MOE_FUZZ_PREBUILT=1 bash scripts/fuzz.sh csv "$fuzz_seconds" >build/fuzz-csv.log 2>&1 & csv_pid=$!
  MOE_FUZZ_PREBUILT=1 bash scripts/fuzz.sh model "$fuzz_seconds" >build/fuzz-model.log 2>&1 & model_pid=$!
  csv_rc=0; wait "$csv_pid" || csv_rc=$?
  model_rc=0; wait "$model_pid" || model_rc=$?
  fuzz_report csv "$csv_rc"
  fuzz_report model "$model_rc"
fi
stage "package";       bash scripts/test-js.sh
stage "browser";       bash scripts/test-browser.sh
stage "firefox";       MOE_SKIP_SITE_BUILD=1 bash scripts/test-firefox.sh
stage "consumers";     bash scripts/test-consumers.sh
stage "done"
