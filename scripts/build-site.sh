#!/usr/bin/env bash
# Builds the demo site (web/) with Vite into dist/site/ (relative base './', so it works under any
# sub-path). Needs the package built first (bash scripts/build.sh): web/ depends on it as `file:..`
# (web/node_modules/moe-wasm links to this repo) and resolves it through its package.json exports.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -e web/node_modules/moe-wasm/package.json ]; then
  npm install --prefix web --no-package-lock --no-audit --no-fund --offline >/dev/null
fi
npx --no-install vite build --config web/vite.config.ts --logLevel warn
echo "build-site: dist/site ready ($(find dist/site -type f | wc -l) files)" >&2
