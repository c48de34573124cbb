#!/usr/bin/env bash
# npm run build: the package into dist/ (both wasm builds in dist/wasm/, the TypeScript API via tsc)
# and the demo site into dist/site/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-wasm.sh
npx tsc -p tsconfig.json
chmod +x dist/cli.js 2>/dev/null || true
bash scripts/build-site.sh
