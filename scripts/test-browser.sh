#!/usr/bin/env bash
# Browser tests of the demo site: builds the site (dist/site) and runs Playwright in Debian's
# Chromium against that production build. Called by scripts/test.sh after the package tests.
# Extra arguments go to Playwright (e.g. a spec file or -g 'cancel').
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  echo "test-browser: ${CHROMIUM_PATH:-/usr/bin/chromium} not found (bash scripts/bootstrap.sh installs Debian's chromium)" >&2
  exit 1
fi
if [ "${MOE_SKIP_SITE_BUILD:-0}" != "1" ]; then bash scripts/build-site.sh; fi
npx --no-install playwright test --config tests/browser/playwright.config.ts "$@"
