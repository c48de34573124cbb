#!/usr/bin/env bash
# npm start: set up the machine, build the package and the demo site, then serve dist/site on
# http://localhost:${PORT:-8080} with the project's own static server (scripts/serve.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
MOE_SKIP_BROWSER=${MOE_SKIP_BROWSER:-1} bash scripts/bootstrap.sh
bash scripts/build.sh   # the package (both wasm builds, tsc) and the site into dist/site
PORT=${PORT:-8080}
echo "start: open http://localhost:${PORT}/ (Ctrl+C to stop)" >&2
exec node scripts/serve.mjs dist/site --port "$PORT" --host "${HOST:-127.0.0.1}"
