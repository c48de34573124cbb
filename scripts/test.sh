#!/usr/bin/env bash
# npm test: set everything up, then run every test layer in order (native, package, browser).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
bash scripts/test-native.sh
if [ -f scripts/test-js.sh ]; then bash scripts/test-js.sh; fi
if [ -f scripts/test-browser.sh ]; then bash scripts/test-browser.sh; fi
