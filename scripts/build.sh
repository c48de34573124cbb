#!/usr/bin/env bash
# npm run build: the package into dist/ (both wasm builds in dist/wasm/, the TypeScript API via tsc).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-wasm.sh
npx tsc -p tsconfig.json
chmod +x dist/cli.js 2>/dev/null || true
# The demo site (issue on the web page) adds its build here when it exists.
if [ -f scripts/build-site.sh ]; then bash scripts/build-site.sh; fi
