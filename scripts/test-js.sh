#!/usr/bin/env bash
# The package suite: builds dist/ (incremental) and runs Vitest against the built package in Node.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-wasm.sh
npx tsc -p tsconfig.json
chmod +x dist/cli.js 2>/dev/null || true
npx vitest run --config vitest.config.ts "$@"
