#!/usr/bin/env bash
# Bootstrap: make a fresh Debian machine (with Node) ready to build and test moe-wasm.
# Installs missing apt packages, then npm dependencies. Idempotent and quiet when all is there.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(cmake g++ clang-14 libclang-rt-14-dev libeigen3-dev libxsimd-dev libfast-float-dev googletest libgtest-dev binaryen wabt)
# Emscripten: an emsdk on PATH wins; otherwise Debian's package.
if ! command -v emcc >/dev/null 2>&1; then apt_packages+=(emscripten); fi
# Browser tests need Debian's Chromium and Firefox ESR (never a downloaded browser).
if [ "${MOE_SKIP_BROWSER:-0}" != "1" ]; then apt_packages+=(chromium firefox-esr); fi
# The PyTorch round-trip tests (tests/js/pytorch.test.ts) run Debian's python3-torch (CPU, large).
apt_packages+=(python3-torch)

missing=()
for p in "${apt_packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing apt packages: ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm dependencies: install when node_modules is missing or older than the lock file.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "bootstrap: installing npm dependencies" >&2
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
fi
