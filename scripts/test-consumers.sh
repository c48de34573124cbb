#!/usr/bin/env bash
# The consumer fixtures (tests/consumers): the packed tarball in fresh Vite, webpack, Rollup and
# esbuild apps (production builds, trained in Chromium), a Node CJS project and tsc type checks.
# Needs the built package (scripts/build.sh). Args: a subset of apps, e.g. `vite cjs`.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/index.js ] && [ -f dist/wasm/moe-simd.wasm ] || { echo "test-consumers: build first (bash scripts/build.sh)" >&2; exit 1; }
node tests/consumers/run.mjs "$@"
