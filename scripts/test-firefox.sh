#!/usr/bin/env bash
# Firefox tests of the demo site: Debian's firefox-esr, headless, driven over WebDriver BiDi by
# puppeteer-core against the production build (dist/site). Called by scripts/test.sh after the
# Chromium stage (which has built the site: MOE_SKIP_SITE_BUILD=1). Extra arguments go to Vitest.
set -euo pipefail
cd "$(dirname "$0")/.."
firefox="${FIREFOX_PATH:-/usr/bin/firefox-esr}"
if [ ! -x "$firefox" ]; then
  echo "test-firefox: $firefox not found (bash scripts/bootstrap.sh installs Debian's firefox-esr)" >&2
  exit 1
fi
if [ "${MOE_SKIP_SITE_BUILD:-0}" != "1" ]; then bash scripts/build-site.sh; fi
npx --no-install vitest run --config tests/firefox/vitest.config.ts "$@"
