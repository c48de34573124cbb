#!/usr/bin/env bash
# The native suite again, built with clang-14 under AddressSanitizer + UndefinedBehaviorSanitizer,
# then the thread-count tests under ThreadSanitizer. Any report fails the run
# (-fno-sanitize-recover=all, TSan's halt_on_error); leaks are reported by LeakSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 \
  -DMOE_SANITIZE=ON >/dev/null
cmake --build build/asan -j "$jobs" --target moe_tests
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir build/asan --output-on-failure -j "$jobs"
# ThreadSanitizer: data races in the parallel training step or the pool.
cmake -S . -B build/tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 \
  -DMOE_TSAN=ON >/dev/null
cmake --build build/tsan -j "$jobs" --target moe_thread_tests
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 build/tsan/moe_thread_tests
