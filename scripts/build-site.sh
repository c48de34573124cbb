#!/usr/bin/env bash
# Builds the demo site (web/) with Vite into dist/site/ (relative base './', so it works under any
# sub-path). Needs the package built first (bash scripts/build.sh): the page imports it by name.
set -euo pipefail
cd "$(dirname "$0")/.."
npx --no-install vite build --config web/vite.config.ts --logLevel warn
echo "build-site: dist/site ready ($(find dist/site -type f | wc -l) files)" >&2
