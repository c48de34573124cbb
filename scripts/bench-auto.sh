#!/usr/bin/env bash
# npm run bench:auto: autoFit against scikit-learn on its bundled datasets (not part of npm test).
# Installs Debian's python3-sklearn where missing, builds the package, writes the fixed splits
# (tests/bench/autofit/datasets.py) and runs tests/bench/autofit/run.mjs. About 4 minutes.
# The scikit-learn numbers are computed once by sklearn_reference.py and kept in sklearn-reference.json.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! dpkg -s python3-sklearn >/dev/null 2>&1; then
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "bench-auto: installing python3-sklearn" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3-sklearn >/dev/null
fi
bash scripts/build-wasm.sh
npx tsc -p tsconfig.json
mkdir -p build/bench-auto
/usr/bin/python3 tests/bench/autofit/datasets.py build/bench-auto >&2
node tests/bench/autofit/run.mjs build/bench-auto
